"""frame64.b64encode/b64decode & co. against the standard library, on both backends.

Results, exception types and messages must be identical to the running
CPython's ``base64`` module, for valid input, invalid data and wrong argument
types alike. The oracle (``STDLIB``) is the standard library's functions as
they were when this module was imported: with ``FRAME64_TEST_SWAP_BASE64=1``
(test_drop_ins_swapped_into_base64_change_nothing sets it in a subprocess)
every test runs with frame64's drop-ins assigned into ``base64``, as users
adopt a faster codec, and must still pass.
"""

from __future__ import annotations

import array
import base64
import os
import subprocess
import sys
import types
from typing import Any, Callable, Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import frame64
from frame64 import _backend, _base64, _fallback

from ..conftest import UseBackend

SWAPPED = ("b64encode", "b64decode", "standard_b64encode", "standard_b64decode", "urlsafe_b64encode", "urlsafe_b64decode")
STDLIB = types.SimpleNamespace(**{name: getattr(base64, name) for name in SWAPPED})
SWAP_INTO_BASE64 = os.environ.get("FRAME64_TEST_SWAP_BASE64") == "1"


@pytest.fixture(autouse=True)
def drop_ins_in_base64(monkeypatch: pytest.MonkeyPatch) -> None:
    """With FRAME64_TEST_SWAP_BASE64=1: ``base64.<name> = frame64.<name>`` for all six during each test."""
    if SWAP_INTO_BASE64:
        for name in SWAPPED:
            monkeypatch.setattr(base64, name, getattr(frame64, name))

BACKENDS = ["cpp", "python"]


@pytest.fixture(params=BACKENDS, ids=[f"backend={name}" for name in BACKENDS])
def backend(request: pytest.FixtureRequest, use_backend: UseBackend) -> Iterator[str]:
    """Runs the drop-ins on the compiled core or on the pure-Python fallback."""
    if request.param == "cpp":
        module = pytest.importorskip("frame64._core")
    else:
        module = _fallback
    use_backend(module)
    yield request.param


