"""Every base64 kernel of the compiled core, forced one by one, against the standard library.

The oracle is the running CPython: ``base64``/``binascii`` for results, and
``binascii.a2b_base64(strict_mode=...)`` for the exception type and message
of every invalid input.
"""

from __future__ import annotations

import base64
import binascii
import os
import random
import subprocess
import sys
from typing import Any, Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ..conftest import forced

core = pytest.importorskip("frame64._core")

KERNELS = core.supported_simd()
ALL_KERNEL_NAMES = ("avx512vbmi", "avx2", "neon", "scalar")
ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


@pytest.fixture(params=KERNELS, ids=[f"kernel={name}" for name in KERNELS])
def kernel(request: pytest.FixtureRequest) -> Iterator[str]:
    """Forces one kernel for the test and restores the previous one afterwards."""
    with forced(core.simd, core.set_simd, request.param) as name:
        yield name


def outcome(function: Callable[..., Any], *args: Any) -> tuple[str, Any]:
    """("ok", result) or (exception type name, message), for exact comparison."""
    try:
        return "ok", function(*args)
    except Exception as exc:  # noqa: BLE001  (any exception is part of the compared outcome)
        return type(exc).__name__, str(exc)


def stdlib_decode(data: bytes, strict: bool) -> tuple[str, Any]:
    return outcome(lambda: binascii.a2b_base64(data, strict_mode=strict))


def core_decode(data: Any, strict: Any) -> tuple[str, Any]:
    return outcome(core.b64decode, data, strict)


DATA = random.Random(20261126).randbytes(1024 + 64)
MISALIGNMENTS = range(64)


@pytest.mark.parametrize("offset", MISALIGNMENTS)
def test_encode_every_length_and_misalignment(kernel: str, offset: int) -> None:
    view = memoryview(DATA)[offset:]
    for n in range(1025):
        chunk = view[:n]
        expected = base64.b64encode(chunk)
        assert core.b64encode(chunk) == expected, (kernel, offset, n)
        assert core.b64encode_str(chunk) == expected.decode("ascii"), (kernel, offset, n)


@pytest.mark.parametrize("offset", MISALIGNMENTS)
def test_decode_every_length_and_misalignment(kernel: str, offset: int) -> None:
    for n in range(1025):
        source = memoryview(bytes(offset) + base64.b64encode(DATA[:n]))[offset:]
        for strict in (False, True):
            assert core.b64decode(source, strict) == DATA[:n], (kernel, offset, n, strict)


