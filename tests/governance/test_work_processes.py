"""Work processes: an ITSM change waits for its approvals before it is implemented, a
hand-over for its checkpoints before it is completed; only the owner team signs."""

import pytest
from django.core.exceptions import ValidationError

from escalations.core.actors import Actor
from escalations.core.errors import IllegalTransition
from escalations.core.models import EventType, TicketEvent
from escalations.governance.models import SignOffState, StepSignOff
from escalations.governance.services.processes import sign_off_decide
from escalations.tickets.models import Notification
from tests.helpers.factories import make_ticket
from tests.helpers.work_processes import (
    ITSM_FIELDS,
    SYSTEM,
    member_of,
    move,
    workspace_from,
)

pytestmark = pytest.mark.django_db


def sign(ticket, step_name: str, user, approve=True, note=""):
    sign_off = StepSignOff.objects.get(ticket=ticket, step__name=step_name)
    return sign_off_decide(
        sign_off=sign_off, approve=approve, actor=Actor.for_user(user), note=note
    )


@pytest.fixture
def itsm():
    return workspace_from("itsm")


def change_ticket(workspace, topic="change"):
    ticket = make_ticket(workspace=workspace, topic=topic, actor=SYSTEM, custom_fields=ITSM_FIELDS)
    move(ticket, workspace, "Being assessed")
    return ticket


def test_a_change_is_not_implemented_before_its_approvals(itsm):
    ticket = change_ticket(itsm)
    with pytest.raises(IllegalTransition) as refused:
        move(ticket, itsm, "Implementing")
    assert str(refused.value) == (
        f"Ticket {ticket.reference} cannot be Implementing yet: Request, approval and "
        "implementation still needs Service owner approval (by Application support); "
        "CAB approval (by Change advisory board)."
    )
    ticket.refresh_from_db()
    assert ticket.custom_status.name == "Being assessed"


def test_awaiting_approval_asks_each_owner_team_and_tells_its_members(itsm):
    owner, cab = member_of(itsm, "applications"), member_of(itsm, "cab")
    ticket = change_ticket(itsm)
    move(ticket, itsm, "Awaiting approval")
    asked = StepSignOff.objects.filter(ticket=ticket).order_by("step__position")
    assert [(s.step.name, s.state) for s in asked] == [
        ("Service owner approval", SignOffState.PENDING),
        ("CAB approval", SignOffState.PENDING),
    ]
    event = TicketEvent.objects.get(ticket=ticket, event_type=EventType.SIGN_OFF_ASKED)
    assert event.to_value == "Service owner approval, CAB approval"
    assert Notification.objects.filter(recipient=owner, ticket=ticket, source="process").exists()
    assert Notification.objects.filter(recipient=cab, ticket=ticket, source="process").exists()


def test_only_the_owner_team_signs_and_a_refusal_needs_a_reason(itsm):
    outsider, cab = member_of(itsm, "service-desk"), member_of(itsm, "cab")
    ticket = change_ticket(itsm)
    move(ticket, itsm, "Awaiting approval")
    with pytest.raises(IllegalTransition, match="Only a member of Change advisory board"):
        sign(ticket, "CAB approval", outsider)
    with pytest.raises(ValidationError) as no_reason:
        sign(ticket, "CAB approval", cab, approve=False)
    assert no_reason.value.message_dict == {"note": ["Say why it is refused."]}
    assert StepSignOff.objects.get(ticket=ticket, step__name="CAB approval").state == "pending"


def test_a_refused_approval_is_asked_again_and_the_change_goes_ahead_once_given(itsm):
    owner, cab = member_of(itsm, "applications"), member_of(itsm, "cab")
    ticket = change_ticket(itsm)
    move(ticket, itsm, "Awaiting approval")
    sign(ticket, "Service owner approval", owner)
    sign(ticket, "CAB approval", cab, approve=False, note="No rollback plan attached.")
    with pytest.raises(IllegalTransition, match="still needs CAB approval"):
        move(ticket, itsm, "Implementing")
    refused = TicketEvent.objects.get(ticket=ticket, event_type=EventType.SIGN_OFF_REFUSED)
    assert (refused.to_value, refused.reason) == ("CAB approval", "No rollback plan attached.")

    move(ticket, itsm, "Waiting on requester")
    move(ticket, itsm, "Being assessed")
    move(ticket, itsm, "Awaiting approval")  # re-approval: only the refused step is asked again
    states = dict(StepSignOff.objects.filter(ticket=ticket).values_list("step__name", "state"))
    assert states == {"Service owner approval": "approved", "CAB approval": "pending"}
    sign(ticket, "CAB approval", cab)
    ticket = move(ticket, itsm, "Implementing")
    assert ticket.custom_status.name == "Implementing"


def test_an_incident_needs_no_approval_and_a_service_request_only_the_owners(itsm):
    incident = change_ticket(itsm, topic="incident")
    assert move(incident, itsm, "Implementing").custom_status.name == "Implementing"
    request = change_ticket(itsm, topic="service_request")
    with pytest.raises(IllegalTransition) as refused:
        move(request, itsm, "Implementing")
    assert "Service owner approval" in str(refused.value)
    assert "CAB" not in str(refused.value)


