import os

import pytest
from django.conf import settings

from escalations.core.actors import Actor
from tests.helpers.factories import ROLES, AgentFactory, TeamFactory, UserFactory, make_ticket
from tests.helpers.sla import Clock


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """With HANDOFF_FORBID_SKIPS=1 (CI), a skipped test is a failed one: every tool is there."""
    outcome = yield
    report = outcome.get_result()
    forbidden = os.environ.get("HANDOFF_FORBID_SKIPS") == "1"
    if forbidden and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped, which CI does not allow: {report.longrepr}"


def pytest_configure(config):
    # Real hashing costs ~0.3 s a password; tests make hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _report_connections_closed():
    """A report read outside a transaction (a browser test's server, a transactional test) runs
    its parts on the report pool's own connections: closed after the test, as the database is
    dropped at the end and must have no one connected."""
    yield
    from escalations.reports.report import report_connections_close

    report_connections_close()


@pytest.fixture
def manager_user(db):
    return UserFactory(username="morgan", role=ROLES["manager"])


@pytest.fixture
def agent_user(db):
    return UserFactory(username="yong", role=ROLES["agent"])


@pytest.fixture
def read_only_user(db):
    return UserFactory(username="rita", role=ROLES["read_only"])


@pytest.fixture
def actor(manager_user):
    return Actor.for_user(manager_user)


@pytest.fixture
def l1_team(db):
    return TeamFactory(name="General support", slug="general")


@pytest.fixture
def billing_team(l1_team):
    from escalations.tickets.models import Tier

    return TeamFactory(
        workspace=l1_team.workspace,
        name="Billing",
        slug="billing",
        tier=Tier.L2,
        is_escalation_target=True,
    )


@pytest.fixture
def billing_agent(billing_team):
    return AgentFactory(display_name="Priya Shah", team=billing_team)


@pytest.fixture
def ticket(l1_team, actor):
    return make_ticket(team=l1_team, actor=actor, body="My invoice is wrong.")


@pytest.fixture
def time():
    return Clock()
