"""Drop-in replacements for the standard library's ``base64`` functions.

Each function returns exactly what the running CPython's ``base64`` module
returns, and raises the same exception types with the same messages:
``binascii.Error`` for bad base64 data, TypeError for an argument of the
wrong type (a ``str`` passed to an encoder, for one), ValueError for a
non-ASCII ``str`` passed to a decoder and AssertionError for ``altchars``
that are not two characters long. The work is done by the SIMD kernels of
``frame64._core`` (or the standard library in the pure-Python backend).

Argument errors are rare, so they are not re-implemented: when the backend
rejects an argument, the call is repeated by the standard library, which
then raises its own exception (or, for an exotic buffer the backend does not
take, returns its own, identical, result).

The standard library's functions are bound here at import, so assigning
these drop-ins into ``base64`` (``base64.b64encode = frame64.b64encode``, a
common way to adopt a faster codec) changes nothing in their results or
exceptions: they never call back into themselves.
"""

from __future__ import annotations

import binascii
from base64 import b64decode as _stdlib_b64decode
from base64 import b64encode as _stdlib_b64encode
from typing import Any, Optional

from . import _backend

_ArgumentErrors = (TypeError, ValueError, BufferError)
_URLSAFE_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def _as_bytes(s: Any) -> bytes:
    """``s`` as bytes, the way ``base64.b64decode`` reads its arguments.

    Raises:
        ValueError: ``s`` is a str with non-ASCII characters.
        TypeError: ``s`` is neither a str nor a bytes-like object.
    """
    if isinstance(s, (bytes, bytearray)):
        return s  # type: ignore[return-value]
    if isinstance(s, str):
        if not s.isascii():
            raise ValueError("string argument should contain only ASCII characters")
        return s.encode("ascii")
    try:
        view = memoryview(s)
    except TypeError:
        raise TypeError(
            f"argument should be a bytes-like object or ASCII string, not {type(s).__name__!r}"
        ) from None
    return view.tobytes()


def b64encode(s: Any, altchars: Optional[Any] = None) -> bytes:
    """Encode the bytes-like object ``s`` with base64 (RFC 4648, padded).

    Same as :func:`base64.b64encode`.

    Args:
        s: a C-contiguous bytes-like object (bytes, bytearray, memoryview,
            numpy array, ...).
        altchars: None (default) for the standard alphabet, or two bytes
            that replace ``+`` and ``/`` (``b"-_"`` is the URL-safe alphabet).

    Returns:
        The base64 text as bytes.

    Raises:
        TypeError: ``s`` is not a bytes-like object (a str, for one), or
            ``altchars`` is not bytes-like.
        AssertionError: ``altchars`` is not two bytes long.
    """
    if altchars is None:
        try:
            return _backend.current().b64encode(s)  # type: ignore[no-any-return]
        except _ArgumentErrors:
            return _stdlib_b64encode(s)
    if type(altchars) is bytes and len(altchars) == 2:
        try:
            return _backend.current().b64encode(s, altchars[0], altchars[1])  # type: ignore[no-any-return]
        except _ArgumentErrors:
            return _stdlib_b64encode(s, altchars)
    # Any other altchars: CPython's own steps, in its order (encode, check, translate).
    encoded = b64encode(s)
    assert len(altchars) == 2, repr(altchars)
    return encoded.translate(bytes.maketrans(b"+/", altchars))


def b64encode_str(s: Any) -> str:
    """Encode ``s`` with base64 and return a ``str``.

    Equal to ``base64.b64encode(s).decode("ascii")``, but the text is written
    straight into the new str (no bytes object, no copy).

    Args:
        s: a C-contiguous bytes-like object.

    Returns:
        The base64 text (standard alphabet, padded) as a str.

    Raises:
        TypeError: ``s`` is not a bytes-like object (a str, for one).
    """
    try:
        return _backend.current().b64encode_str(s)  # type: ignore[no-any-return]
    except _ArgumentErrors:
        return _stdlib_b64encode(s).decode("ascii")


def b64decode(s: Any, altchars: Optional[Any] = None, validate: bool = False) -> bytes:
    """Decode base64 ``s`` (bytes-like or ASCII str); same as :func:`base64.b64decode`.

    Args:
        s: the base64 text, as a bytes-like object or an ASCII str.
        altchars: None (default), or two bytes (or ASCII chars) used instead
            of ``+`` and ``/``. As in CPython they are translated to ``+/``
            before decoding, so ``+`` and ``/`` stay valid too.
        validate: False (default): characters outside the alphabet are
            discarded before the padding check. True: they are an error, and
            so are leading, discontinuous or excess padding (CPython's
            ``binascii.a2b_base64(strict_mode=True)``).

    Returns:
        The decoded bytes.

    Raises:
        binascii.Error: ``s`` is not valid base64 (incorrect padding, a
            length of 1 more than a multiple of 4, or, with
            ``validate=True``, non-alphabet characters or bad padding).
        ValueError: ``s`` or ``altchars`` is a str with non-ASCII characters
            (binascii.Error is a ValueError subclass too).
        TypeError: ``s`` or ``altchars`` is neither a str nor bytes-like.
        AssertionError: ``altchars`` is not two characters long.
    """
    if altchars is None and (validate is False or validate is True):
        try:
            return _backend.current().b64decode(s, validate)  # type: ignore[no-any-return]
        except binascii.Error:
            raise
        except _ArgumentErrors:
            return _stdlib_b64decode(s, validate=validate)
    if altchars is None:  # a validate that is not a bool: the stdlib decides what it means
        return _stdlib_b64decode(s, validate=validate)
    data = _as_bytes(s)
    altchars = _as_bytes(altchars)
    assert len(altchars) == 2, repr(altchars)
    return b64decode(data.translate(bytes.maketrans(altchars, b"+/")), None, validate)


def standard_b64encode(s: Any) -> bytes:
    """:func:`b64encode` with the standard alphabet; same as :func:`base64.standard_b64encode`.

    Raises:
        TypeError: ``s`` is not a bytes-like object.
    """
    return b64encode(s)


def standard_b64decode(s: Any) -> bytes:
    """:func:`b64decode` without validation; same as :func:`base64.standard_b64decode`.

    Raises:
        binascii.Error: incorrect padding, or a length of 1 more than a multiple of 4.
        ValueError: ``s`` is a str with non-ASCII characters.
        TypeError: ``s`` is neither a str nor bytes-like.
    """
    return b64decode(s)


def urlsafe_b64encode(s: Any) -> bytes:
    """Encode with the URL-safe alphabet (``-`` and ``_``); same as :func:`base64.urlsafe_b64encode`.

    Raises:
        TypeError: ``s`` is not a bytes-like object.
    """
    return b64encode(s, b"-_")


def urlsafe_b64decode(s: Any) -> bytes:
    """Decode URL-safe base64; same as :func:`base64.urlsafe_b64decode`.

    ``-`` and ``_`` are translated to ``+`` and ``/`` first (so those stay
    valid), then the text is decoded without validation.

    Raises:
        binascii.Error: incorrect padding, or a length of 1 more than a multiple of 4.
        ValueError: ``s`` is a str with non-ASCII characters.
        TypeError: ``s`` is neither a str nor bytes-like.
    """
    return b64decode(_as_bytes(s).translate(_URLSAFE_TO_STANDARD))


__all__ = [
    "b64decode",
    "b64encode",
    "b64encode_str",
    "standard_b64decode",
    "standard_b64encode",
    "urlsafe_b64decode",
    "urlsafe_b64encode",
]
