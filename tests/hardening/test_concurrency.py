"""Eight Python threads hammer every entry point and get the single-thread answers.

Every task's expected result is computed first, on one thread. Then eight
threads run the tasks in different orders until the time is up and compare
every result with the reference: any mismatch, exception, crash or deadlock
fails. The run lasts FRAME64_STRESS_SECONDS (default 3; the hardening report
quotes a 30-second run). A watchdog join turns a deadlock into a failure
instead of a hung suite.
"""

from __future__ import annotations

import binascii
import os
import threading
import time
from typing import Any, Callable

import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

core = pytest.importorskip("frame64._core")

pytestmark = pytest.mark.stress

THREADS = 8
STRESS_SECONDS = float(os.environ.get("FRAME64_STRESS_SECONDS", "3"))
WATCHDOG_SECONDS = STRESS_SECONDS + 120  # generous: only a deadlock gets near it

FRAMES = {
    "vga": camera_frame(480, 640),
    "odd": camera_frame(37, 53),
    "gray": camera_frame(31, 45, 1),
    "bgra": camera_frame(24, 40, 4),
    "banded": camera_frame(720, 640),  # two PNG bands of ~1 MiB
}
BLOBS = {n: bytes((i * 7 + n) % 256 for i in range(n)) for n in (0, 1, 63, 1000, 40_000)}


def _tasks() -> dict[str, Callable[[], Any]]:
    tasks: dict[str, Callable[[], Any]] = {
        "encode-vga": lambda: frame64.encode(FRAMES["vga"]),
        "encode-vga-444-progressive": lambda: frame64.encode(FRAMES["vga"], subsampling="444", progressive=True),
        "encode-odd-crop": lambda: frame64.encode(FRAMES["odd"][3:30, 5:50], quality=50, data_uri=True),
        "encode-odd-flipped": lambda: frame64.encode(FRAMES["odd"][::-1], fast_dct=True),
        "encode-gray": lambda: frame64.encode(FRAMES["gray"], pixel_format="GRAY", quality=100),
        "encode-bgra": lambda: frame64.encode(FRAMES["bgra"], pixel_format="BGRA", subsampling="422"),
    }
    jpeg = frame64.encode(FRAMES["vga"], quality=80)
    progressive = frame64.encode(FRAMES["odd"], progressive=True, data_uri=True)
    png = frame64.encode(FRAMES["bgra"], format="png", pixel_format="BGRA")
    gray_png = frame64.encode(FRAMES["gray"], format="png", pixel_format="GRAY", compression=5)
    tasks.update({
        "encode-png": lambda: frame64.encode(FRAMES["odd"], format="png"),
        "encode-png-banded-threads": lambda: frame64.encode(FRAMES["banded"], format="png", threads=2),
        "encode-png-level-2-threads": lambda: frame64.encode(FRAMES["vga"], format="png", compression=2, threads=3),
        "encode-png-level-9": lambda: frame64.encode(FRAMES["bgra"], format="png", pixel_format="BGRA", compression=9),
        "decode-jpeg": lambda: frame64.decode(jpeg),
        "decode-jpeg-gray": lambda: frame64.decode(jpeg, pixel_format="GRAY"),
        "decode-progressive-uri": lambda: frame64.decode(progressive, pixel_format="RGBA"),
        "decode-png": lambda: frame64.decode(png, pixel_format="BGRA"),
        "decode-gray-png": lambda: frame64.decode(gray_png, pixel_format="GRAY"),
        "decode-truncated": lambda: _error(lambda: frame64.decode(jpeg[:300])),
        "decode-over-max-pixels": lambda: _error(lambda: frame64.decode(jpeg, max_pixels=1000)),
    })
    banded = frame64.encode(FRAMES["vga"], threads=3)  # three restart intervals: band decoding
    tasks.update({  # the band decoder's shared pool, grown (threads=4) while other calls use it
        "decode-bands-threads-2": lambda: frame64.decode(banded, threads=2),
        "decode-bands-threads-4-rgba": lambda: frame64.decode(banded, threads=4, pixel_format="RGBA"),
    })
    shared = frame64.Encoder(threads=2)  # one pool, shared by all eight threads
    batch = [FRAMES["odd"], FRAMES["vga"][::2, ::2], FRAMES["odd"][::-1]]
    tasks.update({
        "encoder-batch-shared": lambda: shared.encode_batch(batch),
        "encoder-imap-shared": lambda: list(shared.imap(iter(batch))),
        "encoder-split-frame": lambda: shared.encode(FRAMES["vga"]),
        "encoder-own-pool": lambda: frame64.Encoder(threads=2, quality=70).encode_batch(batch[:2]),
        "encoder-error-mid-batch": lambda: _error(lambda: shared.encode_batch([FRAMES["odd"], FRAMES["gray"]])),
        "encode-threads-3": lambda: frame64.encode(FRAMES["vga"], threads=3, subsampling="422"),
    })
    for n, blob in BLOBS.items():
        text = binascii.b2a_base64(blob, newline=False)
        tasks[f"b64encode-{n}"] = lambda blob=blob: core.b64encode(blob)
        tasks[f"b64encode-str-{n}"] = lambda blob=blob: core.b64encode_str(blob, "p,")
        tasks[f"b64decode-{n}"] = lambda text=text: core.b64decode(text)
        tasks[f"b64decode-strict-mime-{n}"] = lambda blob=blob: core.b64decode(binascii.b2a_base64(blob) * 2)
        tasks[f"drop-in-b64encode-urlsafe-{n}"] = lambda blob=blob: frame64.urlsafe_b64encode(blob)
        tasks[f"drop-in-b64decode-validate-{n}"] = lambda text=text: frame64.b64decode(text, validate=True)
        tasks[f"b64decode-error-{n}"] = lambda text=text: _error(lambda: core.b64decode(text + b"A", True))
    return tasks


