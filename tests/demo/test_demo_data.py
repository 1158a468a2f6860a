import pytest
from django.db.models import Count
from django.utils import timezone

from escalations.core.models import EventType, TicketEvent
from escalations.demo.ai import CONVERSATIONS
from escalations.demo.seed import demo_accounts_reset, demo_seed
from escalations.tickets.models import (
    AuthorKind,
    Escalation,
    Message,
    Team,
    Ticket,
    TicketStatus,
    Workspace,
)

# The played tickets, one per end state, and the chatbot's conversations.
TICKETS = 50 + sum(len(runs) for *_, runs in CONVERSATIONS)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def seeded_at():
    return timezone.now()


@pytest.fixture(scope="module")
def seeded(seeded_at, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        result = demo_seed(now=seeded_at)
        yield result
        from django.core.management import call_command

        call_command("flush", interactive=False, verbosity=0)


def test_demo_has_the_four_teams_with_their_tiers(seeded):
    teams = Team.objects.filter(workspace=seeded.workspace)
    assert sorted(teams.values_list("name", "tier", "is_escalation_target")) == [
        ("Billing", 2, True),
        ("Engineering", 3, True),
        ("General support", 1, False),
        ("Technical Support", 2, True),
    ]


def test_demo_has_about_fifty_tickets_in_every_state(seeded):
    support = Ticket.objects.filter(workspace=seeded.workspace)
    by_status = dict(support.values_list("status").annotate(n=Count("id")))
    assert set(by_status) == set(TicketStatus.values)
    assert sum(by_status.values()) == TICKETS


def test_demo_conversations_have_every_kind_of_message(seeded):
    kinds = set(Message.objects.values_list("author_kind", flat=True))
    assert kinds == set(AuthorKind.values)
    assert Message.objects.filter(is_internal=True).exists()


def test_every_escalated_demo_ticket_has_an_owner_and_a_package(seeded):
    for ticket in Ticket.objects.filter(status=TicketStatus.ESCALATED, workspace=seeded.workspace):
        assert ticket.team.tier >= 2 and ticket.assignee is not None
        escalation = ticket.escalations.order_by("-triggered_at").first()
        assert escalation.conversation_snapshot and escalation.crm_snapshot["crm_data"]
    assert set(Escalation.objects.values_list("kind", flat=True)) == {
        "reactive",
        "proactive",
        "agent_initiated",
        "time_based",
    }


def test_demo_history_is_in_the_audit_trail(seeded):
    created = TicketEvent.objects.filter(
        event_type=EventType.TICKET_CREATED, ticket__workspace=seeded.workspace
    )
    assert created.count() == TICKETS
    closed = Ticket.objects.filter(status=TicketStatus.CLOSED).first()
    moves = closed.events.filter(event_type=EventType.STATUS_CHANGED)
    assert list(moves.values_list("to_value", flat=True))[-2:] == ["resolved", "closed"]
    assert closed.created_at < closed.resolved_at < closed.closed_at


def test_seeding_twice_changes_nothing(seeded):
    before = Ticket.objects.count()
    again = demo_seed()
    assert not again.created
    assert Ticket.objects.filter(workspace=seeded.workspace).count() == TICKETS
    assert Ticket.objects.count() == before


def test_the_demo_has_a_workspace_from_a_template_with_tickets_in_several_statuses(seeded):
    from escalations.tickets.selectors.workflows import ticket_status

    moderation = Workspace.objects.get(slug="moderation")
    assert moderation.template_slug == "quality-control-checklist"
    statuses = {ticket_status(t).name for t in moderation.tickets.all()}
    assert statuses == {
        "Flagged by AI",
        "In review",
        "Waiting on author",
        "Awaiting Approval",
        "Approved",
        "With trust and safety",
    }


def test_demo_accounts_share_the_printed_password(seeded):
    from django.contrib.auth import authenticate

    logins = demo_accounts_reset(password="s3cret-demo")
    assert logins[0] == "manager" and "yong" in logins
    manager = authenticate(username="manager", password="s3cret-demo")
    assert manager is not None and manager.groups.filter(name="Support managers").exists()
    assert authenticate(username="yong", password="s3cret-demo") is not None


def test_demo_tickets_run_on_sla_policies_and_what_came_due_has_fired(seeded):
    from escalations.sla.models import ClockState, SlaClock, Timer, TimerState

    workspace = seeded.workspace
    assert set(workspace.sla_policies.values_list("name", flat=True)) == {
        "VIP and enterprise",
        "Outages",
        "Standard",
    }
    assert not workspace.tickets.filter(sla_policy__isnull=True).exists()
    assert SlaClock.objects.filter(state=ClockState.MET).exists()
    assert SlaClock.objects.filter(state=ClockState.BREACHED).exists()
    assert not Timer.objects.filter(state=TimerState.PENDING, due_at__lte=timezone.now()).exists()
    assert not Timer.objects.exclude(last_error="").exists()


def test_the_demo_gives_the_threshold_report_a_history(seeded):
    from datetime import timedelta

    from escalations.reports.metrics import Period
    from escalations.reports.thresholds import threshold_review

    today = timezone.localdate()
    review = {row.category: row for row in threshold_review(Period(today - timedelta(29), today))}
    assert set(review) == {"order.delivery_status", "billing.refund"}
    delivery = review["order.delivery_status"]
    assert (delivery.too_early, delivery.too_late, delivery.current) == (3, 2, 0.6)
    assert delivery.proposed < delivery.current


def test_the_demo_history_fired_each_deadline_at_its_due_time(seeded):
    from escalations.sla.models import Timer, TimerState

    assert not Timer.objects.filter(
        state=TimerState.PENDING, next_try_at__lte=timezone.now()
    ).exists()
    fired = Timer.objects.filter(state=TimerState.FIRED)
    assert fired.filter(kind="sla_warning").exists() and fired.filter(kind="sla_breach").exists()
    assert [t for t in fired if t.fired_at != t.due_at] == []


def test_seeding_adds_nothing_to_the_day_of_the_played_tickets(seeded, seeded_at):
    """What today holds of the played history is what happened today: the steps played and
    the deadlines that came due, at their moments, never a backlog stamped at seeding."""
    from escalations.sla.models import Timer, TimerState

    played = Ticket.objects.filter(created_at__lt=seeded_at)
    assert played.count() == TICKETS
    due = {
        (ticket, due_at)
        for ticket, due_at in Timer.objects.filter(
            ticket__in=played, state=TimerState.FIRED
        ).values_list("ticket", "due_at")
    }
    since = TicketEvent.objects.filter(ticket__in=played, created_at__gte=seeded_at)
    assert [e for e in since if (e.ticket_id, e.created_at) not in due] == []


def test_the_demo_workspace_has_every_governance_document(seeded):
    from escalations.ai.models import QualityChecklist, QualityFlag
    from escalations.governance.models import EscalationMatrix, RaciMatrix, StepSignOff, WorkProcess
    from escalations.incidents.models import (
        ActionPlanBlueprint,
        CommunicationPlan,
        IncidentActionPlan,
        IncidentCommunication,
        PlanStatus,
    )

    workspace = seeded.workspace
    assert not demo_seed().created  # seeding again makes no second one of any
    raci = RaciMatrix.objects.get(workspace=workspace)
    assert raci.activities.count() >= 5
    plan = CommunicationPlan.objects.get(workspace=workspace)
    assert plan.contacts.exists() and plan.steps.exists()
    matrix = EscalationMatrix.objects.get(workspace=workspace)
    assert matrix.cells.count() == len(matrix.severities) * len(matrix.levels)
    assert ActionPlanBlueprint.objects.filter(workspace=workspace).exists()
    process = WorkProcess.objects.get(workspace=workspace)
    assert process.steps.filter(sign_off=True, owner_team__slug="billing").exists()
    checklist = QualityChecklist.objects.get(workspace=workspace)
    assert checklist.escalate_at_once
    assert QualityFlag.objects.filter(checklist=checklist).count() == 3
    # and they are at work: a live outage runs under the plans, a refund awaits Billing
    incident = IncidentActionPlan.objects.get(ticket__workspace=workspace)
    assert incident.status == PlanStatus.AWAITING_APPROVAL
    running = IncidentCommunication.objects.get(ticket=incident.ticket, ended_at=None)
    assert running.updates.exists()
    assert StepSignOff.objects.filter(ticket__workspace=workspace, state="pending").exists()


def test_every_demo_agent_has_raci_duties(seeded):
    from escalations.governance.selectors import raci_duties_of
    from escalations.tickets.models import Agent

    agents = Agent.objects.filter(memberships__team__workspace=seeded.workspace).distinct()
    assert agents.count() == 10
    assert [a.user.username for a in agents if not raci_duties_of(a)] == []
