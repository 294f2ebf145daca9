"""The environment variables libjpeg-turbo reads change nothing frame64 writes (issue 16).

libjpeg-turbo's TurboJPEG reads TJ_OPTIMIZE, TJ_ARITHMETIC, TJ_RESTART and
TJ_PROGRESSIVE on every compression, and its memory manager reads JPEGMEM
(a small limit makes progressive compression fail). frame64._core drives
libjpeg directly (cpp/jpeg/jpeg_encoder.cpp; YUV input through its
raw-data API) and reads none of them; the fallback, which can only call
TurboJPEG, compresses (pixels and YUV planes alike) in a child process
without them while one is set (frame64/_fallback/_turbo.py). Each variable
is set the way a user's shell sets it: in the environment a fresh
interpreter starts with. The bare PyTurboJPEG call in the same process
shows that the variable is in effect there (libjpeg-turbo 2.x; 3.x's
TurboJPEG reads none of them, and resets the JPEGMEM limit on each call).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

import frame64
from frame64 import _backend, _fallback
from frame64._fallback import _turbo
from frame64._sample import camera_frame

CHILD = r"""
import ctypes, ctypes.util, hashlib, json, os, sys
import numpy as np
import turbojpeg
import frame64
from frame64 import _backend, _fallback, _core
from frame64._sample import camera_frame

def digest(text):
    return hashlib.sha256(text.encode()).hexdigest()[:16]

frame = camera_frame(67, 93)
rgba = camera_frame(33, 17, 4)
gray = camera_frame(31, 45, 1)
cases = [
    (frame, {}),
    (frame, {"progressive": True, "subsampling": "444", "quality": 75}),
    (frame, {"fast_dct": True, "subsampling": "422", "quality": 50}),
    (frame, {"subsampling": "gray", "quality": 95}),
    (rgba, {"pixel_format": "RGBA", "subsampling": "411", "quality": 100}),
    (gray, {"pixel_format": "GRAY", "progressive": True}),
]
strip_frame = camera_frame(240, 320)
TJPF, TJSAMP = _core.TJPF, _core.TJSAMP
results = {}
# The fallback starts a child process per compression while a variable is
# set (~0.2 s each), so it gets the first three cases and two strips.
for name, module, count in (("cpp", _core, len(cases)), ("python", _fallback, 3)):
    with _backend.use(module):
        got = [digest(frame64.encode(image, **options)) for image, options in cases[:count]]
    # Strips: 8 MCU rows (128 lines) each, compressed apart and stitched.
    pool = module.BatchEncoder(2)
    got.append(digest(pool.encode(strip_frame, TJPF["BGR"], 90, TJSAMP["420"], False, False, False, 8)))
    results[name] = got
# YUV input (issue 15): I420 planes of an odd size, limited range (converted);
# NV12 progressive; YUYV with the fast DCT. The fallback gets the first two.
i420 = (gray, gray[:16, :23], gray[8:24, 10:33])
nv12 = (frame[:64, :92, 0], frame[:32, :92, 1])
yuyv = frame[:40, :92, :2]
yuv_cases = [
    (i420, {"pixel_format": "I420", "quality": 80}),
    (nv12, {"pixel_format": "NV12", "progressive": True, "yuv_range": "full"}),
    (yuyv, {"pixel_format": "YUYV", "fast_dct": True, "quality": 60, "yuv_matrix": "bt709"}),
]
for name, module, count in (("cpp", _core, len(yuv_cases)), ("python", _fallback, 2)):
    with _backend.use(module):
        results[name + "_yuv"] = [digest(frame64.encode(image, **options)) for image, options in yuv_cases[:count]]
bare = []
oracle = turbojpeg.TurboJPEG()
for flags in (turbojpeg.TJFLAG_ACCURATEDCT, turbojpeg.TJFLAG_ACCURATEDCT | turbojpeg.TJFLAG_PROGRESSIVE):
    try:
        bare.append(hashlib.sha256(oracle.encode(frame, quality=90, jpeg_subsample=turbojpeg.TJSAMP_420,
                                                 flags=flags)).hexdigest()[:16])
    except OSError as exc:
        bare.append("error: " + str(exc))
