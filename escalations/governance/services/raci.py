"""RACI matrices: checked as a whole (one Accountable and someone Responsible per activity),
read per person, and told about escalations to the levels their activities are bound to."""

from django.core.exceptions import ValidationError

from escalations.core.actors import Actor
from escalations.core.config_cache import config_service
from escalations.governance.models import (
    RACI_LETTERS,
    RaciActivity,
    RaciAssignment,
    RaciMatrix,
    RaciRole,
)
from escalations.governance.selectors import escalation_contacts
from escalations.tickets.models import Escalation, Workspace
from escalations.tickets.services.notifications import notification_send


def letters_clean(value: str) -> str:
    """ "ra" → "RA"; refuses anything but R, A, C and I, each at most once."""
    letters = "".join(str(value or "").upper().split())
    if (
        not letters
        or any(c not in RACI_LETTERS for c in letters)
        or len(set(letters)) != len(letters)
    ):
        raise ValidationError(f"{value!r}: use R, A, C and I (each at most once), e.g. RA.")
    return "".join(c for c in RACI_LETTERS if c in letters)


def activity_problems(name: str, letters: list[str]) -> list[str]:
    """What is wrong with one activity's cells (the letters of each role)."""
    problems = []
    accountable = sum("A" in cell for cell in letters)
    if accountable != 1:
        problems.append(f"{name}: exactly one role must be Accountable (A); {accountable} are.")
    if not any("R" in cell for cell in letters):
        problems.append(f"{name}: at least one role must be Responsible (R).")
    return problems


@config_service
def raci_matrix_create(
    *, workspace: Workspace, name: str, roles: list[dict], activities: list[dict]
) -> RaciMatrix:
    """A whole matrix at once: roles ({name, team?}), activities ({name, escalation_level?,
    ai?, human_review?, assignments: {role name: letters}}); refused whole if any activity
    breaks the rules."""
    matrix = RaciMatrix(workspace=workspace, name=name)
    matrix.full_clean()
    matrix.save()
    by_name = {}
    for position, role in enumerate(roles, start=1):
        by_name[role["name"]] = RaciRole.objects.create(
            matrix=matrix, name=role["name"], position=position, team=role.get("team")
        )
    problems = []
    for position, item in enumerate(activities, start=1):
        activity = RaciActivity(
            matrix=matrix,
            name=item["name"],
            position=position,
            escalation_level=item.get("escalation_level"),
            ai_involvement=item.get("ai", "none"),
            human_review=item.get("human_review", False),
        )
        activity.full_clean()
        activity.save()
        cells = {}
        for role_name, value in item["assignments"].items():
            if role_name not in by_name:
                problems.append(f"{item['name']}: there is no role {role_name!r}.")
                continue
            try:
                cells[role_name] = letters_clean(value)
            except ValidationError as exc:
                problems.append(f"{item['name']}: {exc.messages[0]}")
        problems += activity_problems(item["name"], list(cells.values()))
        RaciAssignment.objects.bulk_create(
            RaciAssignment(activity=activity, role=by_name[role], letters=letters)
            for role, letters in cells.items()
        )
    if problems:
        raise ValidationError({"activities": problems})
    return matrix


def raci_tell_escalation(*, escalation: Escalation, actor: Actor) -> None:
    """An escalation reached a level: its activities' Consulted and Informed are told."""

    contacts = escalation_contacts(escalation.ticket.workspace_id, escalation.to_tier)
    if not contacts:
        return
    ticket = escalation.ticket
    by_user: dict = {}
    for user, activity, told in contacts:
        if user.is_active:
            by_user.setdefault(user, []).append(
                f"{activity} ({', '.join(RACI_LETTERS[c] for c in told)})"
            )
    for user, duties in by_user.items():
        notification_send(
            ticket=ticket,
            recipients=[user],
            message=f"Ticket {ticket.reference} was escalated to "
            f"{escalation.get_to_tier_display()}: {ticket.subject}\nYou are on it as: "
            + "; ".join(duties),
            actor=actor,
            source="raci",
        )
