"""Quality checks: the AI flags error types first; a critical one escalates the item at once,
and one that recurs too often within the window escalates when it reaches the limit."""

from datetime import UTC, datetime, timedelta

import pytest

from escalations.ai.models import QualityChecklist, QualityFlag
from escalations.ai.services.handoff import ai_verdict_record
from escalations.core import clock
from escalations.core.actors import Actor
from escalations.tickets.models import TicketStatus
from templates_catalog.instantiate import template_instantiate
from templates_catalog.models import WorkflowTemplate
from tests.helpers.factories import make_ticket

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("ai")
START = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def workspace():
    template = WorkflowTemplate.objects.get(slug="quality-control-checklist")
    return template_instantiate(template=template, name="Moderation")


def item(workspace):
    required = {
        f.key: (f.choices[0] if f.choices else "x")
        for f in workspace.field_definitions.filter(is_required=True)
    }
    return make_ticket(
        workspace=workspace,
        team=workspace.teams.order_by("tier", "pk").first(),
        actor=ACTOR,
        custom_fields=required,
    )


def check(ticket, *flags):
    return ai_verdict_record(
        ticket=ticket, actor=ACTOR, confidence=0.99, intent="spam", flags=list(flags)
    )


def test_the_template_brings_its_checklist(workspace):
    checklist = QualityChecklist.objects.get(workspace=workspace)
    assert len(checklist.error_types) == 14
    assert "child_safety" in checklist.escalate_at_once and "spam" not in checklist.escalate_at_once
    assert (checklist.recurrences, checklist.within_hours) == (5, 24)
    assert checklist.to_team.slug == "trust-safety"


def test_a_critical_error_type_escalates_the_item_at_once(workspace):
    ticket = item(workspace)

    verdict = check(ticket, "child_safety")

    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.ESCALATED
    assert ticket.team.slug == "trust-safety"
    assert verdict.escalation.reasons == ["Child safety escalates at once."]


def test_a_recurring_error_type_escalates_when_it_reaches_the_limit(workspace):
    with clock.frozen_at(START - timedelta(hours=30)):  # outside the 24 h window
        check(item(workspace), "harassment")
    for n in range(4):
        with clock.frozen_at(START + timedelta(minutes=n)):
            check(item(workspace), "harassment")
    assert not QualityFlag.objects.filter(ticket__status=TicketStatus.ESCALATED).exists()

    fifth = item(workspace)
    with clock.frozen_at(START + timedelta(minutes=10)):
        verdict = check(fifth, "harassment")

    fifth.refresh_from_db()
    assert fifth.status == TicketStatus.ESCALATED
    assert verdict.escalation.reasons == [
        "Targeted harassment or bullying flagged 5 times in 24 h (the limit is 5)."
    ]


def test_flags_outside_the_checklist_or_not_counted_for_recurrence_change_nothing(workspace):
    for _ in range(6):
        ticket = item(workspace)
        check(ticket, "spam", "not-a-checklist-type")
        ticket.refresh_from_db()
        assert ticket.status != TicketStatus.ESCALATED
    assert QualityFlag.objects.filter(error_type="spam").count() == 6
    assert not QualityFlag.objects.filter(error_type="not-a-checklist-type").exists()
