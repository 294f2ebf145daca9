"""b64decode under each of CPython's three '=' rule sets (tests/binascii_rules.py).

The running interpreter's binascii is the oracle for its own rules: the model
of those rules must equal it, and the compiled core must have picked them at
import. Each other rule set is then forced on the compiled core, with every
kernel, and compared with the model (CPython 3.11 runs the "stop" rules;
3.13.13 and later the "skip-inner" ones; the "stop+excess-check" rules of
3.12.4 to 3.13.12 have only the model as their oracle here).
"""

from __future__ import annotations

import base64
import binascii
import random
from typing import Any, Callable, Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .. import binascii_rules
from ..conftest import forced

core = pytest.importorskip("frame64._core")

KERNELS = core.supported_simd()
VALID = base64.b64encode(random.Random(20261203).randbytes(120))
# Short texts where the rules differ, each tried alone and after valid quads
# (so that a SIMD block meets the pads), and with valid text after it.
PAD_TEXTS = [
    b"YQ==YQ==", b"YQ==Bh==", b"YQ==BhA=", b"YWJjZGU=Zg==", b"YQ==a", b"YQ===", b"YWJj=", b"YWJj==YQ",
    b"=YWJj", b"YQ=x=", b"Y=", b"Y==", b"YQ==\n", b"YQ=\n=", b"ab=c=", b"ab=ab==", b"a=b==", b"abc=d",
    b"ab==:", b"abc==", b"====", b"YQ==YQ", b"YQ==Y", b"YWI=YQ==", b"YWI==", b"YW=I=", b"Y\n=Q==",
]


def outcome(function: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", function()
    except Exception as exc:  # noqa: BLE001  (the exception type and message are compared)
        return type(exc).__name__, str(exc)


def model(data: bytes, strict: bool, rules: str) -> tuple[str, Any]:
    return outcome(lambda: binascii_rules.a2b_base64(data, strict, rules))


def corpus() -> Iterator[bytes]:
    for text in PAD_TEXTS:
        for prefix in (0, 4, 32, 64, 96, 120):
            yield VALID[:prefix] + text
            yield VALID[:prefix] + text + VALID[:64]
    text = VALID[:120]
    for separator in (b"=", b"==", b"\n=\n", b"=\n"):
        for width in range(1, 40):
            yield separator.join(text[j : j + width] for j in range(0, len(text), width))


CORPUS = list(corpus())
MESSY = st.binary(max_size=90) | st.lists(st.sampled_from([b"=", b"==", b"\n", b"Y", b"WJj", b"QQ", b"x"]), max_size=40).map(b"".join)


def test_the_core_follows_this_interpreters_binascii() -> None:
    rules = core.binascii_rules()
    assert rules in binascii_rules.RULES
    for data in CORPUS:
        for strict in (False, True):
            expected = outcome(lambda: binascii.a2b_base64(data, strict_mode=strict))
            assert model(data, strict, rules) == expected, (data, strict)
            assert outcome(lambda: core.b64decode(data, strict)) == expected, (data, strict)


@settings(max_examples=400, deadline=None)
@given(data=MESSY, strict=st.booleans())
def test_the_model_of_this_interpreters_rules_is_its_binascii(data: bytes, strict: bool) -> None:
    expected = outcome(lambda: binascii.a2b_base64(data, strict_mode=strict))
    assert model(data, strict, core.binascii_rules()) == expected


def test_the_rule_sets_differ_where_cpython_changed() -> None:
    """The model's three sets are three (each change is visible), on the changes' own examples."""
    assert model(b"YQ==YQ==", False, "stop") == ("ok", b"a")
    assert model(b"YQ==YQ==", False, "skip-inner") == ("ok", b"a\x06\x10")
    assert model(b"YWJj=", True, "stop") == ("ok", b"abc")
    assert model(b"YWJj=", True, "stop+excess-check") == ("Error", "Excess padding not allowed")
    assert model(b"YQ==\n", True, "stop+excess-check") == ("Error", "Excess data after padding")
    assert model(b"YQ==\n", True, "skip-inner") == ("Error", "Only base64 data is allowed")


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("rules", binascii_rules.RULES)
def test_each_rule_set_forced_matches_the_model(rules: str, kernel: str) -> None:
    with forced(core.binascii_rules, core._set_binascii_rules, rules), forced(core.simd, core.set_simd, kernel):
        for data in CORPUS:
            for strict in (False, True):
                got = outcome(lambda: core.b64decode(data, strict))
                assert got == model(data, strict, rules), (data, strict)


@settings(max_examples=300, deadline=None)
@given(data=MESSY, strict=st.booleans(), rules=st.sampled_from(binascii_rules.RULES))
def test_each_rule_set_forced_matches_the_model_on_messy_text(data: bytes, strict: bool, rules: str) -> None:
    with forced(core.binascii_rules, core._set_binascii_rules, rules):
        assert outcome(lambda: core.b64decode(VALID[:64] + data, strict)) == model(VALID[:64] + data, strict, rules)


def test_an_unknown_rule_set_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="rules must be one of 'stop', 'stop\\+excess-check', 'skip-inner', not 'x'"):
        core._set_binascii_rules("x")
