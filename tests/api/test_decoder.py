"""frame64.Decoder: decode, decode_batch and imap on a thread pool, equal to frame64.decode."""

from __future__ import annotations

import base64
import os
import pickle
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

import frame64
from frame64._formats import TJPF
from frame64._sample import camera_frame
from tests.conftest import UseBackend, passes_in_a_fork_child
from tests.photo_corpus import pillow_jpeg

BACKENDS = ["python"] + (["cpp"] if frame64.backend == "cpp" else [])


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, use_backend: UseBackend) -> str:
    """Runs the test on one backend; a Decoder keeps the backend it was made on."""
    use_backend(request.param)
    return str(request.param)


def mixed_items() -> list[Any]:
    """JPEG, PNG, data URIs, bytes and bytearray, of several sizes and subsamplings, an EXIF-rotated photo."""
    return [
        frame64.encode(camera_frame(48, 64, seed=1)),
        frame64.encode(camera_frame(17, 33, seed=2), format="png", data_uri=True),
        frame64.encode(camera_frame(1, 1, seed=3), subsampling="444").encode(),
        bytearray(frame64.encode(camera_frame(120, 90, seed=4), subsampling="422", data_uri=True), "ascii"),
        base64.b64encode(pillow_jpeg(camera_frame(80, 120, seed=5), 6, quality=85, progressive=True)).decode(),
        frame64.encode(camera_frame(33, 17, 1, seed=6), pixel_format="GRAY"),
        frame64.encode(camera_frame(720, 1280, seed=7), threads=2),  # restart markers
    ]


OPTION_SETS = [
    {},
    {"pixel_format": "RGB"},
    {"pixel_format": "GRAY"},
    {"pixel_format": "BGRA", "orientation": "ignore"},
    {"max_side": 40},
    {"best_effort": True},
    {"strict": True},
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()) or "defaults")
@pytest.mark.parametrize("threads", [1, 2, 3])
def test_every_method_equals_frame64_decode(backend: str, threads: int, options: dict[str, Any]) -> None:
    items = mixed_items()
    expected = [frame64.decode(item, **options) for item in items]
    decoder = frame64.Decoder(threads=threads, **options)
    for got, want in zip(decoder.decode_batch(items), expected, strict=True):
        assert got.dtype == np.uint8 and got.flags.c_contiguous and got.flags.writeable
        assert np.array_equal(got, want) and got.shape == want.shape
    for got, want in zip(decoder.imap(items), expected, strict=True):
        assert np.array_equal(got, want) and got.shape == want.shape
    for item, want in zip(items, expected):
        assert np.array_equal(decoder.decode(item), want)


def test_scaled_batches_equal_scaled_decode(backend: str) -> None:
    items = [frame64.encode(camera_frame(1080, 1920, seed=s)) for s in range(3)]
    for scale in (1 / 8, 3 / 8, 0.5, 1):
        decoder = frame64.Decoder(threads=2, scale=scale)
        for got, item in zip(decoder.decode_batch(items), items):
            assert np.array_equal(got, frame64.decode(item, scale=scale))


@pytest.mark.parametrize("pixel_format,channels", [("BGR", 3), ("RGBA", 4), ("GRAY", 1)])
def test_decode_batch_fills_out_in_place(backend: str, pixel_format: str, channels: int) -> None:
    frames = [camera_frame(90, 160, seed=s) for s in range(5)]
    items = [frame64.encode(f) for f in frames[:3]] + [frame64.encode(f, format="png") for f in frames[3:]]
    shape = (5, 90, 160) if channels == 1 else (5, 90, 160, channels)
    out = np.zeros(shape, np.uint8)
    decoder = frame64.Decoder(threads=2, pixel_format=pixel_format)
    assert decoder.decode_batch(items, out=out) is out
    for i, item in enumerate(items):
        assert np.array_equal(out[i], frame64.decode(item, pixel_format=pixel_format))
    scaled = np.empty((5, 45, 80, 3), np.uint8)  # max_side: the scale out's frames need
    assert frame64.Decoder(threads=2, max_side=80).decode_batch(items[:3] + items[:2], out=scaled) is scaled


