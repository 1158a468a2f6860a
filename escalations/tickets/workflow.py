"""A workspace's workflow: its statuses, the moves allowed between them and where the system's own
moves land. This graph is the state machine a workspace's tickets follow on every path; the
lifecycle underneath (`Ticket`'s django-fsm transitions) says which lifecycle steps exist, and
each move between statuses of different lifecycle states is made by the one step between them.

A workspace without statuses of its own follows the built-in workflow: one status per
lifecycle state and the lifecycle's own steps as its moves.

This module is pure: `workflow_of` in `escalations.tickets.selectors.workflows` reads a workspace's
workflow from the database.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from escalations.tickets.lifecycle import transitions
from escalations.tickets.models import TicketStatus

FINAL_STATES = frozenset({TicketStatus.CLOSED})


class SystemMove(models.TextChoices):
    """The moves the system makes by itself, and the lifecycle state each one reaches."""

    ESCALATION = "escalation", _("an escalation")
    REPLY = "reply", _("a customer's reply to a waiting ticket")
    WAKE = "wake", _("a snooze that ends")
    SNOOZE = "snooze", _("snoozing a working ticket")


SYSTEM_MOVE_STATE = {
    SystemMove.ESCALATION: TicketStatus.ESCALATED,
    SystemMove.REPLY: TicketStatus.OPEN,
    SystemMove.WAKE: TicketStatus.OPEN,
    SystemMove.SNOOZE: TicketStatus.PENDING,
}

# The workspace field that names each system move's landing status.
LANDING_FIELDS = {
    SystemMove.ESCALATION: "escalation_status",
    SystemMove.REPLY: "reply_status",
    SystemMove.WAKE: "wake_status",
    SystemMove.SNOOZE: "snooze_status",
}


@cache
def lifecycle_steps() -> Mapping[tuple[str, str], str]:
    """The lifecycle step that leads from one state to another, by (source, target)."""
    steps: dict[tuple[str, str], str] = {}
    for source, name, target in transitions():
        if source != target:
            steps[(source, target)] = name
    return steps


def lifecycle_step(source_state: str, target_state: str) -> str | None:
    """ "" when no lifecycle step is needed (the same state), the step's name, or None."""
    if source_state == target_state:
        return ""
    return lifecycle_steps().get((source_state, target_state))


@dataclass(frozen=True)
class Status:
    """One status of a workflow. `id` is the CustomStatus row, None in the built-in workflow."""

    slug: str
    name: str
    state: str
    id: int | None = None
    is_default: bool = False
    from_any: bool = False
    position: int = 0

    @property
    def is_final(self) -> bool:
        return self.state in FINAL_STATES

    @property
    def state_label(self) -> str:
        return str(TicketStatus(self.state).label)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Workflow:
    statuses: tuple[Status, ...]
    moves: frozenset[tuple[str, str]]  # (from slug, to slug), as chosen
    landings: Mapping[str, str] = field(default_factory=dict)  # SystemMove → slug, as chosen
    is_builtin: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_slug", {s.slug: s for s in self.statuses})
        object.__setattr__(self, "_by_id", {s.id: s for s in self.statuses if s.id is not None})

    # Looking statuses up

    def get(self, slug: str) -> Status | None:
        return self._by_slug.get(slug)

    def by_id(self, pk: int | None) -> Status | None:
        return self._by_id.get(pk)

    def default_for(self, state: str) -> Status | None:
        """The status a lifecycle step into `state` lands on when nothing else is said."""
        in_state = [s for s in self.statuses if s.state == state]
        return next((s for s in in_state if s.is_default), None) or (
            in_state[0] if len(in_state) == 1 else None
        )

    def current(self, *, state: str, status_id: int | None) -> Status:
        """Where a ticket is: its status, else its state's default, else its bare state."""
        found = self.by_id(status_id)
        if found is not None and found.state == state:
            return found
        if self.is_builtin:
            return self._by_slug[state]
        return self.default_for(state) or bare_status(state)

    def landing(self, move: str) -> Status | None:
        """The status a system move lands on: the one chosen, else its state's default."""
        chosen = self.get(self.landings.get(move, ""))
        return chosen or self.default_for(SYSTEM_MOVE_STATE[move])

    # The graph

    def is_chosen(self, source: Status, target: Status) -> bool:
        """Whether the workflow names the move (an arrow, or a target open from any status)."""
        if source.id is None and not self.is_builtin:
            return True  # a ticket on a bare state (no status of its own) joins the workflow
        return (source.slug, target.slug) in self.moves or target.from_any

    def may_move(self, source: Status, target: Status) -> bool:
        """Whether the workflow allows `source` → `target` and the lifecycle can make it."""
        if source.slug == target.slug or source.is_final:
            return False
        if lifecycle_step(source.state, target.state) is None:
            return False
        return self.is_chosen(source, target)

    def next_statuses(self, source: Status) -> list[Status]:
        """Every status `source` may move to, in the workflow's order."""
        return [s for s in self.statuses if self.may_move(source, s)]

    def chosen_moves(self) -> list[tuple[Status, Status]]:
        return sorted(
            ((self._by_slug[a], self._by_slug[b]) for a, b in self.moves),
            key=lambda pair: (pair[0].position, pair[1].position),
        )

    def start(self) -> Status | None:
        return self.default_for(TicketStatus.NEW)

    def reachable(self) -> set[str]:
        """The slugs a new ticket can reach through allowed moves."""
        start = self.start()
        if start is None:
            return set()
        seen, todo = {start.slug}, [start]
        while todo:
            for target in self.next_statuses(todo.pop()):
                if target.slug not in seen:
                    seen.add(target.slug)
                    todo.append(target)
        return seen


