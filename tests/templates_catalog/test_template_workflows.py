"""Each of the ten templates, instantiated, is walked exactly as its workflow says: from every
status, every move the workflow allows succeeds (with its sign-offs given) and every other one
is refused and changes nothing."""

import pytest
import yaml
from django.db import transaction
from django.utils.text import slugify

from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition
from escalations.core.models import EventType, TicketEvent
from escalations.governance.selectors import processes_of
from escalations.governance.services.processes import sign_offs_ask
from escalations.tickets.lifecycle import transitions
from escalations.tickets.models import Ticket, TicketStatus
from escalations.tickets.selectors.workflows import ticket_status, workflow_of
from escalations.tickets.services.escalations import escalation_create
from escalations.tickets.services.transitions import ticket_move
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from templates_catalog.services import TEMPLATE_DIR, catalog_load
from tests.helpers.catalog import required_values
from tests.helpers.factories import make_ticket
from tests.helpers.workflow_walk import give_sign_offs, path_to

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("workflow test")
SLUGS = sorted(path.stem for path in TEMPLATE_DIR.glob("*.yaml"))


class _Undo(Exception):
    """Rolls a tried move back, so the next one starts from the same status."""


def _sign_everything(ticket: Ticket) -> None:
    """Every sign-off any of the workspace's processes asks of this ticket, given."""
    for process in processes_of(ticket.workspace_id):
        sign_offs_ask(ticket=ticket, process=process, actor=ACTOR, again=True)
    give_sign_offs(ticket)


def _enter(ticket: Ticket, slug: str) -> Ticket:
    """One move into `slug`: an escalation where it is an escalated status, else a move."""
    current = ticket_status(ticket)
    target = workflow_of(ticket.workspace_id).get(slug)
    if target.state == TicketStatus.ESCALATED and current.state != TicketStatus.ESCALATED:
        escalation_create(
            ticket=ticket,
            kind="agent_initiated",
            trigger="test",
            to_team=ticket.workspace.teams.order_by("-tier", "pk").first(),
            summary="Walking the workflow.",
            to_status=slug,
            actor=ACTOR,
        )
        ticket.refresh_from_db()
        return ticket
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        _sign_everything(ticket)
    return ticket_move(ticket=ticket, to_status=slug, actor=ACTOR)


def _ticket_in(workspace, slug: str) -> Ticket:
    ticket = make_ticket(workspace=workspace, actor=ACTOR, custom_fields=required_values(workspace))
    _sign_everything(ticket)
    start = ticket_status(ticket).slug
    if slug != start:
        for step in path_to(workspace.pk, start, slug, through_escalations=True):
            ticket = _enter(ticket, step)
    ticket.refresh_from_db()
    assert ticket_status(ticket).slug == slug
    return ticket


def _designed_moves(slug: str) -> set[tuple[str, str]]:
    """The moves as the template file designs them, read from the file itself: its arrows and
    its any-status statuses, where the lifecycle has the step (nothing leaves Closed)."""
    spec = yaml.safe_load((TEMPLATE_DIR / f"{slug}.yaml").read_text())
    state = {s["name"]: s["lifecycle"] for s in spec["statuses"]}
    steps = {(a, b) for a, _, b in transitions()}
    arrows = {(m["from"], to) for m in spec["status_transitions"] for to in m["to"]}
    anywhere = {s["name"] for s in spec["statuses"] if s.get("from_any")}
    return {
        (slugify(a), slugify(b))
        for a in state
        for b in state
        if a != b
        and state[a] != "closed"
        and ((a, b) in arrows or b in anywhere)
        and (state[a] == state[b] or (state[a], state[b]) in steps)
    }


@pytest.mark.parametrize("slug", SLUGS)
def test_every_ordered_pair_of_a_templates_statuses_moves_exactly_as_its_workflow_says(slug):
    catalog_load()
    workspace = template_instantiate(
        template=WorkflowTemplate.objects.get(slug=slug), name=f"Walk {slug}"
    )
    workflow = workflow_of(workspace.pk)
    assert not workflow.is_builtin
    moved, refused = [], []
    for source in workflow.statuses:
        ticket = _ticket_in(workspace, source.slug)
        for target in workflow.statuses:
            if target.slug == source.slug:
                continue
            events = TicketEvent.objects.filter(ticket=ticket).count()
            row = Ticket.objects.filter(pk=ticket.pk).values().get()
            try:
                with transaction.atomic():
                    _enter(ticket, target.slug)
                    ticket.refresh_from_db()
                    assert ticket_status(ticket).slug == target.slug
                    raise _Undo
            except _Undo:
                moved.append((source.slug, target.slug))
            except IllegalTransition:
                refused.append((source.slug, target.slug))
                assert TicketEvent.objects.filter(ticket=ticket).count() == events
                assert Ticket.objects.filter(pk=ticket.pk).values().get() == row
            ticket.refresh_from_db()
    assert set(moved) == _designed_moves(slug)
    assert len(moved) + len(refused) == len(workflow.statuses) * (len(workflow.statuses) - 1)
    assert not TicketEvent.objects.filter(event_type=EventType.MOVE_BLOCKED).exists()
