"""Differential fuzzing of base64 decode (both modes) against the standard library.

For any input, frame64's decoder must return exactly what binascii returns,
or raise the same exception type with the same message. Every supported
SIMD kernel is exercised (the first input byte picks one). Encoding is
checked along the way: b64encode(decoded) round-trips through binascii.
"""

from __future__ import annotations

import base64
import binascii

import atheris
from _common import core, frame64, main, pick_kernel

HAS_DROP_INS = hasattr(frame64, "b64decode")


@atheris.instrument_func
def outcome(function, *args, **kwargs):  # type: ignore[no-untyped-def]
    try:
        return ("ok", function(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - the type and message are compared
        return ("error", type(exc), str(exc))


@atheris.instrument_func
def TestOneInput(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    pick_kernel(fdp)
    strict = fdp.ConsumeBool()
    as_str = fdp.ConsumeBool()
    payload = fdp.ConsumeBytes(fdp.remaining_bytes())
    arg: bytes | str = payload
    if as_str:
        arg = payload.decode("latin-1")  # non-ASCII str: both must raise ValueError

    expected = outcome(binascii.a2b_base64, arg, strict_mode=strict)
    got = outcome(core.b64decode, arg, strict)
    if expected != got:
        raise AssertionError(f"core.b64decode({arg!r}, strict={strict}): {got!r} != binascii {expected!r}")

    if HAS_DROP_INS:
        for kwargs in ({"validate": strict}, {"altchars": b"-_", "validate": strict}):
            expected = outcome(base64.b64decode, arg, **kwargs)
            got = outcome(frame64.b64decode, arg, **kwargs)
            if expected != got:
                raise AssertionError(f"frame64.b64decode({arg!r}, {kwargs}): {got!r} != base64 {expected!r}")

    encoded = core.b64encode(payload)
    if encoded != base64.b64encode(payload):
        raise AssertionError(f"core.b64encode({payload!r}) = {encoded!r}")
    if core.b64encode_str(payload, "p:") != "p:" + encoded.decode():
        raise AssertionError(f"core.b64encode_str({payload!r}) differs from b64encode")


if __name__ == "__main__":
    main(TestOneInput)