def outcome(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """(None, result) or (exception type, message)."""
    try:
        return None, function(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001  (the exception is the compared outcome)
        return type(exc), str(exc)


PAYLOAD = bytes(range(256)) * 3 + b"\xfb\xff\xfe"
ENCODE_INPUTS = {
    "empty": b"",
    "one": b"a",
    "bytes": PAYLOAD,
    "bytearray": bytearray(PAYLOAD[:100]),
    "memoryview slice": memoryview(PAYLOAD)[5:77],
    "strided memoryview": memoryview(PAYLOAD)[::3],
    "numpy uint8": np.frombuffer(PAYLOAD, np.uint8)[:99],
    "numpy int32 2d": np.arange(24, dtype=np.int32).reshape(4, 6),
    "numpy non-contiguous": np.arange(24, dtype=np.uint8).reshape(4, 6)[:, ::2],
    "array": array.array("i", range(10)),
    "large": PAYLOAD * 100,
    "str": "abc",
    "int": 5,
    "none": None,
    "list": [1, 2],
}
ALTCHARS = [None, b"-_", b"*\xff", bytearray(b"-_"), memoryview(b"-_"), b"-", b"-_=", b"", "-_", "ab", 7]


@pytest.mark.parametrize("altchars", ALTCHARS, ids=repr)
@pytest.mark.parametrize("name", list(ENCODE_INPUTS))
def test_b64encode(backend: str, name: str, altchars: Any) -> None:
    s = ENCODE_INPUTS[name]
    assert outcome(frame64.b64encode, s, altchars) == outcome(STDLIB.b64encode, s, altchars)
    if altchars is None:
        assert outcome(frame64.b64encode, s) == outcome(STDLIB.b64encode, s)
        assert outcome(frame64.standard_b64encode, s) == outcome(STDLIB.standard_b64encode, s)
        assert outcome(frame64.urlsafe_b64encode, s) == outcome(STDLIB.urlsafe_b64encode, s)
        expected = outcome(lambda: STDLIB.b64encode(s).decode("ascii"))
        result = outcome(frame64.b64encode_str, s)
        assert result == expected
        assert result[0] is not None or type(result[1]) is str


VALID_TEXT = STDLIB.b64encode(PAYLOAD)
DECODE_INPUTS = {
    "empty": b"",
    "valid": VALID_TEXT,
    "valid str": VALID_TEXT.decode("ascii"),
    "urlsafe": STDLIB.urlsafe_b64encode(PAYLOAD),
    "mixed alphabets": b"ab+/cd-_",
    "mime": base64.encodebytes(PAYLOAD * 3),
    "garbage": b"YW*Jj Z\x00G\xffV=m",
    "garbage str": "YW Jj\nZGVm",
    "non-ascii str": "YWJj\u00e9",
    "bad padding": b"YWJjZA",
    "1 mod 4": b"YWJjZ",
    "leading padding": b"=YWJj",
    "excess after padding": b"YQ==YQ==",
    "discontinuous padding": b"YW=J=",
    "bytearray": bytearray(VALID_TEXT[:20]),
    "strided memoryview": memoryview(VALID_TEXT)[::2],
    "numpy": np.frombuffer(VALID_TEXT[:40], np.uint8),
    "large": VALID_TEXT * 30,
    "large with garbage": (VALID_TEXT + b"\n") * 30,
    "int": 5,
    "none": None,
}
DECODE_ALTCHARS = [None, b"-_", "-_", b"*\xff", bytearray(b"!~"), b"-", "\u00e9_", 3]


@pytest.mark.parametrize("validate", [False, True, 0, 1], ids=repr)
@pytest.mark.parametrize("altchars", DECODE_ALTCHARS, ids=repr)
@pytest.mark.parametrize("name", list(DECODE_INPUTS))
def test_b64decode(backend: str, name: str, altchars: Any, validate: Any) -> None:
    s = DECODE_INPUTS[name]
    assert outcome(frame64.b64decode, s, altchars, validate) == outcome(STDLIB.b64decode, s, altchars, validate)
    if altchars is None and validate is False:
        assert outcome(frame64.b64decode, s) == outcome(STDLIB.b64decode, s)
        assert outcome(frame64.standard_b64decode, s) == outcome(STDLIB.standard_b64decode, s)
        assert outcome(frame64.urlsafe_b64decode, s) == outcome(STDLIB.urlsafe_b64decode, s)
        assert outcome(frame64.b64decode, s, validate=True) == outcome(STDLIB.b64decode, s, validate=True)


NOISY = list(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_") * 2 + list(b"== \n\x00\xff")


@settings(deadline=None, max_examples=200)
@given(
    text=st.lists(st.sampled_from(NOISY), max_size=200).map(bytes),
    altchars=st.sampled_from([None, b"-_", b"_-", b"+/"]),
    validate=st.booleans(),
)
def test_b64decode_differential(text: bytes, altchars: Any, validate: bool) -> None:
    for module in (_backend.default(), _fallback):
        with _backend.use(module):
            expected = outcome(STDLIB.b64decode, text, altchars, validate)
            assert outcome(frame64.b64decode, text, altchars, validate) == expected
            assert outcome(frame64.urlsafe_b64decode, text) == outcome(STDLIB.urlsafe_b64decode, text)


@settings(deadline=None, max_examples=200)
@given(data=st.binary(max_size=2000), altchars=st.sampled_from([None, b"-_", b"!~", b"\x00\xff"]))
def test_round_trip(data: bytes, altchars: Any) -> None:
    encoded = frame64.b64encode(data, altchars)
    assert encoded == STDLIB.b64encode(data, altchars)
    assert frame64.b64decode(encoded, altchars, validate=True) == data
    assert frame64.b64encode_str(data) == STDLIB.b64encode(data).decode("ascii")
    assert frame64.urlsafe_b64decode(frame64.urlsafe_b64encode(data)) == data


def test_fallback_core_functions_match_the_compiled_core() -> None:
    core = pytest.importorskip("frame64._core")
    data = PAYLOAD * 7
    for c62, c63 in [(43, 47), (45, 95), (0, 255)]:
        assert _fallback.b64encode(data, c62, c63) == core.b64encode(data, c62, c63)
    assert _fallback.b64encode_str(data, "data:,") == core.b64encode_str(data, "data:,")
    for text in DECODE_INPUTS.values():
        if isinstance(text, memoryview):
            continue  # the core takes C-contiguous buffers only; frame64.b64decode copies others
        for strict in (False, True):
            assert outcome(_fallback.b64decode, text, strict) == outcome(core.b64decode, text, strict)


def test_fallback_kernel_selection() -> None:
    assert _fallback.simd() == "python"
    assert _fallback.compiled_simd() == _fallback.supported_simd() == ["python"]
    _fallback.set_simd("auto")
    _fallback.set_simd("python")
    with pytest.raises(ValueError, match="needs the compiled backend"):
        _fallback.set_simd("avx2")


def test_public_names() -> None:
    for name in _base64.__all__:
        assert name in frame64.__all__
        assert getattr(frame64, name) is getattr(_base64, name)


# The error paths that recursed when frame64's drop-ins stood in base64 (and
# the fallback called base64.<function> again, which was frame64 itself).
SWAPPED_ERROR_CASES = [
    ("b64encode", ("",), {}),
    ("b64decode", ([],), {}),
    ("b64decode", ("\u00e9",), {}),
    ("b64decode", (b"YWJj",), {"validate": 1}),
    ("b64decode", (b"YWJj",), {"validate": "yes"}),
    ("standard_b64encode", ("abc",), {}),
    ("urlsafe_b64decode", ("\u00e9",), {}),
    ("urlsafe_b64encode", (None,), {}),
    ("b64encode", (b"abc",), {"altchars": "-_"}),
    ("b64decode", (b"YW_j",), {"altchars": b"-"}),
]


@pytest.mark.parametrize(("name", "args", "kwargs"), SWAPPED_ERROR_CASES)
def test_swapped_into_base64_error_paths(backend: str, monkeypatch: pytest.MonkeyPatch, name: str,
                                         args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    for swapped in SWAPPED:
        monkeypatch.setattr(base64, swapped, getattr(frame64, swapped))
    expected = outcome(getattr(STDLIB, name), *args, **kwargs)
    assert expected[0] is not RecursionError
    assert outcome(getattr(base64, name), *args, **kwargs) == expected
    assert outcome(getattr(frame64, name), *args, **kwargs) == expected


def test_drop_ins_swapped_into_base64_change_nothing() -> None:
    """This whole module, both backends, with all six drop-ins assigned into base64 first."""
    if SWAP_INTO_BASE64:
        pytest.skip("already the swapped run")  # the subprocess does not start itself again
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", __file__],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "FRAME64_TEST_SWAP_BASE64": "1"},
    )  # fmt: skip
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in summary and "failed" not in summary, summary
    assert "1 skipped" in summary, summary  # only this test skips itself there