results["bare"] = bare
# The same variables in effect for TurboJPEG's YUV compression (tjCompressFromYUVPlanes).
planes = np.zeros(32 * 32 * 3 // 2, np.uint8)
planes[:1024] = np.arange(1024) % 251
try:
    results["bare_yuv"] = hashlib.sha256(oracle.encode_from_yuv(planes, 32, 32, quality=90,
                                                                 jpeg_subsample=turbojpeg.TJSAMP_420,
                                                                 flags=turbojpeg.TJFLAG_ACCURATEDCT)).hexdigest()[:16]
except OSError as exc:
    results["bare_yuv"] = "error: " + str(exc)
# libjpeg-turbo 3.x's TurboJPEG reads no TJ_* variable any more (JPEGMEM still counts).
library = ctypes.util.find_library("turbojpeg") or "libturbojpeg.so.0"
results["turbojpeg3"] = hasattr(ctypes.CDLL(library), "tj3Init")
# The environment is as it was: in Python's mirror and in the C library's.
getenv = ctypes.CDLL(None).getenv
getenv.restype = ctypes.c_char_p
results["environment"] = {name: [os.environ.get(name), (getenv(name.encode()) or b"").decode() or None]
                          for name in sys.argv[1:]}
print(json.dumps(results))
"""

# (variable, value): each changes the bare TurboJPEG output (or, JPEGMEM,
# makes its progressive compression fail) on libjpeg-turbo 2.1 and 3.x.
IN_EFFECT = [
    ("TJ_OPTIMIZE", "1"),
    ("TJ_ARITHMETIC", "1"),
    ("TJ_RESTART", "1"),
    ("TJ_RESTART", "3B"),
    ("TJ_PROGRESSIVE", "1"),
    ("JPEGMEM", "1"),
]
# These only choose libjpeg-turbo's SIMD code, which writes the same bytes.
SPEED_ONLY = [("JSIMD_FORCENONE", "1"), ("JSIMD_NOHUFFENC", "1")]
ALL_NAMES = sorted({name for name, _ in IN_EFFECT + SPEED_ONLY})


def run_child(extra: dict[str, str]) -> dict[str, Any]:
    env = {name: value for name, value in os.environ.items() if name not in ALL_NAMES}
    env.update(extra)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *extra], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def clean() -> dict[str, Any]:
    pytest.importorskip("frame64._core")
    results = run_child({})
    assert results["python"] == results["cpp"][:3] + results["cpp"][-1:]
    assert results["python_yuv"] == results["cpp_yuv"][:2]
    return results


@pytest.mark.parametrize("variable, value", IN_EFFECT + SPEED_ONLY, ids=lambda v: str(v))
def test_libjpeg_turbo_variables_change_no_byte(clean: dict[str, Any], variable: str, value: str) -> None:
    results = run_child({variable: value})
    for key in ("cpp", "python", "cpp_yuv", "python_yuv"):
        assert results[key] == clean[key], key
    assert results["environment"] == {variable: [value, value]}
    if (variable, value) in SPEED_ONLY or results["turbojpeg3"]:  # 3.x: TurboJPEG reads none of them
        assert results["bare"] == clean["bare"]
        assert results["bare_yuv"] == clean["bare_yuv"]
    elif variable == "JPEGMEM":
        assert results["bare"][0] == clean["bare"][0]
        assert results["bare"][1].startswith("error: "), results["bare"]
        assert results["bare_yuv"] == clean["bare_yuv"]  # baseline: within any memory limit
    elif variable == "TJ_PROGRESSIVE":  # makes baseline progressive: the progressive call is unchanged
        assert results["bare"] == [clean["bare"][1], clean["bare"][1]]
        assert results["bare_yuv"] != clean["bare_yuv"]
    else:
        assert results["bare"][0] != clean["bare"][0]
        assert results["bare_yuv"] != clean["bare_yuv"]  # YUV input was changed by it before issue 16


def test_every_variable_at_once(clean: dict[str, Any]) -> None:
    settings = dict(IN_EFFECT + SPEED_ONLY)  # one value per name
    results = run_child(settings)
    for key in ("cpp", "python", "cpp_yuv", "python_yuv"):
        assert results[key] == clean[key], key
    assert (results["bare"] == clean["bare"]) == results["turbojpeg3"]
    assert (results["bare_yuv"] == clean["bare_yuv"]) == results["turbojpeg3"]


def test_empty_values_are_ignored_like_turbojpeg_ignores_them(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ALL_NAMES:
        monkeypatch.setenv(name, "")
    assert _turbo.compress_environment() == []
    monkeypatch.setenv("TJ_RESTART", "2")
    assert _turbo.compress_environment() == ["TJ_RESTART"]


@pytest.mark.parametrize(
    "executable, match",
    [("/nonexistent/python3", r"cannot compress without TJ_OPTIMIZE .*/nonexistent/python3"),
     ("/bin/false", r"compression in a child process failed \(1\)")],
)  # fmt: skip
def test_fallback_reports_a_child_that_cannot_compress(
    monkeypatch: pytest.MonkeyPatch, executable: str, match: str
) -> None:
    monkeypatch.setenv("TJ_OPTIMIZE", "1")
    monkeypatch.setattr(_turbo, "_reads_environment", lambda: True)  # as with PyTurboJPEG 1.8, whatever is installed
    monkeypatch.setattr(sys, "executable", executable)
    with _backend.use(_fallback), pytest.raises(frame64.JpegError, match=match):
        frame64.encode(camera_frame(8, 8))