def _error(call: Callable[[], Any]) -> str:
    """The exception a call raises, as a comparable value."""
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the type and message are the result
        return f"{type(exc).__name__}: {exc}"
    return "no error"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return bool(np.array_equal(a, b)) and getattr(a, "dtype", None) == getattr(b, "dtype", None)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return bool(a == b)


def test_eight_threads_match_the_single_thread_reference() -> None:
    tasks = _tasks()
    names = sorted(tasks)
    reference = {name: tasks[name]() for name in names}
    failures: list[str] = []
    counts = [0] * THREADS
    deadline = time.monotonic() + STRESS_SECONDS
    start = threading.Barrier(THREADS)

    def worker(index: int) -> None:
        order = names[index:] + names[:index]  # every thread in its own order
        start.wait()
        try:
            while time.monotonic() < deadline and not failures:
                for name in order:
                    result = tasks[name]()
                    counts[index] += 1
                    if not _same(result, reference[name]):
                        failures.append(f"thread {index}, {name}: result differs from the single-thread one")
                        return
        except Exception as exc:  # noqa: BLE001 - reported as a failure below
            failures.append(f"thread {index}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline + WATCHDOG_SECONDS - time.monotonic()))
    hung = [t.name for t in threads if t.is_alive()]
    assert not hung, f"threads still running after the watchdog: {hung} (deadlock?)"
    assert not failures, failures
    assert all(count > 0 for count in counts), counts


def _kernel_areas() -> dict[str, tuple[list[str], Callable[[str], None], Callable[[], bool]]]:
    """Per kernel family: the names to cycle through, the setter, and one check of a result."""
    blob = BLOBS[40_000]
    text = binascii.b2a_base64(blob, newline=False)
    image = FRAMES["vga"]
    png = frame64.encode(image, format="png", compression=2)
    return {
        "base64": (_supported_kernels(), core.set_simd, lambda: core.b64encode(blob) == text and core.b64decode(text) == blob),
        "png": (
            list(core.supported_png_simd()),
            core.set_png_simd,
            lambda: frame64.encode(image, format="png", compression=2) == png,
        ),
    }


@pytest.mark.parametrize("area", ["base64", "png"])
def test_switching_a_kernel_under_load_changes_no_result(area: str) -> None:
    """Kernels are stateless and the active one is an atomic pointer: switching
    it while seven threads encode and decode must not change any result."""
    kernels, set_kernel, result_is_right = _kernel_areas()[area]
    stop = threading.Event()
    failures: list[str] = []

    def worker() -> None:
        while not stop.is_set():
            if not result_is_right():
                failures.append(f"wrong {area} result while switching kernels")
                return

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(THREADS - 1)]
    for thread in threads:
        thread.start()
    try:
        deadline = time.monotonic() + min(STRESS_SECONDS, 5.0)
        while time.monotonic() < deadline and not failures:
            for name in kernels:
                set_kernel(name)
                time.sleep(0.001)
    finally:
        stop.set()
        set_kernel("auto")
    for thread in threads:
        thread.join(timeout=WATCHDOG_SECONDS)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert not failures, failures


