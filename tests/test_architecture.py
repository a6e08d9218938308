"""The layout's rules, read from the import graph of src/readingroom (ast, standard library only).

Dependencies point one way: catalog ← ingest, ocr, search, standards, backup ← web ← api ← urls ← cli.
Imports inside functions count: a deferred import is still a dependency, and hiding a cycle in a function
is how cycles grow. Peers of one layer may use each other, but never both ways.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "readingroom"
MAX_LINES = 600

# Each top-level part of readingroom and its layer; a part may import from its own layer or below.
LAYERS: dict[str, int] = {
    "(root)": 0, "settings": 0, "secret_key": 0, "wsgi": 0, "catalog": 0,
    "ingest": 1, "ocr": 1, "search": 1, "standards": 1, "backup": 1,
    "web": 2,
    "api": 3,
    "urls": 4,
    "cli": 5,
}
# Other parts reach search only through its face (its Django app modules are loaded by name, not imported).
FACES = {"search": "readingroom.search"}


@dataclass(repr=False)
class Graph:
    modules: dict[str, Path]
    imports: dict[str, set[str]] = field(default_factory=dict)


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _targets(name: str, is_package: bool, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> Iterable[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
        return
    if node.level:
        base = name.split(".")
        base = base[: len(base) - node.level + (1 if is_package else 0)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    for alias in node.names:
        submodule = f"{prefix}.{alias.name}"
        yield submodule if submodule in modules else f"{prefix}:{alias.name}"


def read_graph(root: Path) -> Graph:
    package = root.name
    modules = {module_name(path, root): path for path in root.rglob("*.py")}
    graph = Graph(modules)
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import | ast.ImportFrom):
                found.update(t for t in _targets(name, path.name == "__init__.py", node, modules)
                             if t.split(".")[0].split(":")[0] == package)
        graph.imports[name] = found
    return graph


def owner(target: str, modules: dict[str, Path]) -> str:
    """The module a target names: `a.b:c` (a name imported from a.b) and `a.b.c` for a missing c give a.b."""
    module = target.split(":")[0]
    while module not in modules and "." in module:
        module = module.rsplit(".", 1)[0]
    return module


def part(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "(root)"


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative: the graph has ~300 nodes)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def module_edges(graph: Graph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, targets in graph.imports.items():
        # A package's __init__ importing its own modules is how a package is made, not a dependency cycle.
        edges[name] = {o for o in (owner(t, graph.modules) for t in targets)
                       if o != name and not (o.startswith(name + ".") and graph.modules[name].name == "__init__.py")}
    return edges


def part_edges(graph: Graph) -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for name, targets in module_edges(graph).items():
        edges.setdefault(part(name), set()).update(part(t) for t in targets if part(t) != part(name))
    return edges


def layer_breaches(graph: Graph) -> list[str]:
    breaches = []
    for name, targets in sorted(module_edges(graph).items()):
        for target in sorted(targets):
            source_part, target_part = part(name), part(target)
            if source_part == target_part:
                continue
            if LAYERS.get(target_part, 99) > LAYERS.get(source_part, -1):
                breaches.append(f"{name} imports {target} ({source_part} may not depend on {target_part})")
            face = FACES.get(target_part)
            if face and target != face and not name.startswith(face + ".migrations"):
                breaches.append(f"{name} imports {target}: outside {target_part}, import only {face}")
    return breaches


def private_reaches(graph: Graph) -> list[str]:
    reaches = []
    for name, targets in sorted(graph.imports.items()):
        for target in sorted(targets):
            module, _, imported = target.partition(":")
            owner_module = owner(module, graph.modules)
            if part(owner_module) == part(name):
                continue
            private = [piece for piece in owner_module.split(".") + [imported] if piece.startswith("_")
                       and not piece.startswith("__")]
            if private:
                reaches.append(f"{name} imports the private {target} of {part(owner_module)}")
    return reaches


@pytest.fixture(scope="module")
def graph() -> Graph:
    return read_graph(SOURCE)


def test_every_part_has_a_layer(graph: Graph) -> None:
    assert sorted({part(m) for m in graph.modules} - set(LAYERS)) == []


def test_dependencies_point_one_way(graph: Graph) -> None:
    assert layer_breaches(graph) == []


def test_no_cycle_between_parts(graph: Graph) -> None:
    assert cycles(part_edges(graph)) == []


def test_no_cycle_between_modules(graph: Graph) -> None:
    assert cycles(module_edges(graph)) == []


def test_no_part_reaches_into_another_s_private_names(graph: Graph) -> None:
    assert private_reaches(graph) == []


def test_modules_stay_small(graph: Graph) -> None:
    long = {name: n for name, path in graph.modules.items()
            if "migrations" not in name and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_the_rules_catch_what_they_forbid(tmp_path: Path) -> None:
    """The checks run on a small package with one of each fault, so a broken reader cannot pass them all."""
    root = tmp_path / "readingroom"
    files = {
        "__init__.py": "",
        "catalog/__init__.py": "",
        "catalog/models.py": "from readingroom.catalog import relations\n",
        "catalog/relations.py": "def f():\n    from .models import x\n",  # a cycle hidden in a function
        "search/__init__.py": "",
        "search/_tokens.py": "",
        "search/engine.py": "from readingroom.catalog.models import y\n",
        "web/__init__.py": "",
        "web/views.py": "from readingroom.search.engine import search\nfrom readingroom.search import _tokens\n",
        "catalog/pages.py": "from readingroom.web import views\n",  # upward
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    small = read_graph(root)
    assert cycles(module_edges(small)) == [["readingroom.catalog.models", "readingroom.catalog.relations"]]
    assert cycles(part_edges(small)) == [["catalog", "search", "web"]]
    assert layer_breaches(small) == [
        "readingroom.catalog.pages imports readingroom.web.views (catalog may not depend on web)",
        "readingroom.web.views imports readingroom.search._tokens: outside search, import only readingroom.search",
        "readingroom.web.views imports readingroom.search.engine: outside search, import only readingroom.search",
    ]
    assert private_reaches(small) == ["readingroom.web.views imports the private readingroom.search._tokens of search"]