@pytest.mark.parametrize(
    "out,message",
    [
        (np.empty((2, 90, 160, 3), np.uint8), r"out has shape \(2, 90, 160, 3\); 3 frames of pixel_format 'BGR' need \(3, H, W, 3\)"),
        (np.empty((3, 90, 160, 4), np.uint8), r"need \(3, H, W, 3\)"),
        (np.empty((3, 90, 160), np.uint8), r"need \(3, H, W, 3\)"),
        (np.empty((3, 90, 160, 3), np.float32), r"out must have dtype uint8, got dtype float32"),
        (np.empty((3, 90, 160, 6), np.uint8)[..., ::2], r"out must be C-contiguous"),
        ("read-only", r"out is read-only"),
    ],
)
def test_bad_batch_out_raises_before_any_work(backend: str, out: Any, message: str) -> None:
    if isinstance(out, str):
        out = np.empty((3, 90, 160, 3), np.uint8)
        out.flags.writeable = False
    items = [frame64.encode(camera_frame(90, 160, seed=s)) for s in range(3)]
    with pytest.raises(ValueError, match=message):
        frame64.Decoder(threads=2).decode_batch(items, out=out)
    with pytest.raises(TypeError, match=r"out must be a numpy.ndarray or None, got list"):
        frame64.Decoder(threads=2).decode_batch(items, out=[])  # type: ignore[arg-type]


def test_an_item_of_another_size_than_out_names_its_index(backend: str) -> None:
    items = [frame64.encode(camera_frame(90, 160, seed=s)) for s in range(2)] + [frame64.encode(camera_frame(9, 16))]
    with pytest.raises(ValueError, match=r"^items\[2\]: out holds frames of shape \(90, 160, 3\); this image needs \(9, 16, 3\)$"):
        frame64.Decoder(threads=2).decode_batch(items, out=np.empty((3, 90, 160, 3), np.uint8))


