"""Rule scripts in Starlark, for logic plain rules cannot say.

A script sees plain data only — `ticket`, `customer`, `event`, `history` — and one host
function, `lookup(integration, path, params)`, that reads JSON from a configured integration.
Its last line gives a list of actions, applied like the rule's own. Starlark has no imports,
no `while`, no recursion; on top of that each run happens in a forked child process with a
time budget, a memory ceiling and a cap on the size of what it returns.
"""

import json
import multiprocessing
import os
import resource
import time
from collections.abc import Callable
from typing import Any

import starlark
from django.utils.translation import gettext_lazy as _

MAX_SOURCE = 20_000
MAX_OUTPUT_BYTES = 64 * 1024
MAX_OUTPUT_DEPTH = 6
DEFAULT_TIMEOUT_SECONDS = 2.0
MEMORY_LIMIT_BYTES = 512 * 1024 * 1024


ERR_LOAD = _(
    "No imports are available: a rule script cannot load() other files. Remove the load line; "
    "everything a script may use is given to it (ticket, customer, event, history, lookup)."
)


class ScriptError(Exception):
    """A script that cannot run or was stopped; the message says why, for the rule's log."""


class LookupSkipped(ScriptError):
    """The script called lookup() where no integration is called (a drill replaying the
    past, whose answers were not recorded): the run is skipped rather than guessed."""


_skipped_lookups: list[str] = []  # in a script's child: the lookups it was refused


def lookup_skipped(integration, path="", params=None):
    """The lookup a drill gives scripts (importable, as it runs in the script's child). The
    exception does not come back through Starlark as itself, so the child notes it."""
    message = f"lookup({integration!r}, {path!r}) is not called in a drill"
    _skipped_lookups.append(message)
    raise LookupSkipped(message)


def check_script(source: str) -> None:
    """Refuse at save time what cannot even be parsed (imports and `load` included)."""
    if len(source) > MAX_SOURCE:
        raise ScriptError(f"a script has at most {MAX_SOURCE} characters")
    try:
        module = starlark.parse("rule.star", source, starlark.Dialect.standard())
    except starlark.StarlarkError as exc:
        raise ScriptError(_clean(exc)) from None
    if module.loads():
        raise ScriptError(str(ERR_LOAD))


def run_script(
    source: str,
    *,
    variables: dict[str, Any],
    lookup: Callable[..., Any] | None = None,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
) -> Any:
    """Run the script in a child process; return its last value, or raise ScriptError."""
    check_script(source)
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_child, args=(sender, source, variables, lookup, timeout), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout + 1.0):
            raise ScriptError(f"the script ran past its time budget of {timeout:g} s")
        outcome, payload = receiver.recv()
    except EOFError:
        raise ScriptError("the script was stopped (it used too much memory)") from None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(1)
    if outcome == "skipped":
        raise LookupSkipped(payload)
    if outcome == "error":
        raise ScriptError(payload)
    return json.loads(payload)


def _context():
    """A fork server: children start from a clean, single-threaded process (forking the web
    or task process itself, with its threads and connections, could deadlock the child)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["escalations.rules.scripts", "escalations.rules.integrations"])
    return context


def _child(sender, source, variables, lookup, timeout) -> None:
    def fail(message: str) -> None:
        if _skipped_lookups:  # whatever the script's error says, it stopped at a lookup
            sender.send(("skipped", _skipped_lookups[0]))
        else:
            sender.send(("error", message))

    try:
        # A runaway allocation aborts the child with a report on stderr: keep it quiet.
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT_BYTES, MEMORY_LIMIT_BYTES))
        deadline = time.monotonic() + timeout
        module = starlark.Module()
        for name, value in variables.items():
            module[name] = value
        if lookup is not None:
            module.add_callable("lookup", lookup)
        options = starlark.EvalOptions(
            check_cancelled=lambda: time.monotonic() > deadline, max_callstack_size=100
        )
        ast = starlark.parse("rule.star", source, starlark.Dialect.standard())
        value = starlark.eval_with(options, module, ast, starlark.Globals.standard()).value
        if time.monotonic() > deadline:
            raise ScriptError(f"the script ran past its time budget of {timeout:g} s")
        sender.send(("ok", _encode(value)))
    except MemoryError:
        fail("the script used too much memory")
    except ScriptError as exc:
        fail(str(exc))
    except starlark.StarlarkError as exc:
        message = _clean(exc)
        if "cancel" in message.lower():
            message = f"the script ran past its time budget of {timeout:g} s"
        fail(message)
    except Exception as exc:
        fail(f"{type(exc).__name__}: {exc}")
    finally:
        sender.close()
        os._exit(0)  # no atexit handlers or inherited connections of the parent


def _encode(value: Any) -> str:
    _check_depth(value, 0)
    encoded = json.dumps(value, ensure_ascii=False)
    if len(encoded.encode()) > MAX_OUTPUT_BYTES:
        raise ScriptError(f"the script's result is larger than {MAX_OUTPUT_BYTES // 1024} KiB")
    return encoded


def _check_depth(value: Any, depth: int) -> None:
    if depth > MAX_OUTPUT_DEPTH:
        raise ScriptError(f"the script's result is nested deeper than {MAX_OUTPUT_DEPTH} levels")
    if isinstance(value, dict):
        for item in value.values():
            _check_depth(item, depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            _check_depth(item, depth + 1)
    elif not isinstance(value, str | int | float | bool | type(None)):
        raise ScriptError(f"the script returned a {type(value).__name__}, not plain data")


def _clean(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    for line in lines:
        if line.startswith("error:"):
            return line.removeprefix("error:").strip()
    return lines[0] if lines else type(exc).__name__
