"""A workspace's workflow is checked as one graph when its page is saved: a workflow that would
strand tickets is a form error, never stored; the page draws the workflow."""

import pytest
from django.forms import inlineformset_factory
from django.urls import reverse

from escalations.tickets.admin.workflow_forms import CustomStatusFormSet
from escalations.tickets.models import CustomStatus, Workspace
from tests.helpers.factories import TeamFactory

pytestmark = pytest.mark.django_db

FIELDS = ("name", "slug", "lifecycle_state", "is_default", "position", "next_statuses")
FormSet = inlineformset_factory(
    Workspace, CustomStatus, formset=CustomStatusFormSet, fields=FIELDS, extra=0
)


def status(workspace, name, state, **extra):
    return CustomStatus.objects.create(
        workspace=workspace,
        name=name,
        slug=name.lower().replace(" ", "-"),
        lifecycle_state=state,
        **extra,
    )


def posted(workspace, rows):
    data = {
        "custom_statuses-TOTAL_FORMS": str(len(rows)),
        "custom_statuses-INITIAL_FORMS": str(len(rows)),
    }
    for i, (row, moves) in enumerate(rows):
        prefix = f"custom_statuses-{i}-"
        data.update(
            {
                prefix + "id": str(row.pk),
                prefix + "name": row.name,
                prefix + "slug": row.slug,
                prefix + "lifecycle_state": row.lifecycle_state,
                prefix + "position": str(i),
                prefix + "next_statuses": [str(m.pk) for m in moves],
            }
        )
        if row.is_default:
            data[prefix + "is_default"] = "on"
    return FormSet(data, instance=workspace)


@pytest.fixture
def workspace(l1_team):
    return l1_team.workspace


def test_a_workflow_whose_every_status_leads_on_saves(workspace):
    new, working, done = (
        status(workspace, "Triage", "new", is_default=True),
        status(workspace, "Working", "open", is_default=True),
        status(workspace, "Closed", "closed", is_default=True),
    )
    resolved = status(workspace, "Done", "resolved", is_default=True)
    formset = posted(
        workspace, [(new, [working]), (working, [resolved]), (resolved, [done]), (done, [])]
    )
    assert formset.is_valid(), formset.non_form_errors()


def test_unreachable_statuses_dead_ends_and_impossible_moves_are_form_errors(workspace):
    new = status(workspace, "Triage", "new", is_default=True)
    working = status(workspace, "Working", "open", is_default=True)
    orphan = status(workspace, "Parked", "on_hold")
    archived = status(workspace, "Archived", "closed", is_default=True)
    rows = [(new, [working, archived]), (working, []), (orphan, [working]), (archived, [])]
    formset = posted(workspace, rows)
    assert not formset.is_valid()
    errors = list(formset.non_form_errors())
    assert (
        "Triage (New) cannot move to Archived (Closed): the lifecycle has no such step." in errors
    )
    assert "No ticket can reach Parked." in errors
    assert "Nothing leads out of Working, and it is not a final status." in errors


def test_a_workspace_that_escalates_must_let_every_status_reach_the_escalation(workspace):
    TeamFactory(workspace=workspace, tier=2, is_escalation_target=True)
    new = status(workspace, "Triage", "new", is_default=True)
    working = status(workspace, "Working", "open", is_default=True)
    up = status(workspace, "Escalated", "escalated", is_default=True)
    done = status(workspace, "Done", "resolved", is_default=True)
    closed = status(workspace, "Closed", "closed", is_default=True)
    rows = [
        (new, [working, up]),
        (working, [done]),
        (up, [working]),
        (done, [closed]),
        (closed, []),
    ]
    formset = posted(workspace, rows)
    assert not formset.is_valid()
    assert list(formset.non_form_errors()) == [
        "An escalation lands in Escalated, which cannot be reached from Working: allow the "
        "move, or let Escalated be entered from any status."
    ]