def bad_items() -> dict[str, tuple[Any, type]]:
    jpeg = base64.b64decode(frame64.encode(camera_frame(48, 64, seed=8)))  # the size of the good items
    return {
        "truncated-jpeg": (base64.b64encode(jpeg[: len(jpeg) // 2]).decode(), frame64.JpegDecodeError),
        "bad-base64": (frame64.encode(camera_frame(8, 8))[:-3] + "!", frame64.DecodeError),
        "gif": ("R0lGODlhAQABAAAAACw=", frame64.DecodeError),
        "text-data-uri": ("data:text/plain;base64,QUJD", frame64.DecodeError),
        "cut-png": (base64.b64encode(base64.b64decode(frame64.encode(camera_frame(48, 64), format="png"))[:-20]).decode(),
                    frame64.PngDecodeError),
    }


@pytest.mark.parametrize("name", list(bad_items()))
def test_a_bad_item_mid_batch_raises_its_decode_error_naming_the_index(backend: str, name: str) -> None:
    bad, error = bad_items()[name]
    good = [frame64.encode(camera_frame(48, 64, seed=s)) for s in range(4)]
    with pytest.raises(error) as direct:
        frame64.decode(bad)
    decoder = frame64.Decoder(threads=2)
    with pytest.raises(error) as caught:
        decoder.decode_batch(good[:2] + [bad] + good[2:] + [bad])  # the first failing item is reported
    assert type(caught.value) is type(direct.value)
    assert str(caught.value) == f"items[2]: {direct.value}"
    # With out=, the frames of every good item are filled all the same (a bad
    # data URI header is found before any work starts: nothing is filled)
    out = np.zeros((5, 48, 64, 3), np.uint8)
    with pytest.raises(error):
        decoder.decode_batch(good[:2] + [bad] + good[2:], out=out)
    for i, item in zip((0, 1, 3, 4), good):
        assert np.array_equal(out[i], frame64.decode(item)) != (name == "text-data-uri")
    # imap yields the frames before the bad one, then raises decode's own error
    got = []
    with pytest.raises(error) as streamed:
        for frame in decoder.imap(good[:2] + [bad] + good[2:]):
            got.append(frame)
    assert str(streamed.value) == str(direct.value) and len(got) == 2
    with pytest.raises(error) as single:
        decoder.decode(bad)
    assert str(single.value) == str(direct.value)


@pytest.mark.parametrize("items,error,message", [
    ("abc", TypeError, r"items must be a sequence of base64 texts, got str"),
    (5, TypeError, r"items must be a sequence of base64 texts, got int"),
    (["QUJD", 5], TypeError, r"^items\[1\]: data must be a str, bytes, bytearray or memoryview"),
    (["data:image/png,QUJD"], frame64.DecodeError, r"^items\[0\]: data URI is not base64"),
])
def test_bad_containers_and_items_raise_naming_the_argument(backend: str, items: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        frame64.Decoder(threads=2).decode_batch(items)


def test_empty_batches_and_streams(backend: str) -> None:
    decoder = frame64.Decoder(threads=2)
    assert decoder.decode_batch([]) == []
    assert list(decoder.imap([])) == []
    out = np.empty((0, 4, 4, 3), np.uint8)
    assert decoder.decode_batch([], out=out) is out


@pytest.mark.parametrize(
    "options,error,name",
    [
        ({"threads": 0}, ValueError, "threads"),
        ({"threads": 1.5}, TypeError, "threads"),
        ({"pixel_format": "XYZ"}, ValueError, "pixel_format"),
        ({"scale": 0.3}, ValueError, "scale"),
        ({"scale": 0.5, "max_side": 9}, ValueError, "scale or max_side"),
        ({"max_side": 0}, ValueError, "max_side"),
        ({"strict": True, "best_effort": True}, ValueError, "strict"),
        ({"orientation": "rotate"}, ValueError, "orientation"),
        ({"max_pixels": -1}, ValueError, "max_pixels"),
    ],
)
def test_bad_options_raise_naming_the_argument(options: dict[str, Any], error: type, name: str) -> None:
    with pytest.raises(error, match=name):
        frame64.Decoder(**options)


def test_imap_is_ordered_and_bounded(backend: str) -> None:
    items = mixed_items() * 3
    decoder = frame64.Decoder(threads=2)
    expected = decoder.decode_batch(items)
    pulled = 0

    def source() -> Iterator[Any]:
        nonlocal pulled
        for item in items:
            pulled += 1
            yield item

    got = []
    for frame in decoder.imap(source(), max_in_flight=3):
        assert pulled - len(got) <= 3
        got.append(frame)
    assert all(np.array_equal(a, b) for a, b in zip(got, expected, strict=True))
    with pytest.raises(ValueError, match="max_in_flight|threads"):
        next(decoder.imap(items, max_in_flight=0))


def test_imap_closed_early_is_safe(backend: str) -> None:
    items = [frame64.encode(camera_frame(720, 1280, seed=s)) for s in range(6)]
    stream = frame64.Decoder(threads=2).imap(items, max_in_flight=4)
    first = next(stream)
    stream.close()  # frames in flight finish (or are cancelled) before their inputs are released
    assert np.array_equal(first, frame64.decode(items[0]))


@pytest.mark.parametrize("threads", [None, 1, 3])
def test_pickle_round_trip(backend: str, threads: int | None) -> None:
    decoder = frame64.Decoder(pixel_format="RGB", threads=threads, max_side=30, best_effort=True)
    clone = pickle.loads(pickle.dumps(decoder))
    assert repr(clone) == repr(decoder) and clone.threads == decoder.threads
    items = mixed_items()
    for a, b in zip(clone.decode_batch(items), decoder.decode_batch(items), strict=True):
        assert np.array_equal(a, b)


def test_threads_none_means_all_cores() -> None:
    assert frame64.Decoder().threads == frame64._encoder.available_cores()
    assert "threads=None" in repr(frame64.Decoder())


def _share_one_decoder(seconds: float) -> None:
    decoder = frame64.Decoder(threads=2)
    items = mixed_items()
    expected = [frame64.decode(item) for item in items]
    deadline = time.monotonic() + seconds
    failures: list[str] = []
    counts = [0] * 8

    def same(got: list[np.ndarray], want: list[np.ndarray]) -> bool:
        return len(got) == len(want) and all(np.array_equal(a, b) for a, b in zip(got, want))

    def work(seed: int) -> None:
        i = 0
        while time.monotonic() < deadline and not failures:
            k = (i + seed) % len(items)
            kind = i % 3
            if kind == 0 and not same(decoder.decode_batch(items[k:] + items[:k]), expected[k:] + expected[:k]):
                failures.append(f"batch {seed}/{i}")
            elif kind == 1 and not same(list(decoder.imap(items)), expected):
                failures.append(f"imap {seed}/{i}")
            elif kind == 2 and not np.array_equal(decoder.decode(items[k]), expected[k]):
                failures.append(f"decode {seed}/{i}")
            i += 1
        counts[seed] = i

    workers = [threading.Thread(target=work, args=(seed,)) for seed in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert failures == []
    assert min(counts) >= 3


@pytest.mark.stress
def test_eight_threads_share_one_decoder(backend: str) -> None:
    """FRAME64_STRESS_SECONDS long (default 3; issue 13 asks for 30: FRAME64_STRESS_SECONDS=30)."""
    _share_one_decoder(float(os.environ.get("FRAME64_STRESS_SECONDS", "3")))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_decoder_works_in_a_fork_child(backend: str) -> None:
    items = [frame64.encode(camera_frame(720, 1280, seed=s)) for s in range(3)]
    decoder = frame64.Decoder(threads=2)
    expected = decoder.decode_batch(items)
    assert passes_in_a_fork_child(lambda: all(np.array_equal(a, b) for a, b in zip(decoder.decode_batch(items), expected))
                                  and all(np.array_equal(a, b) for a, b in zip(decoder.imap(items), expected)))


def test_keyboard_interrupt_stops_a_long_batch_and_the_pool_still_works(use_backend: UseBackend) -> None:
    use_backend(pytest.importorskip("frame64._core"))  # the C++ pool runs without the GIL: it looks for signals itself
    decoder = frame64.Decoder(threads=2)
    item = frame64.encode(camera_frame(240, 320))
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            decoder.decode_batch([item] * 20000)  # about 10 s of work
    finally:
        timer.join()
        signal.signal(signal.SIGINT, previous)
    assert all(np.array_equal(a, frame64.decode(item)) for a in decoder.decode_batch([item] * 3))


def test_core_pending_decode_result_from_many_threads() -> None:
    core = pytest.importorskip("frame64._core")
    pool = core.BatchDecoder(2)
    item = frame64.encode(camera_frame(720, 1280))
    expected = frame64.decode(item)
    for _ in range(10):
        pending = pool.submit(item, 0, TJPF["BGR"], 1 << 32, 1, True, 8, 0)
        results: list[np.ndarray] = []
        readers = [threading.Thread(target=lambda: results.append(pending.result())) for _ in range(4)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join()
        assert len(results) == 4 and all(r is results[0] for r in results)
        assert np.array_equal(results[0], expected) and pending.done()


def test_core_batch_checks_its_arguments_itself() -> None:
    core = pytest.importorskip("frame64._core")
    pool = core.BatchDecoder(2)
    item = frame64.encode(camera_frame(8, 8))
    with pytest.raises(ValueError, match=r"starts: needs one entry per item \(2\), got 1"):
        pool.decode_batch([item, item], [0], 0, None, 1 << 32, 1, True, 8, 0)
    with pytest.raises(ValueError, match="pixel_format"):
        pool.decode_batch([item], [0], 99, None, 1 << 32, 1, True, 8, 0)
    with pytest.raises(ValueError, match="out must be a C-contiguous uint8 array"):
        pool.decode_batch([item], [0], 0, np.empty((1, 8, 8, 4), np.uint8), 1 << 32, 1, True, 8, 0)
    with pytest.raises(ValueError, match=r"items\[0\]: start is past the end of data"):
        pool.decode_batch([item], [10_000], 0, None, 1 << 32, 1, True, 8, 0)
    with pytest.raises(ValueError, match="threads must be >= 1"):
        core.BatchDecoder(0)
