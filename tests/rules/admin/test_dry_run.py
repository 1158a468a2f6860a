import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from escalations.core.models import TicketEvent
from escalations.rules.models import Rule, RuleSet
from escalations.rules.services.rule_config import rule_save, rule_set_save

pytestmark = pytest.mark.django_db


def test_dry_run_shows_what_would_fire_and_changes_nothing(client, manager_user, ticket):
    live = rule_set_save(rule_set=RuleSet(workspace=ticket.workspace, name="Live", is_live=True))
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Invoices to billing",
            triggers=["ticket_created"],
            condition={"field": "text", "op": "contains", "value": "invoice"},
            actions=[{"type": "add_tags", "value": "billing"}],
        )
    )
    rule_save(
        rule=Rule(
            rule_set=live,
            name="Angry customers",
            triggers=["ticket_created"],
            condition={"field": "ai_sentiment", "op": "lt", "value": -0.5},
            actions=[{"type": "set_priority", "value": "high"}],
        )
    )
    client.force_login(manager_user)
    events_before = TicketEvent.objects.count()

    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("admin:escalations_ticket_dry_run", args=[ticket.pk]))

    assert page.status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
        and "django_session" not in q["sql"]
    ]
    assert writes == []
    assert TicketEvent.objects.count() == events_before
    report = {entry["name"]: entry for entry in page.context["report"]}
    assert report["Invoices to billing"]["would_fire"] is True
    assert report["Invoices to billing"]["actions"] == [{"type": "add_tags", "value": ["billing"]}]
    assert report["Angry customers"]["would_fire"] is False
    assert report["Angry customers"]["rows"][0]["actual"] is None
    assert "1 rule would fire." in page.content.decode()


def test_dry_run_needs_the_rule_view_permission(client, ticket):
    from tests.helpers.factories import UserFactory

    client.force_login(UserFactory())
    page = client.get(reverse("admin:escalations_ticket_dry_run", args=[ticket.pk]))
    assert page.status_code == 403
