"""Starlark scripts: what they may do, and every way they are stopped."""

import pytest

from escalations.rules.scripts import ScriptError, check_script, run_script


def run(source, **kwargs):
    kwargs.setdefault("variables", {"ticket": {"id": 7, "tags": ["vip"]}, "customer": {}})
    return run_script(source, timeout=kwargs.pop("timeout", 1.0), **kwargs)


def test_a_script_reads_the_ticket_and_returns_actions():
    source = (
        "def decide():\n"
        "    if 'vip' in ticket['tags']:\n"
        "        return [{'type': 'add_tags', 'value': 'seen-' + str(ticket['id'])}]\n"
        "    return []\n"
        "decide()"
    )
    assert run(source) == [{"type": "add_tags", "value": "seen-7"}]


def fake_lookup(name, path, params=None):
    # runs in the script's child process: it must be importable, like the real lookup
    return {"plan": "gold", "asked": [name, path, params]}


def test_a_script_may_call_lookup():
    result = run(
        'x = lookup("crm", "/accounts/7", {"fields": "plan"})\n[x["plan"], x["asked"]]',
        lookup=fake_lookup,
    )
    assert result == ["gold", ["crm", "/accounts/7", {"fields": "plan"}]]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('load("os.star", "system")', "No imports are available"),
        ("import os", "reserved keyword `import`"),
        ("def f():\n    while True:\n        pass\nf()", "reserved keyword `while`"),
        ("def f(n):\n    return f(n)\nf(1)", "call stack overflow"),
        ("def f():\n    for i in range(1000000000):\n        pass\nf()", "time budget"),
        ('x = "a" * 2000000000\nlen(x)', "too much memory"),
        ('["a" * 100000]', "larger than 64 KiB"),
        (
            "def f():\n    l = []\n    for i in range(50):\n        l = [l]\n    return l\nf()",
            "nested deeper",
        ),
        ("ticket.__class__", "has no attribute `__class__`"),
        ('getattr(ticket, "__globals__")', "not supported on type"),
    ],
)
def test_scripts_are_stopped(source, message):
    with pytest.raises(ScriptError, match=message.replace("`", ".")):
        run(source, timeout=0.5)


def test_a_script_that_does_not_parse_is_refused_at_save_time():
    with pytest.raises(ScriptError, match="Parse error"):
        check_script("def broken(:\n    pass")


def test_a_script_that_loads_another_file_is_refused_at_save_time_in_plain_words():
    with pytest.raises(ScriptError, match=r"No imports are available: a rule script cannot load"):
        check_script('load("os.star", "system")\n[]')


def test_a_script_stopped_at_a_lookup_a_drill_does_not_make_says_so():
    from escalations.rules.scripts import LookupSkipped, lookup_skipped

    with pytest.raises(LookupSkipped, match="lookup\\('crm', '/accounts/7'\\) is not called"):
        run("x = lookup('crm', '/accounts/7', {})\n[x]", lookup=lookup_skipped)
