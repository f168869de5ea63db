"""The apps form layers, and imports only go down.

The import graph is read from the source (every ``import`` and ``from … import``,
also inside functions, without running anything), so a function-local import cannot
hide an upward edge or a circle. Migrations are left out: they are history.
"""

from __future__ import annotations

import ast
import os
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. An app may import the apps of lower layers only; apps in one layer
# do not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("kern",),
    ("cooperatie",),
    ("ledger",),
    ("afspraken",),
    ("portalen", "demo"),
    ("config",),
]
RANK = {app: rank for rank, apps in enumerate(LAYERS) for app in apps}


def _modules(app: str) -> list[Path]:
    folder = ROOT / app
    return sorted(
        path
        for path in folder.rglob("*.py")
        if "migrations" not in path.relative_to(folder).parts
    )


def _imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names} & set(RANK)


def import_graph() -> dict[tuple[str, str], list[str]]:
    """(importing app, imported app) -> the modules where the edge starts."""
    edges: dict[tuple[str, str], list[str]] = defaultdict(list)
    for app in RANK:
        for path in _modules(app):
            for target in _imported_apps(path) - {app}:
                edges[(app, target)].append(str(path.relative_to(ROOT)))
    return edges


def _cycles(edges) -> list[list[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in edges:
        graph[source].add(target)
    found, path, on_path, done = [], [], set(), set()

    def visit(node: str) -> None:
        path.append(node)
        on_path.add(node)
        for nxt in sorted(graph[node]):
            if nxt in on_path:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in done:
                visit(nxt)
        on_path.discard(node)
        path.pop()
        done.add(node)

    for node in sorted(graph):
        if node not in done:
            visit(node)
    return found


def test_every_app_is_placed_in_a_layer():
    apps = {
        path.parent.name
        for path in ROOT.glob("*/apps.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert apps - set(RANK) == set(), "put the new app in LAYERS"


def test_no_app_imports_a_higher_or_sibling_app():
    upward = {
        edge: where
        for edge, where in import_graph().items()
        if RANK[edge[1]] >= RANK[edge[0]]
    }
    assert upward == {}, "imports must go down the layers: " + "; ".join(
        f"{a} -> {b} in {', '.join(where)}" for (a, b), where in sorted(upward.items())
    )


def test_no_circle_between_apps():
    edges = set(import_graph())
    assert _cycles(edges) == []


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ({("a", "b"), ("b", "c")}, []),
        ({("a", "b"), ("b", "a")}, [["a", "b", "a"]]),
        ({("a", "b"), ("b", "c"), ("c", "a")}, [["a", "b", "c", "a"]]),
    ],
)
def test_cycle_finder_finds_circles(edges, expected):
    assert _cycles(edges) == expected


def test_graph_reads_function_local_imports(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from afspraken.models import Afspraak\n")
    assert _imported_apps(module) == {"afspraken"}


MAX_LINES = 600

# Folders whose Python is not the project's own: history, tools' caches, installs.
NOT_OURS = {"migrations", "__pycache__", "node_modules", "media", "staticfiles"}


def _project_modules() -> list[Path]:
    """Every Python module of the repository outside migrations: the apps, config,
    tests, bench, the CI and deploy scripts; never a virtualenv (whatever its name)
    or a hidden tool folder other than .ci."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = sorted(
            name
            for name in dirs
            if name not in NOT_OURS
            and (not name.startswith(".") or name == ".ci")
            and not (Path(folder, name) / "pyvenv.cfg").exists()
        )
        found.extend(Path(folder, name) for name in files if name.endswith(".py"))
    return sorted(found)


def test_the_length_check_reads_the_whole_repository():
    tops = {path.relative_to(ROOT).parts[0] for path in _project_modules()}
    assert {*RANK, "tests", "bench", "manage.py"} <= tops
    assert not any(".venv" in path.parts for path in _project_modules())


def test_no_module_is_longer_than_600_lines():
    too_long = {}
    for path in _project_modules():
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MAX_LINES:
            too_long[str(path.relative_to(ROOT))] = lines
    assert too_long == {}
