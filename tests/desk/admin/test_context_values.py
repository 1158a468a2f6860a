"""Free-form context on the admin pages (CRM data, custom fields, snapshots) reads as labels
and values: an empty value is left out or a dash, never "None"."""

import pytest

from escalations.core.display import labelled_values, value_text
from escalations.tickets.models import CustomFieldDefinition, Escalation, Ticket
from escalations.tickets.services.escalations import escalation_create

pytestmark = pytest.mark.django_db


def test_empty_values_are_left_out_and_keys_read_as_words():
    rows = labelled_values(
        {"account_manager": None, "renewal_date": "", "open_invoices": 0, "vip": False},
    )
    assert rows == [("Open invoices", "0"), ("Vip", "no")]


def test_given_labels_win_and_lists_read_as_words():
    assert labelled_values({"systems": ["crm", "erp"]}, {"systems": "Affected systems"}) == [
        ("Affected systems", "crm, erp")
    ]
    assert value_text(None) == "—"


@pytest.fixture
def escalated(ticket, actor, billing_team):
    customer = ticket.customer
    customer.crm_data = {"account_manager": None, "lifetime_value_eur": 1184.5}
    customer.save()
    escalation_create(
        ticket=ticket, kind="agent_initiated", trigger="b", to_team=billing_team, actor=actor
    )
    return ticket


def test_the_ticket_page_shows_the_hand_over_crm_data_by_label_without_empty_values(
    client, manager_user, escalated
):
    client.force_login(manager_user)
    html = client.get(f"/admin/escalations/ticket/{escalated.pk}/change/").content.decode()
    snapshot = html.split('data-testid="crm-snapshot"', 1)[1].split("</span>", 1)[0]
    assert "Lifetime value eur: 1184.5" in snapshot
    assert "account_manager" not in snapshot and "None" not in snapshot


def test_the_escalation_page_shows_the_crm_snapshot_by_label(client, manager_user, escalated):
    client.force_login(manager_user)
    escalation = Escalation.objects.get(ticket=escalated)
    html = client.get(f"/admin/escalations/escalation/{escalation.pk}/change/").content.decode()
    assert "<strong>Lifetime value eur</strong>: 1184.5" in html
    assert "account_manager" not in html and "<strong>Crm data</strong>" not in html


def test_a_read_only_ticket_page_shows_each_custom_field_by_its_label(
    client, read_only_user, ticket
):
    for key, label in (("order_number", "Order number"), ("account_manager", "Account manager")):
        CustomFieldDefinition.objects.create(workspace=ticket.workspace, key=key, label=label)
    Ticket.objects.filter(pk=ticket.pk).update(custom_fields={"order_number": "NW-1"})
    client.force_login(read_only_user)
    html = client.get(f"/admin/escalations/ticket/{ticket.pk}/change/").content.decode()
    assert "<strong>Order number</strong>: NW-1" in html
    assert "<strong>Account manager</strong>: —" in html
    assert "Cf order number" not in html
