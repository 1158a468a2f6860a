"""RACI matrices: one Accountable and someone Responsible per activity, each person's duties,
and an escalation to a bound level telling the activity's Consulted and Informed."""

import pytest
from django.core.exceptions import ValidationError

from escalations.governance.models import RaciMatrix
from escalations.governance.selectors import raci_duties_of
from escalations.governance.services.raci import letters_clean, raci_matrix_create
from escalations.tickets.models import EscalationKind, Notification, Tier
from escalations.tickets.services.escalations import escalation_create
from tests.helpers.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db

ROLES = [{"name": "Agent"}, {"name": "Specialist"}, {"name": "Lead"}, {"name": "Account manager"}]


def matrix(workspace, **overrides):
    activities = [
        {"name": "Answer", "assignments": {"Agent": "R", "Lead": "A"}},
        {
            "name": "Hand over to billing",
            "escalation_level": Tier.L2,
            "assignments": {"Specialist": "R", "Lead": "A", "Account manager": "I", "Agent": "C"},
        },
    ]
    return raci_matrix_create(
        workspace=workspace, name="Support", roles=ROLES, activities=activities, **overrides
    )


def test_letters_are_normalised_and_nonsense_refused():
    assert letters_clean(" ar ") == "RA"
    assert letters_clean("ic") == "CI"
    for bad in ("X", "RR", "", "R A?"):
        with pytest.raises(ValidationError):
            letters_clean(bad)


@pytest.mark.parametrize(
    ("assignments", "problem"),
    [
        ({"Agent": "R", "Lead": "A", "Specialist": "A"}, "exactly one role must be Accountable"),
        ({"Agent": "R"}, "exactly one role must be Accountable (A); 0 are"),
        ({"Lead": "A", "Agent": "C"}, "at least one role must be Responsible"),
        ({"Lead": "RA", "Ghost": "I"}, "there is no role 'Ghost'"),
    ],
)
def test_a_matrix_that_breaks_the_rules_is_refused_whole(l1_team, assignments, problem):
    with pytest.raises(ValidationError) as refused:
        raci_matrix_create(
            workspace=l1_team.workspace,
            name="Broken",
            roles=ROLES,
            activities=[{"name": "Answer", "assignments": assignments}],
        )
    assert any(problem in message for message in refused.value.messages)
    assert not RaciMatrix.objects.filter(name="Broken").exists()


def test_each_person_sees_what_they_are_responsible_for(l1_team, billing_team):
    made = matrix(l1_team.workspace)
    ada = AgentFactory(team=l1_team)
    made.roles.get(name="Agent").people.add(ada)
    lead_team = TeamFactory(workspace=l1_team.workspace, name="Leads", slug="leads")
    made.roles.filter(name="Lead").update(team=lead_team)
    lead = AgentFactory(team=lead_team)

    assert [(d.activity, d.letters) for d in raci_duties_of(ada)] == [
        ("Answer", "R"),
        ("Hand over to billing", "C"),
    ]
    assert [(d.activity, d.letters, d.roles) for d in raci_duties_of(lead)] == [
        ("Answer", "A", ("Lead",)),
        ("Hand over to billing", "A", ("Lead",)),
    ]
    assert raci_duties_of(AgentFactory()) == []


def test_an_escalation_to_a_bound_level_tells_the_consulted_and_informed(
    ticket, actor, billing_team
):
    made = matrix(ticket.workspace)
    ada, amy, sam, lee = (AgentFactory() for _ in range(4))
    for role, person in (("Agent", ada), ("Account manager", amy), ("Specialist", sam)):
        made.roles.get(name=role).people.add(person)
    made.roles.get(name="Lead").people.add(lee)

    escalation_create(
        ticket=ticket,
        kind=EscalationKind.AGENT_INITIATED,
        trigger="agent",
        to_team=billing_team,
        summary="Refund over the limit",
        actor=actor,
    )

    told = Notification.objects.filter(source="raci")
    assert {n.recipient for n in told} == {ada.user, amy.user}  # C and I; not R, not A
    message = told.get(recipient=amy.user).message
    assert "was escalated to L2" in message
    assert "Hand over to billing (Informed)" in message


def test_an_escalation_to_an_unbound_level_tells_nobody_by_raci(ticket, actor, billing_team):
    matrix(ticket.workspace)
    escalation_create(
        ticket=ticket,
        kind=EscalationKind.AGENT_INITIATED,
        trigger="agent",
        to_team=billing_team,
        to_tier=Tier.L3,
        summary="Straight to engineering",
        actor=actor,
    )
    assert not Notification.objects.filter(source="raci").exists()
