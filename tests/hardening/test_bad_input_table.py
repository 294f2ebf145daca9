"""Walks docs/bad-input.md's table (tests/bad_input_table.py) on both backends."""

from __future__ import annotations

import builtins
import binascii

import pytest
from ..bad_input_table import DOC_PATH, ROWS, BadInput, namespace, render_markdown

import frame64
from frame64 import _fallback

from ..conftest import UseBackend

EXCEPTIONS = {
    "TypeError": TypeError,
    "ValueError": ValueError,
    "binascii.Error": binascii.Error,
    "frame64.DecodeError": frame64.DecodeError,
    "frame64.JpegDecodeError": frame64.JpegDecodeError,
    "frame64.PngDecodeError": frame64.PngDecodeError,
}
BACKENDS = ["cpp", "python"] if frame64.backend == "cpp" else ["python"]


def test_the_document_is_the_rendering_of_the_table() -> None:
    assert DOC_PATH.read_text() == render_markdown(), (
        "docs/bad-input.md is stale: run `python tests/bad_input_table.py --write`"
    )


def test_every_exception_name_is_known() -> None:
    assert {row.exception for row in ROWS} <= set(EXCEPTIONS) | {"returns"}


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, use_backend: UseBackend) -> str:
    if request.param == "python":
        use_backend(_fallback)
    return str(request.param)


@pytest.mark.parametrize("row", ROWS, ids=[f"{i}-{r.category}" for i, r in enumerate(ROWS)])
def test_row(row: BadInput, backend: str) -> None:
    if row.exception == "returns":
        assert str(builtins.eval(row.call, namespace())) == row.message  # noqa: S307 - the table's own expressions
        return
    expected = EXCEPTIONS[row.exception]
    with pytest.raises(expected) as caught:
        builtins.eval(row.call, namespace())  # noqa: S307 - the table's own expressions
    assert type(caught.value) is expected, f"raised {type(caught.value).__name__}, the table says {row.exception}"
    assert str(caught.value) == row.message
