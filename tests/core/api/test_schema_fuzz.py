"""Schemathesis generates requests from the OpenAPI schema, valid and not; none may get a 5xx.

Bounded (a few examples an operation) so that it runs in the suite, as a support manager with
a real token against the in-process application and a workspace with tickets to find.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from escalations.tickets.services.api_tokens import api_token_issue
from tests.helpers.factories import make_ticket

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def in_process():
    """As Django's test client does: requests do not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(in_process, manager_user, l1_team, billing_team, actor):
    for n in range(3):
        make_ticket(team=l1_team, actor=actor, subject=f"Fuzz {n}", body="Hello")
    _, raw = api_token_issue(user=manager_user, days=1)
    return raw


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_request_the_schema_allows_or_not_gets_a_server_error(case, token):
    response = case.call(headers={"Authorization": f"Token {token}"})
    case.validate_response(response, checks=[not_a_server_error])