def _supported_kernels() -> list[str]:
    try:
        return list(core.supported_simd())
    except TypeError:  # the skeleton's binding could not convert the list (no pybind11/stl.h)
        return [core.simd()]


INTERRUPTED_CHILD = """
import signal, sys, time
# A process started with SIGINT ignored (a background job of a
# non-interactive shell, as some CI runners start) passes that on to its
# children, and Python then never raises KeyboardInterrupt: restore Ctrl-C.
signal.signal(signal.SIGINT, signal.default_int_handler)
import frame64
from frame64._sample import camera_frame

frame = camera_frame(480, 640)
encoder = frame64.Encoder(threads=2)
mode = sys.argv[1]
print("started", flush=True)
try:
    if mode == "batch":
        encoder.encode_batch([frame] * 200_000)  # tens of minutes of work
    else:
        for _ in encoder.imap(iter([frame] * 200_000)):
            pass
except KeyboardInterrupt:
    print("interrupted", flush=True)
    # The pool still works after the interruption.
    assert encoder.encode_batch([frame]) == [frame64.encode(frame)]
    print("pool ok", flush=True)
    sys.exit(0)
print("finished without an interruption", flush=True)
sys.exit(3)
"""


@pytest.mark.parametrize("backend", ["cpp", "python"])
@pytest.mark.parametrize("mode", ["batch", "imap"])
def test_ctrl_c_during_a_long_batch_returns(backend: str, mode: str) -> None:
    """SIGINT (what Ctrl-C sends) during a batch of ~200,000 frames raises
    KeyboardInterrupt in the caller and leaves the pool usable. The batch
    would take tens of minutes, so finishing inside the watchdog's time is
    only possible if the interruption cut it short; a hang fails here
    instead of hanging the suite."""
    import signal
    import subprocess
    import sys

    env = dict(os.environ, FRAME64_BACKEND=backend)
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED_CHILD, mode], stdout=subprocess.PIPE, text=True,
                             env=env)
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "started"
        time.sleep(1.0)  # inside the batch by now
        child.send_signal(signal.SIGINT)
        output, _ = child.communicate(timeout=WATCHDOG_SECONDS)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert output.split() == ["interrupted", "pool", "ok"], output
    assert child.returncode == 0


def _asked_at_once(result: Callable[[], Any]) -> list[Any]:
    """``result()`` called by THREADS threads released together; what each got (or raised)."""
    barrier = threading.Barrier(THREADS)
    answers: list[Any] = [None] * THREADS

    def ask(i: int) -> None:
        barrier.wait()
        try:
            answers[i] = result()
        except Exception as exc:  # noqa: BLE001 - compared below
            answers[i] = f"{type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=ask, args=(i,), daemon=True) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WATCHDOG_SECONDS)
    assert not any(t.is_alive() for t in threads), "a result() call hung (deadlock?)"
    return answers


@pytest.mark.parametrize("backend", ["cpp", "python"])
def test_a_pending_result_asked_by_eight_threads_at_once(backend: str) -> None:
    """The handles behind Encoder.imap and Decoder.imap (BatchEncoder.submit,
    BatchDecoder.submit) give every thread that asks for their result at the
    same moment the one answer. Without the GIL nothing else serialises those
    calls: _core's PendingDecode once handed its pixels over to each caller
    in turn, the second array wrapping a null pointer."""
    from frame64 import _fallback, _options

    impl = core if backend == "cpp" else _fallback
    frame = FRAMES["vga"]
    args = _options.jpeg_options(quality=80, subsampling="420", pixel_format="BGR", fast_dct=False,
                                 progressive=False, data_uri=False).args
    text = frame64.encode(frame, quality=80)
    pixels = frame64.decode(text)
    decode_args = (_options.check_max_pixels(_options.MAX_PIXELS_DEFAULT), _options.strictness(False, False),
                   _options.check_orientation("exif"), *_options.decode_scaling(None, None))
    encoder, decoder = impl.BatchEncoder(2), impl.BatchDecoder(2)
    for _ in range(20):  # each round races a fresh handle, early (still working) or late (done)
        encoded = _asked_at_once(encoder.submit(frame, *args, 0).result)
        assert all(answer == text for answer in encoded), {str(a)[:80] for a in encoded}
        decoded = _asked_at_once(decoder.submit(text, 0, core.TJPF["BGR"], *decode_args).result)
        assert all(isinstance(a, np.ndarray) and np.array_equal(a, pixels) for a in decoded), \
            {str(a)[:80] for a in decoded if not isinstance(a, np.ndarray)}
