import pytest

from escalations.core.models import EventType, TicketEvent
from escalations.sla.models import ClockKind, ClockState, SlaClock, SlaPolicy
from escalations.tickets.models import Escalation, Ticket
from tests.helpers.factories import TeamFactory, WorkspaceFactory, make_ticket
from tests.helpers.reports import M, at


@pytest.fixture
def history(settings):
    settings.TIME_ZONE = "UTC"
    workspace = WorkspaceFactory()
    front, back = (TeamFactory(workspace=workspace, slug=s, name=s.title()) for s in "ab")
    tickets = [make_ticket(workspace=workspace, team=front) for _ in range(5)]
    t1, t2, t3, t4, t5 = tickets

    def escalation(ticket, kind, team, tier, hours, answered=None, resolved=False, moved=False):
        Ticket.objects.filter(pk=ticket.pk).update(escalated_at=at(hours))
        return Escalation.objects.create(
            ticket=ticket,
            kind=kind,
            trigger="test",
            category="billing",
            from_tier=1,
            to_tier=tier,
            to_team=team,
            triggered_at=at(hours),
            first_human_response_at=at(hours) + answered if answered else None,
            resolved_at=at(hours + 5) if resolved else None,
            is_rerouted=moved,
        )

    escalation(t1, "reactive", front, 2, 1, answered=10 * M, resolved=True)
    escalation(t2, "proactive", front, 2, 3, answered=30 * M, moved=True)
    escalation(t3, "agent_initiated", back, 3, 25, answered=60 * M, resolved=True)
    escalation(t4, "time_based", back, 2, 26)
    Ticket.objects.filter(pk=t1.pk).update(created_at=at(0), resolved_at=at(2))
    Ticket.objects.filter(pk=t3.pk).update(created_at=at(24), resolved_at=at(27))
    Ticket.objects.filter(pk=t5.pk).update(created_at=at(-1), resolved_at=at(0))
    Ticket.objects.filter(pk__in=[t1.pk, t2.pk, t3.pk, t4.pk, t5.pk]).update(ai_intent="billing")
    # Status changes as the lifecycle records them: the stay each one ended (t3 was created at
    # 24 h and first escalated at 25 h).
    for ticket, left, entered, hours, stayed in [
        (t1, "open", "escalated", 1, 1),
        (t1, "escalated", "resolved", 2, 1),
        (t3, "open", "escalated", 25, 1),
        (t3, "escalated", "pending", 27, 2),
        (t3, "pending", "open", 28, 1),
    ]:
        TicketEvent.objects.create(
            ticket=ticket,
            event_type=EventType.STATUS_CHANGED,
            actor_kind="system",
            from_value=left,
            to_value=entered,
            stay_seconds=stayed * 3600,
            created_at=at(hours),
        )
    policy = SlaPolicy.objects.create(workspace=workspace, name="Standard")
    for n, ticket in enumerate(tickets[:4]):
        SlaClock.objects.create(
            ticket=ticket,
            kind=ClockKind.FIRST_RESPONSE,
            policy=policy,
            state=ClockState.RUNNING,
            target_seconds=3600,
            started_at=at(n),
            breached_at=at(n + 1) if n == 0 else None,
        )
    return workspace, front, back
