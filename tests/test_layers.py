"""Imports follow the data: each layer imports only the layers below it (STYLE.md 1b).

Read from the source with `ast`, so a lazy import inside a function counts as much as one at
the top of a module: a circle hidden in a function is still a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ftprep"

# Lowest first. A unit may import units on lower levels and its own; never a higher or equal
# one on another branch. Top-level helper modules are their own units.
LEVELS: list[set[str]] = [
    {"parsing", "suggest", "similarity", "__version__", "__init__"},
    {"model"},
    {"resources"},
    {"packs"},  # content rules as data: the registry loads them, rules and fix use them
    {"config", "registry", "writers"},
    {"providers", "readers", "ruledocs"},
    {"tokens"},
    {"checks"},
    {"lint"},
    {"fix", "split", "estimate", "export", "diff"},  # repairs are applied by convert too
    {"convert", "submit"},
    {"reporters"},
    {"dev"},
    {"cli"},
    {"__main__"},
]
LEVEL = {unit: i for i, units in enumerate(LEVELS) for unit in units}


def unit_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_imports(root: Path) -> list[tuple[str, str, str]]:
    """(importing module, imported module, file) for every ftprep import under `root`."""
    found = []
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ftprep"):
                names = [node.module] if node.module != "ftprep" else [f"ftprep.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.startswith("ftprep.")]
            found += [(module, name, str(path.relative_to(root.parent))) for name in names]
    return found


def upward_imports(root: Path) -> list[str]:
    return [f"{file}: {unit_of(source)} imports {unit_of(target)}"
            for source, target, file in module_imports(root)
            if unit_of(target) != unit_of(source)
            and LEVEL.get(unit_of(target), 99) >= LEVEL.get(unit_of(source), -1)]


def import_cycles(root: Path) -> list[list[str]]:
    """Cycles among modules (a package counts as its __init__)."""
    graph: dict[str, set[str]] = {}
    for source, target, _file in module_imports(root):
        if source != target:
            graph.setdefault(source, set()).add(target)
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return cycles


def test_every_unit_has_a_level() -> None:
    units = {p.name if p.is_dir() else p.stem for p in PACKAGE.iterdir()
             if (p.is_dir() and (p / "__init__.py").exists()) or p.suffix == ".py"}
    assert units - set(LEVEL) == set(), "add new packages to LEVELS"


def test_imports_only_go_down() -> None:
    assert upward_imports(PACKAGE) == []


def test_no_module_imports_itself_in_a_circle() -> None:
    assert import_cycles(PACKAGE) == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "ftprep"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_an_upward_import_is_reported_even_inside_a_function(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "model/record.py": "def f():\n    from ftprep.lint.engine import Engine\n",
        "lint/engine.py": "from ftprep.model.record import Record\n",
    })
    assert upward_imports(root) == ["ftprep/model/record.py: model imports lint"]


def test_a_circle_is_reported(tmp_path: Path) -> None:
    root = _package(tmp_path, {
        "lint/engine.py": "def f():\n    from ftprep.lint.parallel import run\n",
        "lint/parallel.py": "from ftprep.lint.engine import Engine\n",
    })
    assert import_cycles(root) == [["ftprep.lint.engine", "ftprep.lint.parallel", "ftprep.lint.engine"]]
