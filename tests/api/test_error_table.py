"""The README's table of what frame64.decode raises: every row's example raises
exactly that class, with the same message on both backends."""

from __future__ import annotations

import base64
import builtins
import re
from pathlib import Path
from typing import Any

import pytest

import frame64
from frame64 import _backend, _fallback
from frame64._sample import camera_frame

README = Path(__file__).resolve().parents[2] / "README.md"
ROW = re.compile(r"^\| `([\w.]+)`[^|]* \| [^|]+ \| `(frame64\.decode\(.*\))`[^|]* \|$")


def rows() -> list[tuple[str, str]]:
    table = README.read_text().split("What `frame64.decode` raises", 1)[1]
    found = [(m.group(1), m.group(2)) for line in table.splitlines() if (m := ROW.match(line))]
    assert len(found) >= 5, "the README's exception table is missing or changed shape"
    return found


def namespace() -> dict[str, Any]:
    jpeg = base64.b64decode(frame64.encode(camera_frame(32, 48)))
    png = base64.b64decode(frame64.encode(camera_frame(8, 8), format="png"))
    return {
        "frame64": frame64,
        "JPEG": _Text(jpeg),
        "PNG": _Text(png),
    }


class _Text(bytes):
    """Raw image bytes whose slices and self are passed to decode as base64."""

    def __getitem__(self, key: Any) -> Any:
        return base64.b64encode(bytes.__getitem__(self, key)).decode()


EXCEPTIONS = {"ValueError": ValueError, "TypeError": TypeError}


def _resolve(name: str) -> type[BaseException]:
    if name.startswith("frame64."):
        return getattr(frame64, name.split(".", 1)[1])  # type: ignore[no-any-return]
    return EXCEPTIONS[name]


def _eval(call: str) -> Any:
    space = namespace()
    call = call.replace("frame64.decode(JPEG,", "frame64.decode(JPEG[:],")
    return builtins.eval(call, space)  # noqa: S307 - the README's own examples


@pytest.mark.parametrize(("name", "call"), rows())
def test_each_row_raises_its_class_on_both_backends(name: str, call: str) -> None:
    expected = _resolve(name)
    messages = []
    for module in ([_backend.module("cpp")] if frame64.backend == "cpp" else []) + [_fallback]:
        with _backend.use(module):
            with pytest.raises(expected) as raised:
                _eval(call)
            assert type(raised.value) is expected, (module.__name__, type(raised.value))
            messages.append(str(raised.value))
    assert len(set(messages)) == 1, messages


def test_png_messages_agree_across_backends() -> None:
    call = next(call for name, call in rows() if name == "frame64.PngDecodeError")
    messages = set()
    for module in (_backend.module("cpp"), _fallback):
        with _backend.use(module):
            with pytest.raises(frame64.PngDecodeError) as raised:
                _eval(call)
            messages.add(str(raised.value))
    assert len(messages) == 1, messages


def test_the_hierarchy() -> None:
    assert issubclass(frame64.DecodeError, ValueError)
    assert issubclass(frame64.JpegDecodeError, frame64.DecodeError) and not issubclass(
        frame64.JpegDecodeError, frame64.PngDecodeError
    )
    assert issubclass(frame64.PngDecodeError, frame64.DecodeError)
