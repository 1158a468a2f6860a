"""A configuration service always gives a new configuration token, once, and only when it
commits; a ticket service is a unit of work."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalations.core.config_cache import config_changed, config_revision, config_service
from escalations.core.models import ConfigRevision
from escalations.tickets.models import Workspace

pytestmark = pytest.mark.django_db(transaction=True)


def _token() -> str:
    return ConfigRevision.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def test_a_write_that_sends_no_signal_still_gives_a_new_token():
    # given a workspace, and the token after it
    workspace = Workspace.objects.create(name="Support", slug="support")
    before = _token()

    @config_service
    def rename(*, name):
        Workspace.objects.filter(pk=workspace.pk).update(name=name)  # no post_save signal

    # when
    rename(name="Customer support")
    # then
    assert _token() != before


def test_a_save_gives_one_new_token_not_two():
    workspace = Workspace.objects.create(name="Support", slug="support")

    @config_service
    def rename(*, name):
        workspace.name = name
        workspace.save()

    with CaptureQueriesContext(connection) as queries:
        rename(name="Customer support")
    renewals = [
        q for q in queries.captured_queries if "escalations_configrevision" in q["sql"].lower()
    ]
    assert len([q for q in renewals if q["sql"].upper().startswith("UPDATE")]) == 1


def test_a_configuration_service_that_fails_leaves_the_token_as_it_was():
    Workspace.objects.create(name="Support", slug="support")
    before = _token()

    @config_service
    def broken():
        config_changed()
        raise ValueError("refused")

    with pytest.raises(ValueError):
        broken()
    assert _token() == before
    assert config_revision() == before


def test_nested_configuration_services_renew_the_token_once_at_the_end():
    before = _token()
    seen = []

    @config_service
    def inner():
        Workspace.objects.filter(slug="nobody").update(name="x")

    @config_service
    def outer():
        inner()
        seen.append(_token())

    outer()
    assert seen == [before]  # not renewed by the inner service
    assert _token() != before
