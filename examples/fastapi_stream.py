"""Recipe: stream frames to a browser as JPEG data URIs, over server-sent
events (GET /frames) or a WebSocket (/ws), with FastAPI.

    pip install fastapi 'uvicorn[standard]'  # [standard] brings websockets, which /ws needs;
                                             # and 'frame64[video]' for a camera
    python examples/fastapi_stream.py        # synthetic frames; --camera 0 for a webcam
    open http://127.0.0.1:8000/

The page sets ``<img src=...>`` to each data URI as it arrives: no image
files, no decoding in JavaScript. frame64 releases the GIL while it encodes,
so encoding in a worker thread (asyncio.to_thread) keeps the event loop free
for other clients. ``python examples/fastapi_stream.py --smoke`` prints a few
events without starting a server (FastAPI not needed).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import numpy as np

import frame64
from frame64._sample import camera_frame

try:  # module level, so that FastAPI can resolve the handlers' annotations
    from fastapi import FastAPI, WebSocket, WebSocketDisconnect
    from fastapi.responses import HTMLResponse, StreamingResponse
except ImportError:  # the frame generators below work without it
    HAVE_FASTAPI = False
else:
    HAVE_FASTAPI = True

INSTALL = "pip install fastapi 'uvicorn[standard]'"  # [standard]: websockets, for /ws

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>frame64 stream</title></head>
<body style="font-family:sans-serif">
<h1>frame64 live stream</h1>
<p>Transport: <a href="?sse">server-sent events</a> | <a href="?ws">WebSocket</a> &mdash; <span id="fps"></span></p>
<img id="frame" alt="live frame" style="max-width:100%">
<p id="status" role="status" style="color:#b00"></p>
<script>
const img = document.getElementById("frame"), fps = document.getElementById("fps");
const status = document.getElementById("status");
let count = 0, start = performance.now();
function show(uri) {
  img.src = uri;
  count += 1;
  fps.textContent = (count * 1000 / (performance.now() - start)).toFixed(1) + " frames/s";
}
function problem(text) {  // shown under the image until the next frame loads
  status.textContent = text;
}
img.onload = () => problem("");
img.onerror = () => problem("A frame could not be shown: its data URI is not a valid image.");
if (location.search === "?ws") {
  const ws = new WebSocket(`ws://${location.host}/ws`);
  ws.onmessage = (event) => show(event.data);
  ws.onclose = (event) => problem(`The WebSocket closed (code ${event.code}${event.reason ? ": " + event.reason : ""}). ` +
    "If it never opened, the server may lack WebSocket support (pip install 'uvicorn[standard]'). Reload to retry.");
} else {
  const events = new EventSource("/frames");
  events.onmessage = (event) => show(event.data);
  events.onerror = () => problem(events.readyState === EventSource.CLOSED
    ? "The event stream closed. Reload to retry."
    : "The event stream was interrupted; the browser is reconnecting...");
}
</script>
</body></html>
"""


def moving_frames(height: int = 360, width: int = 640) -> Iterator[np.ndarray]:
    """An endless camera-like scene that pans, for trying the stream without a camera."""
    scene = camera_frame(height, width)
    for step in itertools.count():
        yield np.roll(scene, shift=(step * 4) % width, axis=1)


def sse_event(data_uri: str) -> str:
    """One server-sent event carrying a data URI (a data URI has no newlines)."""
    return f"data: {data_uri}\n\n"


async def data_uris(frames: Iterator[np.ndarray], *, fps: float = 15.0, quality: int = 75,
                    limit: int | None = None) -> AsyncIterator[str]:
    """Data URIs of the frames, at most fps per second, encoded off the event loop."""
    period = 1.0 / fps
    for frame in itertools.islice(frames, limit):
        started = time.perf_counter()
        # frame64 releases the GIL while it compresses, so this thread does not stall the loop.
        yield await asyncio.to_thread(frame64.encode, frame, quality=quality, data_uri=True)
        await asyncio.sleep(max(0.0, period - (time.perf_counter() - started)))


def create_app(source: Any = None, *, fps: float = 15.0) -> Any:
    """The FastAPI app: GET / (the page), GET /frames (SSE) and /ws (WebSocket).

    ``source`` is a callable returning a fresh frame iterator per client
    (default: moving_frames).
    """
    if not HAVE_FASTAPI:
        raise ImportError(f"this recipe needs FastAPI: {INSTALL}")
    new_frames = source or moving_frames
    app = FastAPI(title="frame64 stream")

    @app.get("/", response_class=HTMLResponse)
    async def page() -> str:
        return PAGE

    @app.get("/frames")
    async def frames() -> StreamingResponse:
        async def events() -> AsyncIterator[str]:
            async for uri in data_uris(new_frames(), fps=fps):
                yield sse_event(uri)

        return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    @app.websocket("/ws")
    async def websocket(socket: WebSocket) -> None:
        await socket.accept()
        try:
            async for uri in data_uris(new_frames(), fps=fps):
                await socket.send_text(uri)
        except WebSocketDisconnect:
            pass

    return app


async def smoke(count: int = 3) -> list[str]:
    """The first few SSE events, without a server."""
    return [sse_event(uri) async for uri in data_uris(moving_frames(120, 160), fps=1000, limit=count)]


def source_for(camera: int | None) -> Any:
    """The frame source for create_app: None (the synthetic scene) or a fresh capture per client."""
    if camera is None:
        return None
    from opencv_capture import capture_frames  # the capture-loop recipe, next to this file

    return lambda: capture_frames(camera)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--camera", type=int, help="camera index (default: a synthetic moving scene)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--fps", type=float, default=15.0)
    parser.add_argument("--smoke", action="store_true", help="print 3 events and exit (no FastAPI needed)")
    args = parser.parse_args(argv)
    if args.smoke:
        for event in asyncio.run(smoke()):
            print(event[:70] + "...")
        return 0
    try:
        app = create_app(source_for(args.camera), fps=args.fps)
        try:
            import uvicorn
        except ImportError:
            raise ImportError(f"this recipe needs uvicorn: {INSTALL}") from None
    except ImportError as exc:
        print(f"fastapi_stream: {exc}", file=sys.stderr)
        return 1
    uvicorn.run(app, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
