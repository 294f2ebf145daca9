"""binascii.a2b_base64 under each of the three '=' rule sets CPython has shipped.

CPython changed what its base64 decoder does with '=' twice in maintenance
releases: gh-118314 (3.12.4, 3.13.0: strict mode rejects a pad where no quad is
open) and gh-145264 (3.13.13 and 3.14.4 on: non-strict mode skips a pad that
does not fit the open quad and decodes what follows, as RFC 4648 section 3.3
allows; strict mode names each misplaced pad). frame64's compiled b64decode
follows whichever rules the running interpreter's binascii has
(``_core.binascii_rules()``), and tests force each set
(``_core._set_binascii_rules``) against this model of it.

The model is written from the documented behaviour and the CPython test cases
of each change, one function per rule set, and checked against the real
binascii for the rules of the interpreter running the tests
(tests/parity/test_binascii_rules.py).
"""

from __future__ import annotations

import binascii

ALPHABET = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
VALUE = {c: i for i, c in enumerate(ALPHABET)}
RULES = ("stop", "stop+excess-check", "skip-inner")
PAD = ord("=")


class _Quads:
    """Output of the 6-bit values taken so far: whole bytes as they complete."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.bits = 0  # value bits not yet written
        self.count = 0  # chars in the open quad (0..3)

    def take(self, value: int) -> None:
        self.bits = (self.bits << 6) | value
        if self.count:  # the 2nd, 3rd and 4th chars of a quad each complete a byte
            shift = 2 * (3 - self.count)
            self.out.append((self.bits >> shift) & 0xFF)
            self.bits &= (1 << shift) - 1
        self.count = (self.count + 1) % 4

    def end(self, closed: bool) -> bytes:
        """The result at the end of the data; closed: the open quad had its pads."""
        if self.count == 1:
            chars = len(self.out) // 3 * 4 + 1
            raise binascii.Error(
                f"Invalid base64-encoded string: number of data characters ({chars}) cannot be 1 more than a multiple of 4"
            )
        if self.count and not closed:
            raise binascii.Error("Incorrect padding")
        return bytes(self.out)


def _stopping(data: bytes, strict: bool, excess_check: bool) -> bytes:
    """3.9 to 3.12.3 (excess_check False) and 3.12.4 to 3.13.12 (True): the pad that closes a quad ends the data."""
    quads = _Quads()
    pads = 0
    seen_pad = False
    for i, c in enumerate(data):
        if c == PAD:
            if strict and i == 0:
                raise binascii.Error("Leading padding not allowed")
            if strict and excess_check and quads.count == 0:
                raise binascii.Error("Excess padding not allowed")
            seen_pad = True
            if quads.count >= 2:
                pads += 1
                if quads.count + pads >= 4:
                    if strict and i + 1 < len(data):
                        raise binascii.Error("Excess data after padding")
                    return bytes(quads.out)
            continue
        if c not in VALUE:
            if strict:
                raise binascii.Error("Only base64 data is allowed")
            continue
        if strict and seen_pad:
            raise binascii.Error("Discontinuous padding not allowed")
        pads = 0
        quads.take(VALUE[c])
    return quads.end(closed=False)


def _skipping(data: bytes, strict: bool) -> bytes:
    """3.13.13+ and 3.14.4+: a pad that does not fit the open quad is skipped (named in strict mode)."""
    quads = _Quads()
    pads = 0
    for i, c in enumerate(data):
        if c == PAD:
            fits = quads.count >= 2 and quads.count + pads + 1 <= 4
            if quads.count >= 2:
                pads += 1
            if fits or not strict:
                continue
            if i == 0:
                raise binascii.Error("Leading padding not allowed")
            if quads.count == 1:
                return quads.end(closed=False)  # strict: 1 more than a multiple of 4
            raise binascii.Error("Excess padding not allowed")
        if c not in VALUE:
            if strict:
                raise binascii.Error("Only base64 data is allowed")
            continue
        if strict and pads:
            closed = quads.count + pads == 4
            raise binascii.Error("Excess data after padding" if closed else "Discontinuous padding not allowed")
        pads = 0
        quads.take(VALUE[c])
    return quads.end(closed=quads.count + pads >= 4)


def a2b_base64(data: bytes, strict: bool, rules: str) -> bytes:
    """binascii.a2b_base64(data, strict_mode=strict) as it is under ``rules`` (one of RULES)."""
    if rules == "skip-inner":
        return _skipping(data, strict)
    if rules in ("stop", "stop+excess-check"):
        return _stopping(data, strict, excess_check=rules == "stop+excess-check")
    raise ValueError(f"rules must be one of {RULES}, not {rules!r}")