def bare_status(state: str) -> Status:
    """A lifecycle state taken as a status (the built-in workflow's, or a ticket's whose
    workspace has no status for its state)."""
    return Status(
        slug=str(state),
        name=str(TicketStatus(state).label),
        state=str(state),
        is_default=True,
        position=list(TicketStatus.values).index(state),
    )


@cache
def builtin_workflow() -> Workflow:
    """The lifecycle itself as a workflow: one status per state, the lifecycle's steps as its
    moves."""
    statuses = tuple(bare_status(state) for state in TicketStatus.values)
    moves = frozenset(lifecycle_steps())
    return Workflow(statuses=statuses, moves=moves, is_builtin=True)


def workflow_problems(
    workflow: Workflow, *, relied_on: Iterable[str] = (), unsettled: Iterable[str] = ()
) -> list[str]:
    """What makes a workflow unusable, in the workspace's words: moves the lifecycle cannot
    make, statuses no ticket can reach, dead ends that are not final, landings in the wrong
    state, and system moves (`relied_on`) that some status could not make. Statuses being
    added (`unsettled`, slugs) cannot have moves yet and are not held to reach or lead on."""
    unsettled = set(unsettled)
    if workflow.is_builtin or not workflow.statuses:
        return []
    problems: list[str] = []
    if workflow.start() is None:
        problems.append(str(_("No status is the default of New: new tickets would have none.")))
    for source, target in workflow.chosen_moves():
        if lifecycle_step(source.state, target.state) is None:
            problems.append(
                str(
                    _(
                        "{source} ({source_state}) cannot move to {target} ({target_state}): "
                        "the lifecycle has no such step."
                    ).format(
                        source=source,
                        source_state=source.state_label,
                        target=target,
                        target_state=target.state_label,
                    )
                )
            )
    reachable = workflow.reachable() if workflow.start() is not None else None
    for status in workflow.statuses:
        if status.slug in unsettled:
            continue
        if reachable is not None and status.slug not in reachable:
            problems.append(str(_("No ticket can reach {status}.").format(status=status)))
        if not status.is_final and not workflow.next_statuses(status):
            problems.append(
                str(
                    _("Nothing leads out of {status}, and it is not a final status.").format(
                        status=status
                    )
                )
            )
    for move, slug in workflow.landings.items():
        landing = workflow.get(slug)
        state = SYSTEM_MOVE_STATE[move]
        if landing is not None and landing.state != state:
            problems.append(
                str(
                    _("{move} must land in a status of {state}, not in {status}.").format(
                        move=str(SystemMove(move).label).capitalize(),
                        state=TicketStatus(state).label,
                        status=landing,
                    )
                )
            )
    for move in relied_on:
        problems.extend(system_move_problems(workflow, move))
    return problems


def system_move_sources(workflow: Workflow, move: str) -> list[Status]:
    """The statuses a system move starts from."""
    if move == SystemMove.ESCALATION:
        states = {TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.PENDING, TicketStatus.ON_HOLD}
    elif move == SystemMove.SNOOZE:
        states = {TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.ESCALATED}
    else:
        # A reply or a wake-up brings back a ticket that waits on the customer. One on hold
        # waits on someone else: where its workflow allows no way back, it stays on hold.
        states = {TicketStatus.PENDING}
    return [s for s in workflow.statuses if s.state in states]


def system_move_problems(workflow: Workflow, move: str) -> list[str]:
    """The statuses from which a system move the workspace relies on could not land."""
    label = str(SystemMove(move).label).capitalize()
    landing = workflow.landing(move)
    if landing is None:
        state = TicketStatus(SYSTEM_MOVE_STATE[move]).label
        return [
            str(
                _("{move} has nowhere to land: the workflow has no status of {state}.").format(
                    move=label, state=state
                )
            )
        ]
    blocked = [
        s.name
        for s in system_move_sources(workflow, move)
        if s.slug != landing.slug and not workflow.may_move(s, landing)
    ]
    if not blocked:
        return []
    return [
        str(
            _(
                "{move} lands in {landing}, which cannot be reached from {blocked}: allow the "
                "move, or let {landing} be entered from any status."
            ).format(move=label, landing=landing, blocked=", ".join(blocked))
        )
    ]
