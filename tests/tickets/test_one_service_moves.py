"""One service decides every move: no module but the move service calls a lifecycle step,
assigns a ticket's workspace status, or writes either column another way."""

import ast
from pathlib import Path

from escalations.tickets.lifecycle import TRANSITION_NAMES

ROOT = Path(__file__).resolve().parents[2]
MOVE_SERVICE = ROOT / "escalations" / "tickets" / "services" / "transitions.py"
STATUS_COLUMNS = {"custom_status", "custom_status_id"}


def _sources():
    for package in ("escalations", "templates_catalog"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts and path != MOVE_SERVICE:
                yield path


def _is_a_ticket(receiver: ast.expr) -> bool:
    """Whether a call's receiver is a ticket by its name (`ticket`, `locked`, `self.ticket`):
    `connection.close()` is not a lifecycle step."""
    name = receiver.attr if isinstance(receiver, ast.Attribute) else getattr(receiver, "id", "")
    return "ticket" in name.lower() or name in ("locked", "obj")


def _writes_of_status(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr in STATUS_COLUMNS:
                    found.append((node.lineno, f"assigns .{target.attr}"))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in TRANSITION_NAMES and _is_a_ticket(node.func.value):
                found.append((node.lineno, f"calls the lifecycle step {name}()"))
            if name in ("update", "bulk_update"):
                for keyword in node.keywords:
                    if keyword.arg in STATUS_COLUMNS:
                        found.append((node.lineno, f"updates {keyword.arg}"))
            if name == "save":
                for keyword in node.keywords:
                    if keyword.arg == "update_fields" and isinstance(keyword.value, ast.List):
                        named = {e.value for e in keyword.value.elts if isinstance(e, ast.Constant)}
                        if named & STATUS_COLUMNS:
                            found.append((node.lineno, "saves custom_status"))
    return found


def test_no_module_but_the_move_service_changes_a_tickets_status():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _sources()
        for line, what in _writes_of_status(ast.parse(path.read_text(), filename=str(path)))
    ]
    assert offenders == []


def test_the_check_finds_a_status_written_outside_the_service():
    # given code that moves a ticket behind the service's back
    sneaky = ast.parse(
        "ticket.custom_status = done\n"
        "ticket.resolve()\n"
        "Ticket.objects.filter(pk=1).update(custom_status_id=3)\n"
        "ticket.save(update_fields=['custom_status'])\n"
    )
    # then each write is found
    assert [what for _, what in _writes_of_status(sneaky)] == [
        "assigns .custom_status",
        "calls the lifecycle step resolve()",
        "updates custom_status_id",
        "saves custom_status",
    ]