def test_large_encode(kernel: str) -> None:
    """Outputs over 8 MiB (the AVX-512 kernel streams those), bytes and str."""
    data = random.Random(7).randbytes((6 << 20) + 1)
    expected = base64.b64encode(data)
    assert core.b64encode(data) == expected
    assert core.b64encode_str(memoryview(data)[1:]) == base64.b64encode(data[1:]).decode("ascii")
    assert core.b64encode(data, ord("-"), ord("_")) == base64.urlsafe_b64encode(data)


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
def test_large_decode(kernel: str, strict: bool) -> None:
    """Inputs over 6 MiB (the AVX-512 kernel streams those), clean and with bad chars."""
    data = random.Random(8).randbytes(5 << 20)
    text = base64.b64encode(data)
    assert core.b64decode(text, strict) == data
    assert core.b64decode(memoryview(b"x" + text)[1:], strict) == data
    for position, char in [(3, b"\n"), (200, b"="), (len(text) // 2 + 1, b"*"), (len(text) - 70, b"\r\n")]:
        mutated = text[:position] + char + text[position:]
        assert core_decode(mutated, strict) == stdlib_decode(mutated, strict), (position, char)


@pytest.mark.parametrize("offset", [0, 1, 7, 31, 63])
def test_urlsafe_and_altchars(kernel: str, offset: int) -> None:
    view = memoryview(DATA)[offset:]
    for n in range(0, 400):
        chunk = view[:n]
        assert core.b64encode(chunk, ord("-"), ord("_")) == base64.urlsafe_b64encode(chunk)
        assert core.b64encode(chunk, ord("*"), 0xFF) == base64.b64encode(chunk, b"*\xff")
        assert core.b64encode_str(chunk) == base64.b64encode(chunk).decode()


def test_decode_of_text_with_every_single_char_substituted(kernel: str) -> None:
    """A bad (or '=') char at every position of a 256-char text, both modes."""
    text = base64.b64encode(DATA[:192])
    for position in range(len(text)):
        for char in (b"=", b"\n", b"\x80", b"\xff", b"-", b"\x00"):
            mutated = text[:position] + char + text[position + 1 :]
            for strict in (False, True):
                assert core_decode(mutated, strict) == stdlib_decode(mutated, strict), (position, char, strict)


# Invalid-input vectors in the categories of CPython's own binascii tests.
INVALID_VECTORS = {
    "excess data after padding": [b"ab==a", b"ab===", b"ab==:", b"abc=a", b"abc=:", b"ab==cd", b"abc==", b"ab==\n"],
    "leading padding": [b"=", b"==", b"===", b"====", b"=ab", b"==abcd", b"=abc"],
    "discontinuous padding": [b"ab=c=", b"ab=ab==", b"a=b==", b"abc=d", b"ab=\n="],
    "1 mod 4 data chars": [b"a", b"abcde", b"abcdefghi", b"a=", b"abcde==", b"abcde=", b"a\nb\nc\nd\ne"],
    "incorrect padding": [b"ab", b"abc", b"ab=", b"abcdab=", b"abcdabc"],
    "non-alphabet bytes": [
        b"\n",
        b"ab\ncd==",
        b"ab:cd==",
        b"\x80abc",
        b"ab\xffc",
        b"ab cd===",
        b"YWJj\x00ZGVm",
        b"YWJj-_ZGVm",
        b"\x7f\x7f\x7f\x7f",
        b"YW Jj\tZG\rVm\n",
    ],
}
VECTORS = [(group, vector) for group, vectors in INVALID_VECTORS.items() for vector in vectors]


@pytest.mark.parametrize("strict", [False, True], ids=["lenient", "strict"])
@pytest.mark.parametrize(("group", "vector"), VECTORS, ids=[f"{g}:{v!r}" for g, v in VECTORS])
def test_invalid_vectors_match_binascii(kernel: str, group: str, vector: bytes, strict: bool) -> None:
    # Alone, and after 0..160 valid chars so that SIMD blocks meet the bad bytes.
    valid = base64.b64encode(DATA[:120])
    for prefix_length in list(range(0, 68, 4)) + [96, 124, 128, 156, 160]:
        data = valid[:prefix_length] + vector
        assert core_decode(data, strict) == stdlib_decode(data, strict), (group, prefix_length)
        with_suffix = data + valid[:64]
        assert core_decode(with_suffix, strict) == stdlib_decode(with_suffix, strict), (group, prefix_length)


@pytest.mark.parametrize("line_ending", [b"\n", b"\r\n"], ids=["lf", "crlf"])
def test_mime_wrapped_input(kernel: str, line_ending: bytes) -> None:
    for n in (0, 1, 56, 57, 58, 100, 1000, 5000):
        text = base64.encodebytes(DATA[:n] * 5).replace(b"\n", line_ending)
        assert core.b64decode(text, False) == DATA[:n] * 5
        assert core_decode(text, True) == stdlib_decode(text, True)


@pytest.mark.parametrize("separator", [b"\n", b"\r\n", b" \t", b"=", b"\n=\n", b"*"], ids=repr)
def test_wrapped_at_any_width(kernel: str, separator: bytes) -> None:
    """Line breaks (or padding, or garbage) every `width` chars, on or off quad boundaries."""
    text = base64.b64encode(DATA[:700])
    for width in range(1, 90):
        wrapped = separator.join(text[j : j + width] for j in range(0, len(text), width))
        for strict in (False, True):
            assert core_decode(wrapped, strict) == stdlib_decode(wrapped, strict), (width, strict)


def test_b64encode_str_arguments() -> None:
    assert core.b64encode_str(b"abc") == "YWJj"
    assert core.b64encode_str(b"abc", "data:,") == "data:,YWJj"
    assert core.b64encode_str(prefix="p", data=bytearray(b"abc")) == "pYWJj"
    assert core.b64encode_str(memoryview(b"xabc")[1:], prefix="") == "YWJj"
    bad_calls: list[tuple[type[Exception], Callable[[], Any]]] = [
        (TypeError, lambda: core.b64encode_str()),
        (TypeError, lambda: core.b64encode_str("abc")),
        (BufferError, lambda: core.b64encode_str(memoryview(b"abcd")[::2])),
        (TypeError, lambda: core.b64encode_str(b"", 5)),
        (ValueError, lambda: core.b64encode_str(b"", "\u00e9")),
        (TypeError, lambda: core.b64encode_str(b"", foo=1)),
        (TypeError, lambda: core.b64encode_str(b"", data=b"")),
        (TypeError, lambda: core.b64encode_str(b"", "", 3)),
    ]
    for expected, call in bad_calls:
        with pytest.raises(expected):
            call()


def test_b64decode_arguments() -> None:
    assert core.b64decode(b"YWJj") == b"abc"
    assert core.b64decode("YWJj", True) == b"abc"
    assert core.b64decode(strict=1, data=bytearray(b"YWJj")) == b"abc"
    assert core_decode(b"YW=Jj", 0) == stdlib_decode(b"YW=Jj", False)
    assert core_decode(b"YW=Jj", strict=True) == stdlib_decode(b"YW=Jj", True)
    bad_calls: list[tuple[type[Exception], Callable[[], Any]]] = [
        (TypeError, lambda: core.b64decode()),
        (TypeError, lambda: core.b64decode(5)),
        (TypeError, lambda: core.b64decode(b"", "yes")),
        (TypeError, lambda: core.b64decode(b"", strict=None)),
        (TypeError, lambda: core.b64decode(b"", validate=True)),
        (TypeError, lambda: core.b64decode(b"", data=b"")),
        (TypeError, lambda: core.b64decode(b"", False, 3)),
        (ValueError, lambda: core.b64decode("\u00e9")),
        (BufferError, lambda: core.b64decode(memoryview(b"abcd")[::2])),
    ]
    for expected, call in bad_calls:
        with pytest.raises(expected):
            call()


def test_str_input(kernel: str) -> None:
    text = base64.b64encode(DATA[:300]).decode("ascii")
    assert core.b64decode(text, True) == DATA[:300]
    assert core_decode(text[:-1] + "\u00e9", False) == ("ValueError", "string argument should contain only ASCII characters")


@settings(deadline=None, max_examples=150)
@given(data=st.binary(max_size=700), offset=st.integers(0, 63))
def test_round_trip(data: bytes, offset: int) -> None:
    for name in KERNELS:
        core.set_simd(name)
        try:
            view = memoryview(bytes(offset) + data)[offset:]
            encoded = core.b64encode(view)
            assert encoded == base64.b64encode(data)
            assert core.b64decode(encoded, True) == data
            assert core.b64decode(encoded.decode("ascii"), False) == data
        finally:
            core.set_simd("auto")


NOISY_CHARS = list(ALPHABET) * 4 + list(b"=== \n\r\t") + [0, 0x2D, 0x5F, 0x3A, 0x7F, 0x80, 0xC3, 0xFF]


@settings(deadline=None, max_examples=300)
@given(text=st.lists(st.sampled_from(NOISY_CHARS), max_size=400).map(bytes), strict=st.booleans())
def test_differential_on_noisy_text(text: bytes, strict: bool) -> None:
    expected = stdlib_decode(text, strict)
    for name in KERNELS:
        core.set_simd(name)
        try:
            assert core_decode(text, strict) == expected, name
        finally:
            core.set_simd("auto")


@settings(deadline=None, max_examples=150)
@given(data=st.binary(min_size=1, max_size=300), cut=st.integers(0, 400), noise=st.sampled_from(NOISY_CHARS))
def test_differential_on_valid_text_with_one_noise_char(data: bytes, cut: int, noise: int) -> None:
    encoded = base64.b64encode(data)
    cut %= len(encoded) + 1
    text = encoded[:cut] + bytes([noise]) + encoded[cut:]
    for strict in (False, True):
        expected = stdlib_decode(text, strict)
        for name in KERNELS:
            core.set_simd(name)
            try:
                assert core_decode(text, strict) == expected, (name, strict)
            finally:
                core.set_simd("auto")


# --- kernel selection ---------------------------------------------------------


def test_kernel_lists() -> None:
    compiled = core.compiled_simd()
    assert compiled[-1] == "scalar"
    assert set(compiled) <= set(ALL_KERNEL_NAMES)
    assert [name for name in compiled if name in KERNELS] == KERNELS
    assert core.simd() in KERNELS


def test_auto_picks_the_best_supported_kernel() -> None:
    previous = core.simd()
    try:
        core.set_simd("scalar")
        core.set_simd("auto")
        assert core.simd() == KERNELS[0]
    finally:
        core.set_simd(previous)


@pytest.mark.parametrize("name", [n for n in ALL_KERNEL_NAMES if n not in KERNELS] + ["sse9", "", "AVX2 "])
def test_forcing_a_kernel_that_cannot_run_is_a_value_error(name: str) -> None:
    previous = core.simd()
    with pytest.raises(ValueError, match="base64 kernel"):
        core.set_simd(name)
    assert core.simd() == previous


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("FRAME64_")}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=False)


@pytest.mark.parametrize("name", KERNELS)
def test_frame64_simd_environment_variable_forces_a_kernel(name: str) -> None:
    result = run_python("import frame64; print(frame64.simd, frame64.b64encode(b'abcd'))", FRAME64_SIMD=name)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [name, "b'YWJjZA=='"]


@pytest.mark.parametrize("name", [n for n in ALL_KERNEL_NAMES if n not in KERNELS] + ["bogus"])
def test_frame64_simd_environment_variable_rejects_what_cannot_run(name: str) -> None:
    result = run_python("import frame64", FRAME64_SIMD=name)
    assert result.returncode == 1
    assert "ImportError: FRAME64_SIMD=" + name in result.stderr


def test_frame64_simd_environment_variable_with_the_python_backend() -> None:
    result = run_python("import frame64; print(frame64.simd)", FRAME64_SIMD="auto", FRAME64_BACKEND="python")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["python"]
    result = run_python("import frame64", FRAME64_SIMD="scalar", FRAME64_BACKEND="python")
    assert result.returncode == 1
    assert "needs the compiled backend" in result.stderr
