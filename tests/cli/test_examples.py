"""The README's recipes (examples/*.py) run: in smoke mode, and through the
functions they are built from, checked against frame64.encode and OpenCV."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import itertools
import json
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"frame64_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def jpeg_pixels(text: str) -> np.ndarray:
    data = base64.b64decode(text.split(",", 1)[-1], validate=True)
    return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)


@pytest.fixture(scope="module")
def capture() -> ModuleType:
    return load("opencv_capture")


@pytest.fixture(scope="module")
def vision() -> ModuleType:
    return load("vision_message")


@pytest.fixture(scope="module")
def stream() -> ModuleType:
    return load("fastapi_stream")


def test_every_example_is_tested() -> None:
    assert {path.stem for path in EXAMPLES.glob("*.py")} == {"opencv_capture", "vision_message", "fastapi_stream"}


@pytest.mark.parametrize("name", ["opencv_capture", "vision_message", "fastapi_stream"])
def test_smoke_mode_runs(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert load(name).main(["--smoke"]) == 0
    assert capsys.readouterr().out.strip()


# --- OpenCV capture loop


def test_capture_loop_encodes_every_nth_frame(capture: ModuleType) -> None:
    records = list(capture.encode_stream(capture.synthetic_frames(5), every=2, quality=70))
    assert [r["frame"] for r in records] == [0, 2, 4]
    for record in records:
        frame = camera_frame(240, 320, seed=record["frame"])
        assert record["data_uri"] == frame64.encode(frame, quality=70, data_uri=True)
        assert (record["width"], record["height"]) == (320, 240)


def test_capture_loop_reads_a_video_file(capture: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 5.0, (32, 24))
    for index in range(4):
        writer.write(camera_frame(24, 32, seed=index))
    writer.release()
    frames = list(capture.capture_frames(str(path)))
    assert len(frames) == 4 and frames[0].shape == (24, 32, 3)
    smoke = [json.loads(line) for line in [json.dumps(r) for r in capture.encode_stream(iter(frames))]]
    assert [jpeg_pixels(r["data_uri"]).shape for r in smoke] == [(24, 32, 3)] * 4


# --- vision-model message


@pytest.mark.parametrize(("shape", "max_side", "expected"),
                         [((1080, 1920), 1568, (882, 1568)), ((1080, 1920), 4096, (1080, 1920)),
                          ((2000, 50), 1000, (1000, 25)), ((3, 5), 1, (1, 1))])
def test_fit_bounds_the_longer_side(vision: ModuleType, shape: tuple[int, int], max_side: int,
                                    expected: tuple[int, int]) -> None:
    frame = np.zeros((*shape, 3), np.uint8)
    assert vision.fit(frame, max_side).shape[:2] == expected


def test_fit_without_opencv(vision: ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)
    frame = camera_frame(1080, 1920)
    small = vision.fit(frame, 480)
    assert small.shape == (270, 480, 3)
    assert np.array_equal(small[0, 0], frame[0, 0])


def test_openai_style_message(vision: ModuleType) -> None:
    frame = camera_frame(1080, 1920)
    message = vision.user_message(frame, "What is this?", max_side=640)
    image, text = message["content"]
    assert message["role"] == "user" and text == {"type": "text", "text": "What is this?"}
    url = image["image_url"]["url"]
    assert image["type"] == "image_url" and url.startswith("data:image/jpeg;base64,")
    assert url == frame64.encode(vision.fit(frame, 640), quality=85, data_uri=True)
    assert jpeg_pixels(url).shape == (360, 640, 3)


def test_anthropic_style_message(vision: ModuleType) -> None:
    part = vision.image_part(camera_frame(120, 160), style="anthropic")
    assert part["type"] == "image"
    assert part["source"]["type"] == "base64" and part["source"]["media_type"] == "image/jpeg"
    assert jpeg_pixels(part["source"]["data"]).shape == (120, 160, 3)
    with pytest.raises(ValueError, match="style"):
        vision.image_part(camera_frame(8, 8), style="other")


# --- FastAPI / SSE / WebSocket streaming


def test_sse_events_carry_one_data_uri_each(stream: ModuleType) -> None:
    events = asyncio.run(stream.smoke(3))
    assert len(events) == 3
    for event in events:
        assert event.startswith("data: data:image/jpeg;base64,") and event.endswith("\n\n")
        assert "\n" not in event[:-2]  # one line: a browser's EventSource reads it as one message
        assert jpeg_pixels(event[len("data: "):-2]).shape == (120, 160, 3)


def test_stream_frames_match_the_scene(stream: ModuleType) -> None:
    frames = list(itertools.islice(stream.moving_frames(60, 80), 3))
    scene = camera_frame(60, 80)
    for step, frame in enumerate(frames):
        assert np.array_equal(frame, np.roll(scene, step * 4, axis=1))

    async def first() -> str:
        async for uri in stream.data_uris(iter(frames), fps=1000, quality=60, limit=1):
            return str(uri)
        raise AssertionError("no frame")

    assert asyncio.run(first()) == frame64.encode(frames[0], quality=60, data_uri=True)


def test_app_routes_or_a_clear_message(stream: ModuleType) -> None:
    if not stream.HAVE_FASTAPI:
        with pytest.raises(ImportError, match="pip install fastapi"):
            stream.create_app()
        return
    app = stream.create_app()
    assert {"/", "/frames", "/ws"} <= {route.path for route in app.routes}


def test_stream_recipe_without_fastapi(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "fastapi", None)
    module = load("fastapi_stream")
    assert not module.HAVE_FASTAPI
    with pytest.raises(ImportError, match="pip install fastapi"):
        module.create_app()
    assert module.main(["--smoke"]) == 0 and capsys.readouterr().out.count("data: data:image/jpeg") == 3


# --- README


README = EXAMPLES.parent / "README.md"


def readme_blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    fence = f"```{language}\n"
    return [part.split("```", 1)[0] for part in text.split(fence)[1:]]


def test_readme_api_example_runs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (api,) = [block for block in readme_blocks("python") if block.startswith("import numpy")]
    namespace: dict[str, object] = {}
    exec(compile(api, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
    assert str(namespace["uri"]).startswith("data:image/jpeg;base64,/9j/")
    assert jpeg_pixels(str(namespace["crop"])).shape == (200, 300, 3)
    expected = frame64.encode(namespace["frame"], quality=80, data_uri=True)
    assert namespace["uris"] == namespace["streamed"] == [expected, expected]
    assert capsys.readouterr().out.split() == [frame64.__version__, frame64.backend, str(frame64.simd)]


def test_readme_quick_start_is_what_ci_runs() -> None:
    first, second = readme_blocks("sh")[:2]
    assert first.strip().endswith(".venv/bin/python -m frame64 demo")
    assert first.startswith("bash scripts/install-system-deps.sh && python3 -m venv .venv")
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    # .ci/run runs the second command verbatim, apart from pip's -q.
    assert second.strip().replace("pip install ", "pip install -q ") in ci


def test_readme_commands_exist(capsys: pytest.CaptureFixture[str]) -> None:
    from frame64 import cli

    commands = {line.split()[1] for block in readme_blocks("sh") for line in block.splitlines()
                if line.startswith("frame64 ")}
    assert commands == {"encode", "decode", "demo", "bench", "--version"}
    for command in commands - {"--version"}:
        assert cli.main([command, "--help"]) == 0
    capsys.readouterr()


def test_readme_base64_block_runs() -> None:
    (block,) = [b for b in readme_blocks("python") if b.startswith("frame64.b64encode(data)")]
    data = bytes(range(256)) * 3
    namespace: dict[str, object] = {"frame64": frame64, "data": data, "text": base64.b64encode(data).decode()}
    exec(compile(block, "README.md", "exec"), namespace)  # noqa: S102 - the README's own example
