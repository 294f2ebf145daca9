"""Types and docs: the _core stub matches the compiled module, mypy --strict
passes, and every public name documents itself."""

from __future__ import annotations

import ast
import inspect
import pydoc
import re
import subprocess
import sys
from pathlib import Path

import pytest

import frame64

ROOT = Path(__file__).resolve().parents[2]
STUB = ROOT / "src" / "frame64" / "_core.pyi"
MODULE_DUNDERS = {"__doc__", "__file__", "__loader__", "__name__", "__package__", "__spec__", "__builtins__",
                  "__cached__", "__path__"}


def stub_tree() -> ast.Module:
    return ast.parse(STUB.read_text(encoding="utf-8"))


def stub_names() -> set[str]:
    names = set()
    for node in stub_tree().body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def stub_functions() -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in stub_tree().body if isinstance(node, ast.FunctionDef)}


def stub_parameters(node: ast.FunctionDef) -> list[tuple[str, object]]:
    """(name, default or inspect.Parameter.empty) for each parameter of a stub function."""
    args = node.args.args
    defaults = [inspect.Parameter.empty] * (len(args) - len(node.args.defaults)) + [
        ast.literal_eval(d) for d in node.args.defaults
    ]
    return [(arg.arg, default) for arg, default in zip(args, defaults)]


def split_top_level(text: str) -> list[str]:
    """Split a parameter list at the commas outside brackets and quotes."""
    parts, depth, quote, current = [], 0, "", ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    return [*parts, current]


def core_parameters(function: object) -> list[tuple[str, object]]:
    """The same, read from the signature pybind11 writes on the docstring's first line, or, for
    a plain C function, from its __text_signature__."""
    if getattr(function, "__text_signature__", None):
        return [(p.name, p.default) for p in inspect.signature(function).parameters.values()]
    first_line = (getattr(function, "__doc__", None) or "").splitlines()[0]
    if first_line == "Overloaded function.":
        first_line = (getattr(function, "__doc__", None) or "").splitlines()[2].split(". ", 1)[1]
    match = re.match(r"^\w+\((.*)\) -> ", first_line)
    assert match, f"no pybind11 signature in {first_line!r}"
    parameters: list[tuple[str, object]] = []
    for part in filter(None, (p.strip() for p in split_top_level(match.group(1)))):
        head, _, default = part.partition(" = ")
        name = head.split(":")[0].strip()
        parameters.append((name, ast.literal_eval(default) if default else inspect.Parameter.empty))
    return parameters


def test_stub_lists_exactly_what_core_exports() -> None:
    core = pytest.importorskip("frame64._core")  # the stub describes the compiled module itself
    exported = {name for name in dir(core) if name not in MODULE_DUNDERS}
    assert stub_names() == exported


def test_stub_signatures_match_core() -> None:
    core = pytest.importorskip("frame64._core")
    for name, node in stub_functions().items():
        assert stub_parameters(node) == core_parameters(getattr(core, name)), name


def stub_classes() -> dict[str, ast.ClassDef]:
    return {node.name: node for node in stub_tree().body if isinstance(node, ast.ClassDef)}


def test_stub_classes_list_their_members_and_signatures() -> None:
    core = pytest.importorskip("frame64._core")
    for name, node in stub_classes().items():
        cls = getattr(core, name)
        stubbed = {item.name: item for item in node.body if isinstance(item, ast.FunctionDef)}
        members = {n for n in stubbed if not n.startswith("_")}
        assert members == {n for n in vars(cls) if not n.startswith("_")}, name
        for method, item in stubbed.items():
            if method.startswith("__") and method != "__init__":
                continue
            is_property = any(isinstance(d, ast.Name) and d.id == "property" for d in item.decorator_list)
            if is_property:
                assert isinstance(vars(cls)[method], property), f"{name}.{method}"
                continue
            assert stub_parameters(item)[1:] == core_parameters(getattr(cls, method))[1:], f"{name}.{method}"


def test_stub_kinds_match_core() -> None:
    core = pytest.importorskip("frame64._core")
    for node in stub_tree().body:
        if isinstance(node, ast.FunctionDef):
            assert callable(getattr(core, node.name)) and not inspect.isclass(getattr(core, node.name)), node.name
        elif isinstance(node, ast.ClassDef):
            assert inspect.isclass(getattr(core, node.name)), node.name
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            value = getattr(core, node.target.id)
            expected = ast.unparse(node.annotation)
            assert type(value).__name__ == expected.split("[")[0], (node.target.id, expected, value)
        elif isinstance(node, ast.Assign):
            # `Name = frame64._errors.Name`: the module attribute IS that class.
            import frame64._errors

            target = ast.unparse(node.value)
            assert target.startswith("frame64._errors."), target
            aliased = getattr(frame64._errors, target.rsplit(".", 1)[1])
            assert inspect.isclass(aliased), target
            for name in node.targets:
                assert isinstance(name, ast.Name) and getattr(core, name.id) is aliased, target


def test_package_is_marked_typed() -> None:
    assert (ROOT / "src" / "frame64" / "py.typed").is_file()


def test_mypy_strict_passes_on_the_package_the_examples_and_a_typed_example() -> None:
    pytest.importorskip("mypy", reason="mypy is in the test extras")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "src/frame64", "tests/typed_usage.py", "examples"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_typed_example_runs() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import typed_usage
    finally:
        sys.path.pop(0)
    jpeg, pil_jpeg, backend = typed_usage.main()
    assert jpeg.startswith("data:image/jpeg;base64,/9j/")
    assert pil_jpeg.startswith("/9j/")
    assert backend == frame64.backend


def test_every_public_name_has_a_docstring() -> None:
    assert frame64.__doc__
    for name in frame64.__all__:
        value = getattr(frame64, name)
        if callable(value):
            assert inspect.getdoc(value), name


def test_help_of_encode_reads_well() -> None:
    text = pydoc.render_doc(frame64.encode, renderer=pydoc.plaintext)
    assert re.search(r"quality: '?int'? = 90", text)
    for needle in ("Args:", "Returns:", "Raises:", "TypeError", "ValueError",
                   "PIL.Image.Image", "Default 90"):
        assert needle in text, needle


def test_help_of_decode_reads_well() -> None:
    text = pydoc.render_doc(frame64.decode, renderer=pydoc.plaintext)
    for needle in ("Args:", "Returns:", "Raises:", "DecodeError", "max_pixels", "pixel_format", "Default"):
        assert needle in text, needle


def test_public_functions_document_what_they_raise() -> None:
    for name in frame64.__all__:
        value = getattr(frame64, name)
        if inspect.isfunction(value):
            assert "Raises:" in (inspect.getdoc(value) or ""), name


def test_fallback_provides_what_the_stub_lists() -> None:
    from frame64 import _fallback

    for name, node in stub_functions().items():
        function = getattr(_fallback, name)
        parameters = [(p.name, p.default) for p in inspect.signature(function).parameters.values()]
        assert parameters == stub_parameters(node), name
    for name, node in stub_classes().items():
        cls = getattr(_fallback, name)
        for item in node.body:
            if isinstance(item, ast.FunctionDef) and not item.name.startswith("_"):
                assert hasattr(cls, item.name), f"{name}.{item.name}"
