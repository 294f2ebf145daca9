"""The README's recipes (examples/*.py) run: in smoke mode, and through the
functions they are built from, checked against frame64.encode and OpenCV."""

from __future__ import annotations

import asyncio
import base64
import importlib.util
import itertools
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import frame64
from frame64._sample import camera_frame

from ..conftest import cv2

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


def test_stream_install_line_names_websocket_support(stream: ModuleType) -> None:
    install = "pip install fastapi 'uvicorn[standard]'"
    assert install in str(stream.__doc__) and stream.INSTALL == install
    assert f"`{install} && python examples/fastapi_stream.py`" in README.read_text(encoding="utf-8")


def test_stream_server_without_uvicorn_says_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)
    assert load("fastapi_stream").main([]) == 1
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "'uvicorn[standard]'" in err


PAGE_HARNESS = """
const els = {frame: {}, fps: {}, status: {textContent: ""}};
const made = [];
globalThis.document = {getElementById: (id) => els[id]};
globalThis.performance = {now: () => 1};
globalThis.location = {search: process.env.FRAME64_TRANSPORT, host: "example:8000"};
globalThis.EventSource = class { constructor(url) { this.url = url; this.readyState = 0; made.push(this); } };
EventSource.CLOSED = 2;
globalThis.WebSocket = class { constructor(url) { this.url = url; made.push(this); } };
eval(require("fs").readFileSync(0, "utf8"));
const stream = made[0], seen = [];
const note = () => seen.push(els.status.textContent);
if (process.env.FRAME64_TRANSPORT === "?ws") {
  stream.onmessage({data: "data:image/jpeg;base64,AAAA"}); seen.push(els.frame.src);
  els.frame.onerror(); note(); els.frame.onload(); note();
  stream.onclose({code: 1006, reason: ""}); note();
} else {
  stream.onmessage({data: "data:image/jpeg;base64,BBBB"}); seen.push(els.frame.src);
  els.frame.onerror(); note(); els.frame.onload(); note();
  stream.onerror(); note(); stream.readyState = EventSource.CLOSED; stream.onerror(); note();
}
console.log(JSON.stringify({url: stream.url, seen}));
"""


@pytest.mark.parametrize("transport", ["?sse", "?ws"])
def test_stream_page_shows_errors(stream: ModuleType, transport: str) -> None:
    """The page's script, run by Node with a stub DOM: an image error, an EventSource error and a
    WebSocket close each put a message on the page; the next frame that loads clears it."""
    import shutil
    import subprocess

    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the page's script cannot be run")
    page = stream.PAGE
    assert '<p id="status"' in page
    script = page.split("<script>", 1)[1].split("</script>", 1)[0]
    result = subprocess.run([node, "-e", PAGE_HARNESS], input=script, capture_output=True,
                            text=True, check=True, timeout=60, env={**os.environ, "FRAME64_TRANSPORT": transport})
    report = json.loads(result.stdout)
    seen = report["seen"]
    assert seen[1].startswith("A frame could not be shown") and seen[2] == ""
    if transport == "?ws":
        assert report["url"] == "ws://example:8000/ws" and seen[0] == "data:image/jpeg;base64,AAAA"
        assert "WebSocket closed (code 1006)" in seen[3] and "uvicorn[standard]" in seen[3]
    else:
        assert report["url"] == "/frames" and seen[0] == "data:image/jpeg;base64,BBBB"
        assert "reconnecting" in seen[3] and "closed" in seen[4]


# --- install facts


def pyproject() -> dict[str, Any]:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    with open(EXAMPLES.parent / "pyproject.toml", "rb") as handle:
        return dict(tomllib.load(handle))


def test_demo_extra_installs_every_peer_the_demo_compares_with() -> None:
    from frame64.cli.demo import NAIVE_PATHS

    demo = pyproject()["project"]["optional-dependencies"]["demo"]
    names = {requirement.split(">")[0].split("<")[0].split("=")[0].strip().lower() for requirement in demo}
    assert names == {"pyturbojpeg", "opencv-python-headless", "pillow"}
    assert NAIVE_PATHS == ("cv2.imencode + base64", "PIL + base64")  # cv2 and PIL: both in the extra


def test_failed_build_message_names_the_clone_and_pypi_installs() -> None:
    message = pyproject()["tool"]["scikit-build"]["messages"]["after-failure"]
    assert "pip install '.[fallback]'" in message and "pip install 'frame64[fallback]'" in message
    assert message.count("FRAME64_ALLOW_PURE_PYTHON=1") == 2


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
