"""HANDOFF_COMPILED_SQL: the compiled reads and inserts of escalations/core/db/compiled.py, which
lean on Django internals, run only on the Django releases they were checked on (a system check
warns otherwise), and turned off they give the same results through the plain ORM."""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import django
import pytest
from django.core import checks
from django.db import transaction
from packaging.requirements import Requirement

from escalations.core.actors import Actor
from escalations.core.checks import (
    W_COMPILED_SQL_UNVALIDATED,
    check_compiled_sql_on_a_validated_django,
)
from escalations.core.config_cache import _token
from escalations.core.db import compiled
from escalations.core.db.compiled import VALIDATED_DJANGO, CompiledRead, django_validated
from escalations.core.events import event_build, events_record_many
from escalations.core.held import _read_locked
from escalations.core.models.event import EventType, TicketEvent
from escalations.sla.services.deadlines import _pending
from escalations.sla.services.sync import _clocks
from escalations.tickets.models import Ticket
from escalations.tickets.selectors.tickets import _latest_customer_body
from escalations.tickets.services.assignment import _TEAM_AGENTS, _TEAM_LOADS
from escalations.tickets.services.escalations import (
    _latest_messages,
    escalation_create,
    open_escalations,
)
from escalations.tickets.services.messages import message_add
from tests.helpers.factories import CustomerFactory, make_ticket
from tests.helpers.sla import make_policy

ROOT = Path(__file__).resolve().parents[3]


def test_the_installed_django_is_a_release_compiled_sql_was_checked_on():
    assert django_validated(), (
        f"Django {django.get_version()} is outside VALIDATED_DJANGO {VALIDATED_DJANGO}: check "
        "escalations/core/db/compiled.py on it (its suite with HANDOFF_COMPILED_SQL on), then "
        "widen VALIDATED_DJANGO"
    )


def test_the_django_pin_allows_only_releases_compiled_sql_was_checked_on():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    requirements = [Requirement(line) for line in project["project"]["dependencies"]]
    (pin,) = (requirement for requirement in requirements if requirement.name == "django")
    allowed = {
        (major, minor)
        for major in range(4, 8)
        for minor in range(6)
        if any(pin.specifier.contains(f"{major}.{minor}.{patch}") for patch in (0, 99))
    }
    assert allowed and all(django_validated(release) for release in allowed), allowed


def test_the_check_warns_on_a_django_release_outside_the_range(settings, monkeypatch):
    assert check_compiled_sql_on_a_validated_django in checks.registry.registry.get_checks()
    settings.HANDOFF_COMPILED_SQL = True
    assert check_compiled_sql_on_a_validated_django(None) == []

    first, last = VALIDATED_DJANGO
    for outside in ((last[0], last[1] + 1), (last[0] + 1, 0), (first[0], first[1] - 1)):
        monkeypatch.setattr(django, "VERSION", (*outside, 0, "final", 0))
        (warning,) = check_compiled_sql_on_a_validated_django(None)
        assert warning.id == W_COMPILED_SQL_UNVALIDATED == "handoff.W004"
        assert warning.level == checks.WARNING
        assert f"Django {outside[0]}.{outside[1]}" in warning.msg
        assert "HANDOFF_COMPILED_SQL=0" in warning.hint

    settings.HANDOFF_COMPILED_SQL = False  # off: nothing depends on the internals
    assert check_compiled_sql_on_a_validated_django(None) == []


def _setting_in_a_new_process(tmp_path, **env) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("HANDOFF_", "DATABASE_"))}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.HANDOFF_COMPILED_SQL)",
        ],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "HANDOFF_VAR_DIR": str(tmp_path),
            "HANDOFF_ENV_FILE": str(tmp_path / "none.env"),
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_setting_comes_from_the_environment_and_is_on_by_default(tmp_path):
    assert _setting_in_a_new_process(tmp_path) == "True"
    assert _setting_in_a_new_process(tmp_path, HANDOFF_COMPILED_SQL="0") == "False"


# The same results either way --------------------------------------------------------------


def _snapshot(result: list) -> list:
    """What a read gave, comparable across calls: model rows as their fields and the related
    rows they carry (select_related), values as they are."""

    def fields(obj):
        if obj is None:
            return None
        values = tuple(getattr(obj, f.attname) for f in obj._meta.concrete_fields)
        return (type(obj), values, obj._state.adding, obj._state.db)

    def model(obj):
        # A one-to-one row carries its owner back: one level of related rows is enough.
        related = {name: fields(other) for name, other in sorted(obj._state.fields_cache.items())}
        return (*fields(obj), related)

    return [model(row) if isinstance(row, django.db.models.Model) else row for row in result]


