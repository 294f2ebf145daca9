"""The package's import graph: no cycle, no upward import, one backend seam.

The modules of ``src/frame64`` are read with ``ast`` (nothing is imported),
every ``import`` and ``from ... import`` inside the package becomes an edge,
function-level imports included, and the graph is checked against the layers
of docs/architecture.md:

- leaves (``_errors``, ``_formats``, ``_timing``, ``_sample``) import nothing of frame64;
- the fallback package imports only itself and the leaves (it mirrors the
  C++ core, which knows nothing of the front end);
- the front end imports leaves and front-end modules, and never a backend:
  only ``_backend`` chooses one, by name, at run time;
- ``cli`` and ``__main__`` sit on top and may use the public package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "frame64"
LEAVES = {"frame64._errors", "frame64._formats", "frame64._timing", "frame64._sample"}
BACKENDS = ("frame64._core", "frame64._fallback")


def module_name(path: Path) -> str:
    parts = ["frame64", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
COMPILED = {"frame64._core"}  # no .py file, but a module all the same


def is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def imports_of(name: str) -> set[str]:
    """The frame64 modules that ``name`` imports (submodules named by ``from X import sub`` included)."""
    return imports_of_source(MODULES[name].read_text(), name)


def imports_of_source(source: str, name: str) -> set[str]:
    """imports_of for ``source`` as if it were module ``name``."""
    tree = ast.parse(source, name)
    package = name if is_package(name) else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            submodules = [
                f"{origin}.{alias.name}" for alias in node.names if f"{origin}.{alias.name}" in MODULES.keys() | COMPILED
            ]
            # The origin itself is imported only for names that are not its submodules.
            targets = submodules + ([origin] if len(submodules) < len(node.names) else [])
        else:
            continue
        for target in targets:
            if target == "frame64" or target.startswith("frame64."):
                if target in MODULES or target in COMPILED:
                    found.add(target)
    found.discard(name)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> str:
    if name in LEAVES:
        return "leaf"
    if name.startswith(BACKENDS):
        return "backend"
    if name in ("frame64", "frame64.__main__") or name.startswith("frame64.cli"):
        return "top"
    return "front"


def test_the_walk_sees_the_package() -> None:
    assert {"frame64", "frame64._backend", "frame64._fallback", "frame64._fallback.decode", "frame64.cli"} <= set(MODULES)
    assert "frame64._errors" in GRAPH["frame64._fallback.decode"]
    assert "frame64._backend" in GRAPH["frame64._encode"]
    assert "frame64.cli.common" in GRAPH["frame64.cli.encode"]
    # A compiled module is seen too: this line, in any front-end module, would fail the seam test.
    assert imports_of_source("from . import _core\nfrom ._core import encode_jpeg\n", "frame64._encode") == {
        "frame64._core"
    }


def test_there_is_no_import_cycle() -> None:
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> None:
        if name in path:
            cycle = path[path.index(name) :] + [name]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        path.append(name)
        for target in sorted(GRAPH.get(name, ())):
            visit(target)
        path.pop()
        done.add(name)

    for name in sorted(GRAPH):
        visit(name)


ALLOWED = {
    "leaf": {"leaf"},
    "backend": {"leaf", "backend"},
    "front": {"leaf", "front"},
    "top": {"leaf", "front", "top"},
}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_upward_import(name: str) -> None:
    for target in sorted(GRAPH[name]):
        if name.startswith("frame64._fallback") and target.startswith("frame64._fallback"):
            continue  # inside the fallback package
        assert layer(target) in ALLOWED[layer(name)], f"{name} ({layer(name)}) imports {target} ({layer(target)})"


def test_only_the_seam_chooses_a_backend() -> None:
    for name, targets in GRAPH.items():
        if layer(name) in ("front", "top", "leaf"):
            chosen = {t for t in targets if t.startswith(BACKENDS)}
            assert not chosen, f"{name} imports {sorted(chosen)}: ask frame64._backend instead"
    assert "importlib.import_module(_MODULES[name])" in MODULES["frame64._backend"].read_text()
