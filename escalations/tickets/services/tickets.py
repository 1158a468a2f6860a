"""Creating and editing tickets. Lifecycle moves live in `transitions`."""

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError

from escalations.core import clock
from escalations.core.actors import Actor
from escalations.core.events import event_build, event_record, events_record_many
from escalations.core.held import held_add, ticket_for_update
from escalations.core.hooks import TICKET_PRIORITY
from escalations.core.models import EventType
from escalations.core.unit_of_work import ticket_service
from escalations.tickets.custom_fields import clean_custom_fields
from escalations.tickets.kept import team_kept, team_members
from escalations.tickets.models import (
    AuthorKind,
    Channel,
    Customer,
    Priority,
    Ticket,
    TicketStatus,
    Tier,
    Workspace,
)
from escalations.tickets.selectors.tickets import default_custom_status, field_definitions

# What a new ticket may be given (besides its first message).
CREATE_FIELDS = (
    "workspace",
    "subject",
    "customer",
    "channel",
    "store",
    "topic",
    "team",
    "assignee",
    "tier",
    "priority",
    "tags",
    "custom_fields",
    "ai_confidence",
    "ai_intent",
    "ai_sentiment",
)
SNAPSHOT_FIELDS = (*CREATE_FIELDS[1:], "status", "snoozed_until")

# What a plain edit may change: the workspace is fixed, status moves go through `ticket_move`
# (and the other moves of `transitions`) and snoozing through `ticket_snooze`.
EDITABLE_FIELDS = tuple(f for f in CREATE_FIELDS if f != "workspace")

ERR_TEAM_OTHER_WORKSPACE = "The team belongs to another workspace."
ERR_ASSIGNEE_NOT_IN_TEAM = "{agent} is not a member of {team}."
ERR_NOT_EDITABLE = "{field} cannot be edited here."
ERR_CLOSED = "Ticket {ref} is closed, and closed tickets are final."


def ensure_not_closed(ticket: Ticket) -> None:
    if ticket.status == TicketStatus.CLOSED:
        raise ValidationError(ERR_CLOSED.format(ref=ticket.reference))


def normalise_tags(tags: Any) -> list[str]:
    if tags is None:
        return []
    if isinstance(tags, str):
        tags = tags.split(",")
    if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
        raise ValidationError({"tags": "Tags must be a list of words."})
    return sorted({t.strip().lower() for t in tags if t.strip()})


