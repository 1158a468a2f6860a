"""The hook registry: listeners run in their order, inside the caller's transaction, asked
hooks gather answers, and the registry (and its command) say who listens to what."""

import pytest
from django.core.management import call_command

from escalations.core import hooks
from escalations.core.hooks import Hook, hooks_listing


def test_listeners_run_in_their_order_whatever_the_order_they_registered_in():
    # given
    hook, calls = Hook(name="test.emitted", doc=""), []
    hook.listen(lambda **kw: calls.append(("late", kw)), order=20, owner="b")
    hook.listen(lambda **kw: calls.append(("early", kw)), order=10, owner="a")
    # when
    hook.emit(value=1)
    # then
    assert calls == [("early", {"value": 1}), ("late", {"value": 1})]


def test_registering_a_listener_again_replaces_it():
    hook, calls = Hook(name="test.again", doc=""), []

    def listener(**kw):
        calls.append(kw)

    hook.listen(listener, order=10, owner="a")
    hook.listen(listener, order=30, owner="a")
    hook.emit()
    assert calls == [{}]
    assert [listener.order for listener in hook.listeners] == [30]


def test_an_asked_hook_gives_every_answer_in_order():
    hook = Hook(name="test.asked", doc="", asks=True)
    hook.listen(lambda *, n: n + 1, order=20, owner="b")
    hook.listen(lambda *, n: n * 10, order=10, owner="a")
    assert hook.ask(n=2) == [20, 3]


def test_a_hook_is_either_emitted_or_asked():
    with pytest.raises(AssertionError):
        Hook(name="test.asked", doc="", asks=True).emit()
    with pytest.raises(AssertionError):
        Hook(name="test.emitted", doc="").ask()


def test_a_listener_that_fails_stops_the_change():
    hook = Hook(name="test.failing", doc="")
    hook.listen(lambda **kw: 1 / 0, order=10, owner="a")
    with pytest.raises(ZeroDivisionError):
        hook.emit()


def test_the_domains_listen_where_the_core_hands_over():
    listening = {
        hook.name: [(listener.owner, listener.name) for listener in hook.listeners]
        for hook in hooks_listing()
    }
    assert listening["ticket.event_recorded"] == [
        ("sla", "escalations.sla.hooks._sla_on_event"),
        ("rules", "escalations.rules.hooks._webhooks_for"),
    ]
    assert listening["unit_of_work.event_dispatched"] == [
        ("rules", "escalations.rules.services.rules.rules_run_for_event")
    ]
    assert listening["ticket.escalated"] == [
        ("governance", "escalations.governance.services.raci.raci_tell_escalation"),
        ("governance", "escalations.governance.services.matrix.matrix_tell_escalation"),
    ]
    assert [owner for owner, _ in listening["ticket.entered_status"]] == ["governance", "incidents"]
    assert [owner for owner, _ in listening["ticket.customer_wrote"]] == ["rules", "ai"]
    assert [owner for owner, _ in listening["workspace.system_moves"]] == ["rules", "ai", "sla"]
    assert all(hook.listeners for hook in hooks_listing()), "a hook nobody listens to"


def test_the_hooks_command_lists_each_hook_with_its_listeners(capsys):
    call_command("handoff_hooks")
    out = capsys.readouterr().out
    for hook in hooks_listing():
        assert hook.name in out
        for listener in hook.listeners:
            assert listener.name in out
    assert "status_update" in out and "incidents" in out


def test_the_hook_names_are_the_ones_the_architecture_page_lists():
    page = hooks.__file__.rsplit("/escalations/", 1)[0] + "/docs/architecture.md"
    with open(page) as text:
        listed = text.read()
    assert [hook.name for hook in hooks_listing() if f"`{hook.name}`" not in listed] == []
