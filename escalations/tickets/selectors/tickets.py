"""Reads about one ticket and its workspace: the latest customer message, the custom field
definitions and status labels (kept with the configuration), and who a notification reaches."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from escalations.core.config_cache import config_cached
from escalations.core.db.compiled import CompiledRead
from escalations.core.held import held_fact
from escalations.tickets.models import (
    AuthorKind,
    CustomFieldDefinition,
    CustomStatus,
    Message,
    TeamMembership,
    Ticket,
)

_latest_customer_body = CompiledRead(
    lambda ticket_id: (
        Message.objects.filter(ticket=ticket_id, author_kind=AuthorKind.CUSTOMER)
        .order_by("-created_at", "-id")
        .values_list("body", flat=True)[:1]
    )
)


def latest_customer_body(ticket_id: int) -> str:
    """The text of the customer's latest message on the ticket ("" if none)."""
    return held_fact(
        ticket_id,
        "latest_customer_body",
        lambda: next(iter(_latest_customer_body(ticket_id)), ""),
    )


def field_definitions(workspace_id: int) -> list[CustomFieldDefinition]:
    """The workspace's custom field definitions (shared: read-only)."""
    return config_cached(
        "field_definitions",
        workspace_id,
        lambda: list(CustomFieldDefinition.objects.filter(workspace=workspace_id)),
    )


def default_custom_status(workspace_id: int, state: str) -> CustomStatus | None:
    """The workspace's label for a lifecycle state, if it has one (shared: read-only)."""
    return config_cached(
        "default_custom_status",
        (workspace_id, state),
        lambda: CustomStatus.objects.filter(
            workspace=workspace_id, lifecycle_state=state, is_default=True
        ).first(),
    )


def resolve_recipients(ticket: Ticket, recipients: list) -> list:
    """Logins, `team:<slug>` (every member) and `assignee` (or users already at hand), as
    users, without repeats."""
    users, unknown = {}, []
    user_model = get_user_model()
    for recipient in recipients:
        if isinstance(recipient, user_model):
            if recipient.is_active:  # a disabled login is not told
                users[recipient.pk] = recipient
        elif recipient == "assignee":
            if ticket.assignee_id:
                user = ticket.assignee.user
                users[user.pk] = user
        elif recipient.startswith("team:"):
            members = TeamMembership.objects.filter(
                team__workspace=ticket.workspace_id, team__slug=recipient[5:]
            ).select_related("agent__user")
            if not members:
                unknown.append(recipient)
            for membership in members:
                users[membership.agent.user.pk] = membership.agent.user
        else:
            user = user_model.objects.filter(username=recipient, is_active=True).first()
            if user is None:
                unknown.append(recipient)
            else:
                users[user.pk] = user
    if unknown:
        raise ValidationError(f"Nobody to notify as {', '.join(unknown)}.")
    return list(users.values())
