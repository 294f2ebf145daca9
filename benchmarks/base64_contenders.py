"""The base64 contenders shared by bench_base64.py and base64_table.py.

Each operation maps contender names to one-argument callables; the data for
a size comes from ``make_inputs``. All of them produce checkable output.
"""

from __future__ import annotations

import base64
import random
from typing import Any, Callable, Dict

import pybase64

import frame64

SIZES = {"64B": 64, "1KiB": 1024, "64KiB": 64 * 1024, "1MiB": 1024 * 1024, "16MiB": 16 * 1024 * 1024}


def make_inputs(size: int) -> Dict[str, Any]:
    """Random bytes of ``size``, their base64, a MIME-wrapped copy, and a bytearray for memcpy."""
    data = random.Random(size).randbytes(size)
    text = base64.b64encode(data)
    return {
        "data": data,
        "text": text,
        "text_str": text.decode("ascii"),
        "mime": base64.encodebytes(data),
        "buffer": bytearray(data),
    }


def memcpy(buffer: bytearray) -> bytes:
    """A memcpy of the same size (plus the allocation of its bytes object)."""
    return bytes(buffer)


# operation -> contender -> (input key, function)
OPERATIONS: Dict[str, Dict[str, tuple[str, Callable[[Any], Any]]]] = {
    "encode": {
        "frame64": ("data", frame64.b64encode_str),
        "stdlib": ("data", lambda data: base64.b64encode(data).decode("ascii")),
        "pybase64": ("data", pybase64.b64encode_as_string),
        "memcpy": ("buffer", memcpy),
    },
    "decode-validate": {
        "frame64": ("text", lambda text: frame64.b64decode(text, validate=True)),
        "stdlib": ("text", lambda text: base64.b64decode(text, validate=True)),
        "pybase64": ("text", lambda text: pybase64.b64decode(text, validate=True)),
        "memcpy": ("buffer", memcpy),
    },
    "decode-lenient": {
        "frame64": ("text", frame64.b64decode),
        "stdlib": ("text", base64.b64decode),
        "pybase64": ("text", pybase64.b64decode),
        "memcpy": ("buffer", memcpy),
    },
    "decode-lenient-mime": {
        "frame64": ("mime", frame64.b64decode),
        "stdlib": ("mime", base64.b64decode),
        "pybase64": ("mime", pybase64.b64decode),
    },
}


def expected_output(operation: str, contender: str, inputs: Dict[str, Any]) -> Any:
    """What a contender must return."""
    if contender == "memcpy":
        return inputs["data"]
    if operation == "encode":
        return inputs["text_str"]
    return inputs["data"]