def _both_ways(settings, read, *args) -> tuple[list, list]:
    settings.HANDOFF_COMPILED_SQL = True
    on = _snapshot(read(*args))
    settings.HANDOFF_COMPILED_SQL = False
    off = _snapshot(read(*args))
    return on, off


@pytest.fixture
def busy_ticket(l1_team, billing_team, billing_agent, actor):
    """A ticket with SLA clocks and deadlines, messages, and a hand-over to an agent."""
    make_policy(l1_team.workspace)
    ticket = make_ticket(team=l1_team, actor=actor, body="My invoice is wrong.")
    message_add(ticket=ticket, author_kind="agent", body="Looking", actor=actor, is_internal=True)
    message_add(ticket=ticket, author_kind="customer", body="Still wrong", actor=actor)
    escalation_create(
        ticket=ticket, kind="agent_initiated", trigger="b", to_team=billing_team, actor=actor
    )
    return ticket


@pytest.mark.django_db
def test_the_reads_give_the_same_with_the_setting_off(settings, busy_ticket, billing_team):
    reads = [
        (_latest_messages, busy_ticket.pk),
        (_latest_customer_body, busy_ticket.pk),
        (open_escalations, busy_ticket.pk),
        (_clocks, busy_ticket.pk),
        (_pending, busy_ticket.pk),
        (_token, 1),
        (_TEAM_LOADS, billing_team.pk),
        *((read, billing_team.pk) for read in _TEAM_AGENTS.values()),
        (_latest_messages, 10**9),
        (_latest_messages, 2**70),
    ]
    given = {}
    for read, arg in reads:
        with transaction.atomic():  # the locking ones lock
            on, off = _both_ways(settings, read, arg)
        assert on == off, read
        given[read] = len(on)
    assert all(given[read] for read in (_clocks, _pending, open_escalations, _TEAM_LOADS))
    with transaction.atomic():
        on, off = _both_ways(settings, _read_locked, busy_ticket.pk)
    assert on == off and len(on) == 1 and on[0][-1]["customer"] is not None
    assert _both_ways(settings, _latest_customer_body, busy_ticket.pk)[1] == ["Still wrong"]


@pytest.mark.django_db
def test_with_the_setting_off_no_read_is_compiled(settings, monkeypatch, ticket):
    def no_compiling(*args, **kwargs):
        raise AssertionError("compiled with HANDOFF_COMPILED_SQL off")

    monkeypatch.setattr(compiled, "_Plan", no_compiling)
    monkeypatch.setattr(compiled, "_insert", no_compiling)
    settings.HANDOFF_COMPILED_SQL = False
    read = CompiledRead(lambda pk: Ticket.objects.filter(pk=pk).values_list("subject", flat=True))
    assert read(ticket.pk) == [ticket.subject]
    event = event_build(ticket=ticket, event_type=EventType.NOTE_ADDED, actor=Actor.system("t"))
    assert compiled.insert_one(event).pk is not None
    settings.HANDOFF_COMPILED_SQL = True  # read on every call: now it compiles
    with pytest.raises(AssertionError, match="compiled"):
        read(ticket.pk)


def _stored(events: list[TicketEvent]) -> list[dict]:
    """The rows as stored, less what differs between two inserts (the id, the time)."""
    rows = TicketEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk").values()
    assert [row["created_at"] for row in rows] == [e.created_at for e in events]
    return [{k: v for k, v in row.items() if k not in ("id", "created_at")} for row in rows]


def _events(ticket, n: int) -> list[TicketEvent]:
    actor = Actor.system("test")
    return [
        event_build(
            ticket=ticket,
            event_type=EventType.FIELD_CHANGED,
            actor=actor,
            from_value="a",
            to_value=str(i),
            data={"field": "priority", "n": i},
        )
        for i in range(n)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 3])
def test_the_inserts_store_the_same_rows_with_the_setting_off(settings, ticket, count):
    stored, objects = {}, {}
    for on in (True, False):
        settings.HANDOFF_COMPILED_SQL = on
        events = _events(ticket, count)
        created = compiled.insert_one(events[0]) if count == 1 else events_record_many(events)
        created = [created] if count == 1 else created
        assert created == events
        assert all(e.pk is not None for e in events)
        assert [e.pk for e in events] == sorted(e.pk for e in events)
        objects[on] = [(e._state.adding, e._state.db) for e in events]
        stored[on] = _stored(events)
    assert stored[True] == stored[False] and len(stored[True]) == count
    assert objects[True] == objects[False] == [(False, "default")] * count


@pytest.mark.django_db
def test_a_model_with_save_signals_is_stored_the_same_with_the_setting_off(settings):
    for on in (True, False):
        settings.HANDOFF_COMPILED_SQL = on
        customer = compiled.insert_one(CustomerFactory.build())
        assert customer.pk is not None and customer.history.count() == 1
