"""A deterministic, camera-like test frame: smooth light, edges and sensor noise.

Pure noise would make JPEG and PNG sizes and timings unrepresentative of real
video, and a flat colour would flatter them; this sits in between, like a
frame from a camera.
"""

from __future__ import annotations

import struct

import numpy as np


def camera_frame(height: int = 1080, width: int = 1920, channels: int = 3, *, seed: int = 0) -> np.ndarray:
    """A uint8 BGR(A) or gray frame of the given size, the same for the same arguments."""
    rng = np.random.default_rng(seed)
    y = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    # Smooth illumination with a few colour gradients.
    base = np.stack(
        [
            90 + 80 * x + 40 * np.sin(3.1 * y + 1.0),
            70 + 100 * y * (1 - x) + 30 * np.cos(5.0 * x),
            120 + 60 * np.sin(2.0 * (x + y)) + 20 * x * y,
        ],
        axis=-1,
    )
    # Hard-edged objects, as in a real scene.
    cy, cx = 0.55, 0.4
    disk = ((y - cy) ** 2 * (height / max(width, 1)) ** 2 + (x - cx) ** 2) < 0.03
    base = np.where(disk[..., None], base * 0.45 + np.float32(40), base)
    bar = (np.abs(x - 0.75) < 0.06) & (y > 0.2) & (y < 0.8)
    base = np.where(bar[..., None], np.array([30, 180, 220], np.float32), base)
    # Sensor noise (sigma ~ 3 levels).
    base = base + rng.normal(0.0, 3.0, size=base.shape).astype(np.float32)
    frame: np.ndarray = np.clip(base, 0, 255).astype(np.uint8)
    if channels == 1:
        return np.ascontiguousarray((frame @ np.array([0.114, 0.587, 0.299])).astype(np.uint8))
    if channels == 4:
        alpha = np.full((height, width, 1), 255, np.uint8)
        alpha[: height // 2] = 200
        return np.concatenate([frame, alpha], axis=-1)
    return frame


# --- JPEG files with EXIF, for tests and the fuzz seeds -------------------------


def exif_segment(orientation: int, *, little_endian: bool = True, ifd_offset: int = 8, count: int | None = None,
                 value_type: int = 3, extra: bytes = b"") -> bytes:
    """An APP1 "Exif" segment (marker included) whose IFD0 holds one Orientation entry.

    The TIFF structure is CIPA DC-008's: byte order, 42, the IFD0 offset, the
    entry count, entry (0x0112, type, 1, value), the next-IFD link (0). The
    keyword arguments make hostile segments: an IFD0 offset past the end, a
    count larger than the segment holds, a wrong type, or ``extra`` bytes.
    """
    order = "<" if little_endian else ">"
    entries = 1 if count is None else count
    tiff = (b"II" if little_endian else b"MM") + struct.pack(order + "HI", 42, ifd_offset)
    tiff += b"\0" * (ifd_offset - 8 if 8 <= ifd_offset <= 1024 else 0)  # a far offset points past the end
    tiff += struct.pack(order + "H", entries)
    tiff += struct.pack(order + "HHIH2x", 0x0112, value_type, 1, orientation)
    tiff += struct.pack(order + "I", 0) + extra
    payload = b"Exif\0\0" + tiff
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def with_segment(jpeg: bytes, segment: bytes) -> bytes:
    """The JPEG with ``segment`` inserted right after SOI."""
    return jpeg[:2] + segment + jpeg[2:]
