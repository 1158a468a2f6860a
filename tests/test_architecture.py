"""The shape of the code, checked: domains that depend one way, a core that imports none of
them, imports declared at the top, and modules of a readable size (docs/architecture.md)."""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("escalations", "templates_catalog", "config")
DOMAINS = (
    "core",
    "tickets",
    "sla",
    "rules",
    "ai",
    "incidents",
    "governance",
    "reports",
    "spreadsheets",
    "desk",
    "demo",
)
# A domain's admin and API are its interface: no domain logic imports an interface. The graph
# of whole packages (interfaces included) has no cycle either: the pages that show every domain
# around a ticket are composed in `desk`, above them all.
INTERFACE_PARTS = ("admin", "api")
MAX_LINES = 400
SMALL_MODULE_LINES = 30


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the first-party module imported
    line: int
    local: bool  # inside a function


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files() -> dict[str, Path]:
    files = {}
    for package in FIRST_PARTY:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                files[_module_name(path)] = path
    return files


FILES = _source_files()


def _resolve(name: str) -> str | None:
    while name and name not in FILES:
        name = name.rpartition(".")[0]
    return name or None


def _imports_of(module: str, path: Path) -> list[Import]:
    tree = ast.parse(path.read_text())
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node, local):
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parts = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parts, base] if base else parts)
                names = [base] + [f"{base}.{alias.name}" for alias in child.names]
            seen = set()
            for name in names:
                target = _resolve(name) if name.split(".")[0] in FIRST_PARTY else None
                if target and target != module and target not in seen:
                    seen.add(target)
                    found.append(Import(module, target, child.lineno, local))
            visit(child, inner)

    visit(tree, False)
    return found


IMPORTS = [found for module, path in FILES.items() for found in _imports_of(module, path)]


def node_of(module: str) -> str:
    """The part of the project a module belongs to: a domain's logic, a domain's interface
    (`tickets.admin`), the app shell (`escalations`), the catalog, or config."""
    parts = module.split(".")
    if parts[0] != "escalations":
        return parts[0]
    if len(parts) > 1 and parts[1] in DOMAINS:
        if parts[1] != "core" and len(parts) > 2 and parts[2] in INTERFACE_PARTS:
            return f"{parts[1]}.{parts[2]}"
        return parts[1]
    return "escalations"


def package_of(module: str) -> str:
    """The package a module belongs to, its admin and API included: `tickets`, `sla`, ..."""
    return node_of(module).split(".")[0]


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one node (Tarjan)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def _package_edges() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[Import]]]:
    edges, why = defaultdict(set), defaultdict(list)
    for found in IMPORTS:
        source, target = package_of(found.source), package_of(found.target)
        if source != target:
            edges[source].add(target)
            why[(source, target)].append(found)
    return edges, why


def test_the_import_graph_is_read_from_the_code():
    # given the graph the other checks rely on, it must see what is really there
    edges, _ = _package_edges()
    assert "core" in edges["tickets"]
    assert "tickets" in edges["sla"]
    assert any(found.local for found in IMPORTS)


def test_domain_packages_depend_on_each_other_without_cycles():
    edges, why = _package_edges()
    cycles = _cycles(edges)
    details = [
        f"{source} -> {target}: " + ", ".join(f"{f.source}:{f.line}" for f in why[(source, target)])
        for group in cycles
        for source in group
        for target in group
        if (source, target) in why
    ]
    assert cycles == [], "\n".join(details)


def test_the_core_imports_no_domain_built_on_it():
    wrong = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in IMPORTS
        if node_of(found.source) == "core" and node_of(found.target) != "core"
    ]
    assert wrong == []


def test_domain_logic_imports_no_interface():
    interfaces = {"escalations", *(f"{d}.{p}" for d in DOMAINS for p in INTERFACE_PARTS)}
    wrong = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in IMPORTS
        if node_of(found.source) in DOMAINS
        and node_of(found.target) in interfaces
        and node_of(found.source) != "demo"
    ]
    assert wrong == []


def test_the_catalog_builds_on_escalations_and_not_the_reverse():
    wrong = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in IMPORTS
        if found.source.startswith("escalations") and found.target.startswith("templates_catalog")
    ]
    assert wrong == []


def _has_comment(lines: list[str], line: int) -> bool:
    here = lines[line - 1]
    above = lines[line - 2].strip() if line >= 2 else ""
    return "#" in here or above.startswith("#")


def test_every_function_local_import_says_why():
    silent = []
    for module, path in FILES.items():
        lines = path.read_text().splitlines()
        silent += [
            f"{module}:{found.line}"
            for found in IMPORTS
            if found.source == module and found.local and not _has_comment(lines, found.line)
        ]
    assert silent == []


@pytest.mark.parametrize("module", sorted(FILES))
def test_no_module_is_longer_than_a_reader_can_hold(module):
    lines = len(FILES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines: split it by concept"


def test_no_tiny_module_only_holds_one_function_another_could_own():
    tiny = []
    for module, path in FILES.items():
        text = path.read_text()
        if path.name == "__init__.py" or "management" in path.parts:
            continue
        tree = ast.parse(text)
        definitions = [n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom)]
        functions = [n for n in definitions if isinstance(n, ast.FunctionDef)]
        is_docstring = [
            isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in definitions
        ]
        others = [n for n, doc in zip(definitions, is_docstring, strict=True) if not doc]
        if (
            len(text.splitlines()) < SMALL_MODULE_LINES
            and len(functions) == 1
            and others == functions
        ):
            tiny.append(module)
    assert tiny == []


def test_reads_never_call_a_write():
    wrong = [
        f"{found.source}:{found.line} imports {found.target}"
        for found in IMPORTS
        if ".selectors" in found.source and ".services" in found.target
    ]
    assert wrong == []


def test_no_module_imports_another_modules_private_names():
    wrong = []
    for module, path in FILES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(FIRST_PARTY):
                wrong += [
                    f"{module}:{node.lineno} imports {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert wrong == []


def test_tests_share_helpers_only_through_tests_helpers():
    wrong = []
    for path in (ROOT / "tests").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            wrong += [
                f"{path.relative_to(ROOT)}:{node.lineno} imports {name}"
                for name in names
                if name.split(".")[0] == "bench"
                or (name.startswith("tests") and not name.startswith("tests.helpers"))
            ]
    assert wrong == []