def ticket_validate(ticket: Ticket, *, changed: Iterable[str] | None = None) -> None:
    """Everything a ticket must satisfy before it is saved, whoever saves it.

    With `changed` (an edit), only what those fields can break is checked again: the rest was
    checked when it was saved.
    """
    fields = None if changed is None else set(changed)

    def touched(*names: str) -> bool:
        return fields is None or not fields.isdisjoint(names)

    errors: dict[str, list[str]] = {}
    excluded = {"custom_fields", "tags", "status"}
    if fields is not None:
        excluded |= {f.name for f in Ticket._meta.fields} - fields
    # A related row handed over as a loaded instance is not looked up again; the database's
    # foreign key still guards it.
    excluded |= {
        f.name
        for f in Ticket._meta.fields
        if f.is_relation and touched(f.name) and f.is_cached(ticket)
    }
    try:
        ticket.full_clean(exclude=sorted(excluded), validate_unique=fields is None)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if touched("tags"):
        try:
            ticket.tags = normalise_tags(ticket.tags)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if touched("custom_fields"):
        try:
            ticket.custom_fields = clean_custom_fields(
                field_definitions(ticket.workspace_id), ticket.custom_fields
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if touched("team") and ticket.team_id and ticket.team.workspace_id != ticket.workspace_id:
        errors.setdefault("team", []).append(ERR_TEAM_OTHER_WORKSPACE)
    if (
        touched("team", "assignee")
        and ticket.team_id
        and ticket.assignee_id
        and ticket.assignee_id not in team_members(ticket.team_id)
    ):
        errors.setdefault("assignee", []).append(
            ERR_ASSIGNEE_NOT_IN_TEAM.format(agent=ticket.assignee, team=ticket.team)
        )
    if touched("custom_status", "status") and ticket.custom_status_id:
        status = ticket.custom_status
        if status.workspace_id != ticket.workspace_id:
            errors.setdefault("custom_status", []).append(
                "The custom status belongs to another workspace."
            )
        elif status.lifecycle_state != ticket.status:
            errors.setdefault("custom_status", []).append(
                f"{status.name} is a label for {status.get_lifecycle_state_display()}, "
                f"but the ticket is {ticket.get_status_display()}."
            )
    if errors:
        raise ValidationError(errors)


@ticket_service
def ticket_create(
    *,
    workspace: Workspace,
    subject: str,
    customer: Customer,
    actor: Actor,
    channel: str = Channel.EMAIL,
    body: str = "",
    store: str = "",
    topic: str = "",
    team=None,
    assignee=None,
    tier: int = Tier.L1,
    priority: int = Priority.NORMAL,
    tags: Any = (),
    custom_fields: dict | None = None,
    ai_confidence: float | None = None,
    ai_intent: str = "",
    ai_sentiment: float | None = None,
) -> Ticket:
    """Open a ticket; with a body, the customer's first message starts the conversation."""
    now = clock.now()
    ticket = Ticket(
        workspace=workspace,
        subject=subject,
        customer=customer,
        channel=channel,
        store=store,
        topic=topic,
        team=team,
        assignee=assignee,
        tier=tier,
        priority=priority,
        tags=normalise_tags(tags),
        custom_fields=custom_fields or {},
        ai_confidence=ai_confidence,
        ai_intent=ai_intent,
        ai_sentiment=ai_sentiment,
        created_at=now,
        updated_at=now,
        status_changed_at=now,
        # A new ticket starts in its workflow's status for New (none in the built-in one).
        custom_status=default_custom_status(workspace.pk, TicketStatus.NEW),
    )
    derived = _priority_derived(workspace.pk, ticket.custom_fields)
    if derived is not None:
        ticket.priority = derived[0]
    ticket_validate(ticket)
    ticket.save()
    held_add(ticket)
    event_record(
        ticket=ticket,
        event_type=EventType.TICKET_CREATED,
        actor=actor,
        to_value=ticket.status,
        # The whole starting state, so that a drill can replay the ticket's history later.
        data={
            "channel": channel,
            "subject": subject,
            "customer": customer.pk,
            "snapshot": {field: _raw(getattr(ticket, field)) for field in SNAPSHOT_FIELDS},
        },
    )
    if body:
        # Imported here: messages imports this module at its top (a cycle).
        from escalations.tickets.services.messages import message_add

        message_add(
            ticket=ticket, author_kind=AuthorKind.CUSTOMER, body=body, actor=actor, opening=True
        )
    return ticket


@ticket_service
def ticket_open(*, workspace: Workspace, customer_data: dict, actor: Actor, **fields) -> Ticket:
    """Open a ticket for a customer known by e-mail (created at first contact)."""
    email = customer_data["email"].strip().lower()
    customer = Customer.objects.filter(email__iexact=email).order_by("pk").first()
    if customer is None:
        customer = Customer(
            email=email,
            name=customer_data.get("name") or email.split("@")[0],
            company=customer_data.get("company", ""),
            tier=customer_data.get("tier") or Customer._meta.get_field("tier").default,
        )
        customer.full_clean()
        customer.save()
    return ticket_create(workspace=workspace, customer=customer, actor=actor, **fields)


@ticket_service
def ticket_update(*, ticket: Ticket, actor: Actor, changes: dict[str, Any], reason: str = ""):
    """Edit fields; every field that really changes gets its own `ticket.field_changed` event."""
    _refuse_not_editable(changes)
    locked = ticket_for_update(ticket.pk)
    ensure_not_closed(locked)
    why = {}
    if "custom_fields" in changes and "priority" not in changes:
        derived = _priority_derived(locked.workspace_id, changes["custom_fields"])
        if derived is not None:
            changes = {**changes, "priority": derived[0]}
            why["priority"] = derived[1]
    before = {field: _current(locked, field) for field in changes}
    for field, value in changes.items():
        setattr(locked, field, value)
    ticket_validate(locked, changed=changes)
    changed = [field for field in changes if getattr(locked, field) != before[field]]
    if not changed:
        return locked
    locked.updated_at = clock.now()
    locked.save(update_fields=[*changed, "updated_at"])
    events_record_many(
        [
            event_build(
                ticket=locked,
                event_type=EventType.FIELD_CHANGED,
                actor=actor,
                from_value=_display(field, before[field]),
                to_value=_display(field, getattr(locked, field)),
                reason=why.get(field, reason),
                data={
                    "field": field,
                    "from": _raw(before[field]),
                    "to": _raw(getattr(locked, field)),
                },
            )
            for field in changed
        ]
    )
    ticket_copy_saved(ticket, locked)
    return locked


def ticket_update_check(*, ticket: Ticket, changes: dict[str, Any]) -> None:
    """Raise what `ticket_update` would refuse for these changes, without writing anything or
    changing the ticket: a caller that goes on after a refusal (a rule's next action) needs no
    savepoint when it checks first."""
    _refuse_not_editable(changes)
    ensure_not_closed(ticket)
    before = {field: getattr(ticket, field) for field in changes}
    try:
        for field, value in changes.items():
            setattr(ticket, field, value)
        ticket_validate(ticket, changed=changes)
    finally:
        for field, value in before.items():
            setattr(ticket, field, value)  # as it was, whatever the check said


def _refuse_not_editable(changes: dict[str, Any]) -> None:
    not_editable = sorted(set(changes) - set(EDITABLE_FIELDS))
    if not_editable:
        raise ValidationError(
            {field: ERR_NOT_EDITABLE.format(field=field) for field in not_editable}
        )


def _current(ticket: Ticket, field: str) -> Any:
    """A field's value before an edit; the team from the kept configuration."""
    if field == "team" and not Ticket.team.field.is_cached(ticket):
        return team_kept(ticket.team_id)
    return getattr(ticket, field)


def _display(field: str, value: Any) -> str:
    """How a value reads in the audit trail: choice labels, names, comma-joined lists."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    choices = dict(Ticket._meta.get_field(field).flatchoices)
    return str(choices.get(value, value))


def _raw(value: Any) -> Any:
    """A JSON-safe form of a field value for the event's data."""
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def ticket_copy_saved(ticket: Ticket, saved: Ticket) -> None:
    """Let the caller's instance see what was saved (protected status included), without
    reading the row again: `saved` was read under the lock and holds every saved value."""
    if ticket is saved:
        return
    for field in Ticket._meta.concrete_fields:
        value = getattr(saved, field.attname)
        if (
            field.is_relation
            and field.is_cached(ticket)
            and getattr(ticket, field.attname) != value
        ):
            field.delete_cached_value(ticket)
        ticket.__dict__[field.attname] = value  # past the protected status's descriptor
    ticket._update_initial_state()  # the state django-fsm guards the next save with


def _priority_derived(workspace_id: int, custom_fields: dict):
    """The (priority, why) a listener of `ticket.priority_derived` (the priority matrix)
    gives these custom fields, or None."""
    for answer in TICKET_PRIORITY.ask(workspace_id=workspace_id, custom_fields=custom_fields):
        if answer is not None:
            return answer
    return None
