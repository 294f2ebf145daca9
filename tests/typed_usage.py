"""A typed use of frame64's public API: ``mypy --strict`` must accept it.

tests/api/test_typing.py type-checks this file and also runs it, so the types
it states are the ones the library really returns.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from PIL import Image

import frame64
from frame64._sample import camera_frame


def jpeg_data_uri(frame: npt.NDArray[np.uint8], quality: int = 80) -> str:
    uri: str = frame64.encode(frame, quality=quality, subsampling="444", data_uri=True)
    return uri


def from_pil(image: Image.Image) -> str:
    return frame64.encode(image, quality=75)


def describe() -> dict[str, str]:
    version: str = frame64.__version__
    backend: str = frame64.backend
    return {"version": version, "backend": backend, "simd": str(frame64.simd)}


def main() -> list[str]:
    frame = camera_frame(48, 64)
    rgb = Image.fromarray(np.ascontiguousarray(frame[:, :, ::-1]))
    return [jpeg_data_uri(frame), from_pil(rgb), describe()["backend"]]