def test_a_hand_over_is_completed_only_when_every_checkpoint_is_confirmed():
    workspace = workspace_from("software-integration")
    owners = {
        "Chatbot": member_of(workspace, "chatbot-team"),
        "CRM": member_of(workspace, "crm-admins"),
        "Support queue": member_of(workspace, "integration-ops"),
        "Human agent": member_of(workspace, "support-agents"),
    }
    ticket = make_ticket(
        workspace=workspace,
        actor=SYSTEM,
        custom_fields={"task_type": "Process", "system": "CRM"},
    )
    move(ticket, workspace, "Running")
    assert StepSignOff.objects.filter(ticket=ticket, state="pending").count() == 4
    for system in ("Chatbot", "CRM", "Support queue"):
        sign(ticket, system, owners[system])
    with pytest.raises(IllegalTransition, match=r"still needs Human agent \(by Support agents\)"):
        move(ticket, workspace, "Completed")
    sign(ticket, "Human agent", owners["Human agent"])
    assert move(ticket, workspace, "Completed").custom_status.name == "Completed"


def test_a_reviewed_item_is_approved_by_a_senior_and_approved_again_when_it_comes_back():
    workspace = workspace_from("quality-control-checklist")
    senior = member_of(workspace, "senior-review")
    from tests.helpers.catalog import required_values

    item = make_ticket(workspace=workspace, actor=SYSTEM, custom_fields=required_values(workspace))
    with pytest.raises(IllegalTransition, match="Flagged by AI: from there it may move to"):
        move(item, workspace, "Approved")  # a flagged item always gets a human review
    move(item, workspace, "In review")
    move(item, workspace, "Awaiting Approval")
    with pytest.raises(IllegalTransition, match="still needs Senior moderator approval"):
        move(item, workspace, "Approved")
    sign(item, "Senior moderator approval", senior)
    move(item, workspace, "Approved")

    move(item, workspace, "Re-approval")  # appealed: the earlier approval no longer counts
    move(item, workspace, "Awaiting Approval")
    assert StepSignOff.objects.get(ticket=item).state == SignOffState.PENDING
    with pytest.raises(IllegalTransition, match="still needs Senior moderator approval"):
        move(item, workspace, "Approved")
    sign(item, "Senior moderator approval", senior)
    assert move(item, workspace, "Approved").custom_status.name == "Approved"


def test_the_ticket_list_shows_escalated_incidents_apart(client, manager_user, itsm):
    incident = change_ticket(itsm, topic="incident")
    change = change_ticket(itsm, topic="change")
    from escalations.tickets.services.escalations import escalation_create

    for ticket in (incident, change):
        escalation_create(
            ticket=ticket,
            kind="agent_initiated",
            actor=SYSTEM,
            trigger="agent_button",
            to_team=itsm.teams.get(slug="infrastructure"),
            summary="Needs infrastructure.",
        )
    client.force_login(manager_user)
    page = client.get("/admin/escalations/ticket/?status__exact=escalated&topic=incident")
    assert page.status_code == 200
    listed = page.context["cl"].result_list
    assert [t.pk for t in listed] == [incident.pk]
    assert "Escalated incidents" in page.content.decode()


def test_an_approved_item_sent_back_for_re_approval_cannot_be_approved_without_it_again():
    workspace = workspace_from("quality-control-checklist")
    senior = member_of(workspace, "senior-review")
    from escalations.tickets.services.transitions import ticket_step
    from tests.helpers.catalog import required_values

    item = make_ticket(workspace=workspace, actor=SYSTEM, custom_fields=required_values(workspace))
    for status in ("In review", "Awaiting Approval"):
        move(item, workspace, status)
    sign(item, "Senior moderator approval", senior)
    move(item, workspace, "Approved")
    move(item, workspace, "Re-approval")
    move(item, workspace, "Awaiting Approval")
    with pytest.raises(IllegalTransition, match="still needs Senior moderator approval"):
        ticket_step(ticket=item, transition="resolve", actor=SYSTEM)


def test_a_ticket_without_a_topic_is_typed_by_its_escalation_type(itsm):
    ticket = make_ticket(workspace=itsm, actor=SYSTEM, custom_fields=ITSM_FIELDS)  # a Change
    move(ticket, itsm, "Being assessed")
    for status in ("Implementing", "Done"):
        with pytest.raises(IllegalTransition, match="still needs Service owner approval"):
            move(ticket, itsm, status)
    assert move(ticket, itsm, "Rejected").custom_status.name == "Rejected"


def test_checkpoints_are_confirmed_in_order():
    workspace = workspace_from("software-integration")
    ticket = make_ticket(
        workspace=workspace, actor=SYSTEM, custom_fields={"task_type": "Data", "system": "CRM"}
    )
    move(ticket, workspace, "Running")
    with pytest.raises(IllegalTransition, match="in order: Chatbot, CRM, Support queue first"):
        sign(ticket, "Human agent", member_of(workspace, "support-agents"))


def test_a_resolved_ticket_has_nothing_left_to_sign(itsm):
    cab = member_of(itsm, "cab")
    ticket = change_ticket(itsm)
    move(ticket, itsm, "Awaiting approval")
    move(ticket, itsm, "Rejected")
    with pytest.raises(IllegalTransition, match="nothing waits for this sign-off"):
        sign(ticket, "CAB approval", cab)
