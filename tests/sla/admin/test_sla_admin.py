"""SLA screens: policies and ladders, the ticket's clocks, time left, snooze, parked deadlines."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from escalations.core.models import EventType
from escalations.sla.admin.sla_timeline import clocks_timeline
from escalations.sla.models import EscalationLadder, SlaClock, SlaPolicy, Timer, TimerState
from escalations.sla.services.sync import sla_sync
from escalations.tickets.models import Priority, Ticket, TicketStatus
from tests.helpers.admin import change_url, empty_inline_management_data
from tests.helpers.factories import make_ticket
from tests.helpers.sla import make_policy

pytestmark = pytest.mark.django_db


def policy_form(workspace, **overrides):
    data = {
        "workspace": workspace.pk,
        "name": "Premium",
        "position": 1,
        "is_active": "on",
        "match_customer_tiers": "premium, vip",
        "business_hours": "",
        "warning_percent": 75,
        "pause_statuses": ["pending"],
        "targets-TOTAL_FORMS": 1,
        "targets-INITIAL_FORMS": 0,
        "targets-0-priority": Priority.NORMAL,
        "targets-0-first_response_minutes": 30,
        "targets-0-resolution_minutes": 240,
    }
    data.update(overrides)
    return data


def test_a_manager_creates_a_policy_with_targets_and_open_tickets_follow_it(
    client, manager_user, l1_team, actor
):
    from escalations.tickets.models import CustomerTier
    from tests.helpers.factories import CustomerFactory

    ticket = make_ticket(team=l1_team, actor=actor, customer=CustomerFactory(tier="premium"))
    assert ticket.sla_clocks.count() == 0
    client.force_login(manager_user)
    response = client.post(
        reverse("admin:escalations_slapolicy_add"), policy_form(l1_team.workspace)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    policy = SlaPolicy.objects.get(name="Premium")
    assert policy.match_customer_tiers == [CustomerTier.PREMIUM, CustomerTier.VIP]
    assert policy.pause_statuses == ["pending"]
    ticket.refresh_from_db()
    assert ticket.sla_policy == policy
    assert ticket.sla_clocks.filter(kind="first_response", target_seconds=1800).exists()


@pytest.mark.parametrize(
    ("override", "field_error"),
    [
        ({"warning_percent": 100}, "below 100"),
        ({"targets-0-first_response_minutes": 0}, "at least one minute"),
        (
            {"targets-0-first_response_minutes": "", "targets-0-resolution_minutes": ""},
            "at least one target",
        ),
    ],
)
def test_a_bad_policy_is_refused_at_save_time_with_the_reason(
    client, manager_user, l1_team, override, field_error
):
    client.force_login(manager_user)
    response = client.post(
        reverse("admin:escalations_slapolicy_add"), policy_form(l1_team.workspace, **override)
    )
    assert response.status_code == 200
    assert field_error in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_a_ladder_level_for_a_team_of_another_workspace_is_refused(client, manager_user, l1_team):
    from tests.helpers.factories import TeamFactory

    stranger = TeamFactory(slug="elsewhere")
    client.force_login(manager_user)
    response = client.post(
        reverse("admin:escalations_escalationladder_add"),
        {
            "workspace": l1_team.workspace.pk,
            "name": "Ladder",
            "repeat": 0,
            "levels-TOTAL_FORMS": 1,
            "levels-INITIAL_FORMS": 0,
            "levels-0-position": 1,
            "levels-0-name": "L2",
            "levels-0-after_minutes": 30,
            "levels-0-climb_when": "no_first_response",
            "levels-0-to_team": stranger.pk,
            "levels-0-notify": "[]",
        },
    )
    assert response.status_code == 200
    assert "another workspace" in response.content.decode()
    assert not EscalationLadder.objects.exists()


def test_the_ticket_page_shows_its_clocks_and_the_list_shows_time_left(
    client, manager_user, l1_team, actor
):
    make_policy(l1_team.workspace)
    ticket = make_ticket(team=l1_team, actor=actor, subject="Clocked")
    client.force_login(manager_user)
    page = client.get(reverse("admin:escalations_ticket_change", args=[ticket.pk])).content
    assert b"sla-clocks" in page and b"First response" in page and b"Resolution" in page
    assert b"sla-timeline" in page
    listing = client.get(reverse("admin:escalations_ticket_changelist") + "?o=-11")
    assert b"left" in listing.content
    soon = client.get(reverse("admin:escalations_ticket_changelist") + "?sla=1h").content
    later = client.get(reverse("admin:escalations_ticket_changelist") + "?sla=breached").content
    assert b"Clocked" in soon and b"Clocked" not in later


def test_snoozing_from_the_ticket_form_refuses_the_past_and_accepts_the_future(
    client, manager_user, ticket
):
    client.force_login(manager_user)
    form = client.get(change_url(ticket)).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None}
    data.update({"tags": "", "team": ticket.team.pk, **empty_inline_management_data()})
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        change_url(ticket), {**data, "snoozed_until_0": yesterday, "snoozed_until_1": "08:00"}
    )
    assert response.status_code == 200
    assert "future" in str(response.context["adminform"].form.errors)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(
        change_url(ticket), {**data, "snoozed_until_0": tomorrow, "snoozed_until_1": "08:00"}
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.snoozed_until is not None
    assert ticket.events.filter(event_type=EventType.SNOOZED).exists()


def test_parked_deadlines_are_retried_by_a_manager_but_not_by_an_agent(
    client, manager_user, agent_user, l1_team, actor
):
    make_policy(l1_team.workspace)
    ticket = make_ticket(team=l1_team, actor=actor)
    sla_sync(ticket_id=ticket.pk)
    timer = Timer.objects.filter(ticket=ticket).first()
    Timer.objects.filter(pk=timer.pk).update(state=TimerState.PARKED, attempts=5)
    url = reverse("admin:escalations_timer_changelist")
    payload = {"action": "retry_parked", "_selected_action": [timer.pk]}
    client.force_login(agent_user)
    assert client.get(url).status_code == 200  # agents see the deadlines
    client.post(url, payload)
    timer.refresh_from_db()
    assert timer.state == TimerState.PARKED
    client.force_login(manager_user)
    client.post(url, payload)
    timer.refresh_from_db()
    assert timer.state == TimerState.PENDING
    assert (
        Ticket.objects.get(pk=ticket.pk).events.filter(event_type=EventType.TIMER_RETRIED).exists()
    )


def test_the_sla_pages_open_for_a_manager_and_read_only_users_only_look(
    client, manager_user, read_only_user, l1_team
):
    policy = make_policy(l1_team.workspace)
    ladder = EscalationLadder.objects.create(workspace=l1_team.workspace, name="Ladder")
    for user, can_add in ((manager_user, True), (read_only_user, False)):
        client.force_login(user)
        for model, obj in (("slapolicy", policy), ("escalationladder", ladder)):
            assert client.get(reverse(f"admin:escalations_{model}_changelist")).status_code == 200
            page = client.get(reverse(f"admin:escalations_{model}_change", args=[obj.pk]))
            assert page.status_code == 200
            add = client.get(reverse(f"admin:escalations_{model}_add")).status_code
            assert add == (200 if can_add else 403)


def test_the_clock_timeline_draws_running_paused_and_overdue_time_on_one_axis():
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    minute = timedelta(minutes=1)
    paused_then_late = SlaClock(
        started_at=start,
        due_at=start + 60 * minute,
        pauses=[[(start + 20 * minute).isoformat(), (start + 40 * minute).isoformat(), "pending"]],
    )
    met_early = SlaClock(
        started_at=start, due_at=start + 30 * minute, stopped_at=start + 10 * minute
    )

    html = clocks_timeline(
        [paused_then_late, met_early], ["Resolution", "First response"], start + 100 * minute
    )

    bars = html.split("<span style='width:170px")[1:]
    late, met = bars
    assert "Resolution" in late and "First response" in met
    # paused from 20 to 40 of a 100-minute axis, past the deadline from 60 to now (100)
    assert "title='paused: pending' style='position:absolute;left:20.0%;width:20.0%" in late
    assert "title='past the deadline' style='position:absolute;left:60.0%;width:40.0%" in late
    # stopped at 10 minutes, before its deadline at 30: nothing overdue, the deadline marked
    assert "title='past the deadline'" not in met
    assert "title='running' style='position:absolute;left:0.0%;width:10.0%" in met
    assert "left:30.0%;top:-3px" in met


def test_a_new_policy_form_ticks_the_statuses_that_pause_by_default(client, manager_user):
    client.force_login(manager_user)
    form = client.get(reverse("admin:escalations_slapolicy_add")).context["adminform"].form

    boxes = re.findall(r"<input[^>]*>", str(form["pause_statuses"]))

    ticked = [
        re.search(r'value="([^"]+)"', box)[1]
        for box in boxes
        if re.search(r"\schecked\b(?!:)", box)
    ]
    assert ticked == [TicketStatus.PENDING, TicketStatus.ON_HOLD]
    assert list(SlaPolicy().pause_statuses) == ticked


def test_saving_a_policy_that_takes_tickets_from_another_says_how_many_first(
    client, manager_user, l1_team, actor
):
    workspace = l1_team.workspace
    standard = make_policy(workspace, name="Standard", position=10)
    tickets = [make_ticket(team=l1_team, actor=actor) for _ in range(3)]
    client.force_login(manager_user)
    form = policy_form(
        workspace, name="Billing standard", match_customer_tiers="", applies_to_all="on"
    )

    first = client.post(reverse("admin:escalations_slapolicy_add"), form)

    assert first.status_code == 200
    page = first.content.decode()
    assert "applies to 3 working tickets, 3 of them now under other policies" in page
    assert 'name="confirm_takes" value="3"' in page
    assert not SlaPolicy.objects.filter(name="Billing standard").exists()
    assert {t.sla_policy for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])} == {
        standard
    }

    confirmed = client.post(
        reverse("admin:escalations_slapolicy_add"), {**form, "confirm_takes": 3}
    )

    assert confirmed.status_code == 302
    billing = SlaPolicy.objects.get(name="Billing standard")
    assert {t.sla_policy for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])} == {
        billing
    }


def test_saving_a_policy_without_conditions_says_it_takes_no_ticket_by_itself(
    client, manager_user, l1_team, actor
):
    workspace = l1_team.workspace
    standard = make_policy(workspace, name="Standard", position=10)
    ticket = make_ticket(team=l1_team, actor=actor)
    client.force_login(manager_user)

    response = client.post(
        reverse("admin:escalations_slapolicy_add"),
        policy_form(workspace, name="Billing standard", match_customer_tiers=""),
        follow=True,
    )

    said = [str(m) for m in response.context["messages"]]
    assert any("takes no ticket by itself" in m for m in said), said
    billing = SlaPolicy.objects.get(name="Billing standard")
    assert not billing.applies_to_all
    ticket.refresh_from_db()
    assert ticket.sla_policy == standard


def test_the_policy_page_says_how_many_working_tickets_it_applies_to(
    client, manager_user, l1_team, actor
):
    standard = make_policy(l1_team.workspace, name="Standard")
    make_ticket(team=l1_team, actor=actor)
    make_ticket(team=l1_team, actor=actor)
    client.force_login(manager_user)

    page = client.get(reverse("admin:escalations_slapolicy_change", args=[standard.pk]))

    assert "2 working tickets" in page.content.decode()
