"""The shape of the code a newcomer relies on: no import cycles, one module on the session."""

from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy.orm import Session

import forum

PACKAGE = Path(forum.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        name = ".".join(("forum", *path.relative_to(PACKAGE).with_suffix("").parts))
        modules[name.removesuffix(".__init__")] = path
    return modules


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every forum module `name` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            for alias in node.names:
                target = f"{base}.{alias.name}"
                found.add(target if target in modules else base)
    return found & modules.keys()


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph[node]:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_import_graph_of_forum_counting_function_imports_has_no_cycle():
    modules = _modules()
    graph = {name: _imports(name, path, modules) - {name} for name, path in modules.items()}
    assert _cycles(graph) == []


def test_cycle_finder_given_a_loop_reports_it():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


SESSION_EVENTS = (
    "before_flush", "after_flush", "after_flush_postexec", "do_orm_execute", "before_commit",
    "after_commit", "after_rollback", "after_soft_rollback", "after_begin", "after_attach",
    "after_transaction_end",
)  # fmt: skip


def test_session_events_of_a_running_app_all_go_to_the_change_pipeline(app):
    session = Session()
    listeners = {
        f"{listener.__module__}.{listener.__qualname__}"
        for name in SESSION_EVENTS
        for listener in getattr(session.dispatch, name)
    }
    assert listeners and {name.rpartition(".")[0] for name in listeners} == {"forum.changes"}