def test_the_workspace_page_draws_its_workflow(client, manager_user, workspace):
    new = status(workspace, "Triage", "new", is_default=True)
    working = status(workspace, "Working", "open", is_default=True)
    new.next_statuses.set([working])
    client.force_login(manager_user)
    page = client.get(reverse("admin:escalations_workspace_change", args=[workspace.pk]))
    html = page.content.decode()
    assert 'data-testid="workflow-diagram"' in html
    assert 'data-status="triage"' in html and 'data-status="working"' in html


def test_the_escalate_form_lands_where_the_workflow_allows_from_the_tickets_status(
    client, manager_user, workspace, billing_team
):
    from escalations.core.actors import Actor
    from escalations.tickets.selectors.workflows import ticket_status
    from escalations.tickets.services.transitions import ticket_move
    from tests.helpers.factories import make_ticket

    new = status(workspace, "Triage", "new", is_default=True)
    working = status(workspace, "Working", "open", is_default=True)
    tier_2 = status(workspace, "Tier 2", "escalated", is_default=True)
    tier_3 = status(workspace, "Tier 3", "escalated")
    new.next_statuses.set([working, tier_2])
    working.next_statuses.set([tier_3])  # from Working only Tier 3, not the default landing
    ticket = make_ticket(workspace=workspace, actor=Actor.system("test"))
    ticket_move(ticket=ticket, to_status="working", actor=Actor.system("test"))
    client.force_login(manager_user)
    url = reverse("admin:escalations_ticket_escalate", args=[ticket.pk])

    page = client.get(url).content.decode()
    assert 'name="to_status" value="tier-3"' in page
    client.post(url, {"kind": "agent_initiated", "to_team": billing_team.pk, "summary": "Up."})

    ticket.refresh_from_db()
    assert (ticket.status, ticket_status(ticket).slug) == ("escalated", "tier-3")


def test_a_status_tickets_are_in_keeps_its_state_and_cannot_be_deleted(workspace):
    from escalations.core.actors import Actor
    from tests.helpers.factories import make_ticket

    new = status(workspace, "Triage", "new", is_default=True)
    working = status(workspace, "Working", "open", is_default=True)
    new.next_statuses.set([working])
    make_ticket(workspace=workspace, actor=Actor.system("test"))  # starts in Triage
    formset = posted(workspace, [(new, [working]), (working, [])])
    formset.data["custom_statuses-0-lifecycle_state"] = "open"
    assert not formset.is_valid()
    assert formset.non_form_errors()[0].startswith("1 ticket(s) are in Triage: its lifecycle")

    formset = posted(workspace, [(new, [working]), (working, [])])
    formset.data["custom_statuses-0-DELETE"] = "on"
    assert not formset.is_valid()
    assert "it cannot be deleted while they are" in formset.non_form_errors()[0]


def test_two_defaults_of_one_state_and_a_move_to_itself_are_form_errors(workspace):
    new = status(workspace, "Triage", "new", is_default=True)
    working = status(workspace, "Working", "open", is_default=True)
    other = status(workspace, "Checking", "open")
    formset = posted(workspace, [(new, [working]), (working, [working]), (other, [])])
    formset.data["custom_statuses-2-is_default"] = "on"
    assert not formset.is_valid()
    assert list(formset.non_form_errors()) == [
        "Working cannot move to itself.",
        "Working and Checking are both the default status of Open: choose one.",
    ]


def test_a_status_added_in_this_save_needs_no_moves_yet(workspace):
    new = status(workspace, "Triage", "new", is_default=True)
    done = status(workspace, "Done", "resolved", is_default=True)
    closed = status(workspace, "Closed", "closed", is_default=True)
    formset = posted(workspace, [(new, [done]), (done, [closed]), (closed, [])])
    formset.data.update(
        {
            "custom_statuses-TOTAL_FORMS": "4",
            "custom_statuses-3-name": "Working",
            "custom_statuses-3-slug": "working",
            "custom_statuses-3-lifecycle_state": "open",
            "custom_statuses-3-position": "3",
        }
    )
    assert formset.is_valid(), formset.non_form_errors()
    assert formset.added == ["Working"]  # the page then asks for its moves
