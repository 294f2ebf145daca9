"""The frame64 command: outputs checked against independent oracles (the
standard library's base64, PIL, OpenCV), exit codes, and clean stdout."""

from __future__ import annotations

import base64
import fcntl
import io
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

import frame64
from frame64 import _backend, _formats, cli
from frame64.cli import bench, common
from frame64._sample import camera_frame

from ..conftest import cv2


def run(capsys: pytest.CaptureFixture[str], *argv: str, stdin: bytes | None = None,
        monkeypatch: pytest.MonkeyPatch | None = None) -> tuple[int, str, str]:
    if stdin is not None:
        assert monkeypatch is not None
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin), encoding="ascii"))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_process(*argv: str, **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "frame64", *argv], capture_output=True, check=False, **kwargs)


def pil_bytes(image: Image.Image, fmt: str, **save: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def images(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A directory of small images written by PIL, plus a file that is not one."""
    folder = tmp_path_factory.mktemp("images")
    rgb = Image.fromarray(np.ascontiguousarray(camera_frame(37, 53)[:, :, ::-1]))
    files = {
        "a.jpg": pil_bytes(rgb, "JPEG", quality=85),
        "b.png": pil_bytes(rgb, "PNG"),
        "c.jpeg": pil_bytes(rgb.convert("L"), "JPEG", progressive=True),
        "d.png": pil_bytes(rgb.convert("RGBA"), "PNG"),
        "notes.txt": b"not an image",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    paths = {name: folder / name for name in files}
    paths["dir"] = folder
    return paths


# --------------------------------------------------------------------------
# version, help, usage errors


def test_version_names_version_backend_and_kernel(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--version")
    assert code == 0 and err == ""
    assert out.startswith(f"frame64 {frame64.__version__} (backend {frame64.backend}, simd {frame64.simd}")


def test_console_script_is_installed_next_to_python() -> None:
    script = Path(sys.executable).with_name("frame64")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.startswith("frame64 ")


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["encode"], "required"),
        (["encode", "--quality", "0", "x.jpg"], "quality must be in 1..100"),
        (["encode", "--quality", "high", "x.jpg"], "invalid int value"),
        (["encode", "--subsampling", "999", "x.jpg"], "invalid choice"),
        (["encode", "--raw", "--quality", "80", "x.jpg"], "--raw"),
        (["encode", "--raw", "--format", "png", "x.jpg"], "--raw"),
        (["encode", "--every", "0", "x.mp4"], "--every"),
        (["encode", "--threads", "0", "x.mp4"], "--threads"),
        (["encode", "-", "-"], "only once"),
        (["decode", "in.txt"], "-o/--output"),
        (["decode", "in.txt", "-o", "out.gif"], "must end in"),
        (["bench", "--sizes", "10by10"], "--sizes"),
        (["bench", "--repeat", "0"], "--repeat"),
        (["demo", "--width", "0"], "must be at least 1"),
        (["nonsense"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_a_message(capsys: pytest.CaptureFixture[str], argv: list[str], needle: str) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert needle in err and "usage:" in err


@pytest.mark.parametrize(("argv", "needle"), [
    (["--compression", "3"], "compression applies to format='png' only"),
    (["--format", "png", "--compression", "12"], "compression must be in 0..9"),
])
def test_png_options_are_checked_before_any_input(capsys: pytest.CaptureFixture[str], argv: list[str],
                                                  needle: str) -> None:
    code, out, err = run(capsys, "encode", *argv, "missing-file.jpg")
    assert code == 2 and out == "" and needle in err and "missing-file" not in err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("encode", "decode", "demo", "bench"):
        assert command in out


# --------------------------------------------------------------------------
# image headers: sizes read without decoding, against PIL


@settings(deadline=None, max_examples=40)
@given(width=st.integers(1, 300), height=st.integers(1, 300), fmt=st.sampled_from(["JPEG", "PNG", "GIF", "BMP"]),
       progressive=st.booleans())
def test_image_info_agrees_with_pil(width: int, height: int, fmt: str, progressive: bool) -> None:
    image = Image.new("RGB", (width, height), (10, 120, 200))
    extra = {"progressive": progressive, "exif": Image.Exif()} if fmt == "JPEG" else {}
    info = _formats.image_info(pil_bytes(image, fmt, **extra))
    assert info == _formats.ImageInfo(fmt.lower(), width, height)


@settings(deadline=None, max_examples=300)
@given(magic=st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a", b"BM", b"RIFF"]),
       rest=st.binary(max_size=64))
def test_image_info_never_fails_on_garbage(magic: bytes, rest: bytes) -> None:
    info = _formats.image_info(magic + rest)
    assert info is None or info.format in _formats.MIME_TYPES


def test_image_info_rejects_other_bytes() -> None:
    assert _formats.image_info(b"") is None
    assert _formats.image_info(b"hello world") is None
    assert _formats.image_info(b"\xff\xd8\xff") == _formats.ImageInfo("jpeg", None, None)  # a truncated JPEG


# --------------------------------------------------------------------------
# encode --raw: the file's bytes, base64'd (oracle: the standard library)


def test_raw_prints_the_files_base64(capsys: pytest.CaptureFixture[str], images: dict[str, Path]) -> None:
    code, out, err = run(capsys, "encode", "--raw", str(images["a.jpg"]), str(images["b.png"]))
    assert code == 0 and err == ""
    expected = [base64.b64encode(images[n].read_bytes()).decode() for n in ("a.jpg", "b.png")]
    assert out.splitlines() == expected


def test_raw_data_uri_names_each_files_type(capsys: pytest.CaptureFixture[str], images: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "encode", "--raw", "--data-uri", str(images["b.png"]), str(images["a.jpg"]))
    assert code == 0
    png, jpeg = out.splitlines()
    assert png == "data:image/png;base64," + base64.b64encode(images["b.png"].read_bytes()).decode()
    assert jpeg == "data:image/jpeg;base64," + base64.b64encode(images["a.jpg"].read_bytes()).decode()


def test_raw_jsonl_records(capsys: pytest.CaptureFixture[str], images: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "encode", "--raw", "--jsonl", str(images["dir"]))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    names = ["a.jpg", "b.png", "c.jpeg", "d.png"]  # sorted; notes.txt is not an image file
    assert [Path(r["name"]).name for r in records] == names
    for name, record in zip(names, records):
        data = images[name].read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            assert (record["width"], record["height"]) == image.size
        assert record["format"] == ("png" if name.endswith(".png") else "jpeg")
        assert base64.b64decode(record["base64"], validate=True) == data


def test_raw_from_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                        images: dict[str, Path]) -> None:
    data = images["a.jpg"].read_bytes()
    code, out, _ = run(capsys, "encode", "--raw", "--jsonl", "-", stdin=data, monkeypatch=monkeypatch)
    assert code == 0
    record = json.loads(out)
    assert record["name"] == "<stdin>" and base64.b64decode(record["base64"]) == data


# --------------------------------------------------------------------------
# failures: one bad input does not stop the batch unless --fail-fast


def test_bad_file_fails_alone(capsys: pytest.CaptureFixture[str], images: dict[str, Path], tmp_path: Path) -> None:
    missing = tmp_path / "missing.jpg"
    args = [str(images["a.jpg"]), str(images["notes.txt"]), str(missing), str(images["b.png"])]
    code, out, err = run(capsys, "encode", "--raw", *args)
    assert code == 1
    a, b = (base64.b64encode(images[n].read_bytes()).decode() for n in ("a.jpg", "b.png"))
    assert out.split("\n") == [a, "", "", b, ""]  # one line per input: empty for the two that failed
    assert f"{images['notes.txt']}: not a JPEG" in err
    assert f"{missing}: No such file" in err


def test_fail_fast_stops_at_the_first_failure(capsys: pytest.CaptureFixture[str], images: dict[str, Path]) -> None:
    args = [str(images["a.jpg"]), str(images["notes.txt"]), str(images["b.png"])]
    code, out, err = run(capsys, "encode", "--raw", "--fail-fast", *args)
    assert code == 1
    assert out.split("\n") == [base64.b64encode(images["a.jpg"].read_bytes()).decode(), "", ""]
    assert err.count("error:") == 1


def test_directory_without_images_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "readme.txt").write_text("hi")
    code, out, err = run(capsys, "encode", str(tmp_path))
    assert code == 2 and out == "" and "no images" in err


# --------------------------------------------------------------------------
# encode: pixels decoded by frame64 and encoded again


@pytest.mark.parametrize("name", ["a.jpg", "b.png", "c.jpeg", "d.png"])
def test_reencoded_image_matches_opencv(capsys: pytest.CaptureFixture[str], images: dict[str, Path], name: str) -> None:
    code, out, err = run(capsys, "encode", "--jsonl", "--quality", "95", "--subsampling", "444", str(images[name]))
    assert code == 0, err
    record = json.loads(out)
    original = cv2.imread(str(images[name]), cv2.IMREAD_COLOR)
    assert (record["height"], record["width"], record["format"]) == (*original.shape[:2], "jpeg")
    again = cv2.imdecode(np.frombuffer(base64.b64decode(record["base64"]), np.uint8), cv2.IMREAD_COLOR)
    assert again.shape == original.shape
    assert np.abs(again.astype(int) - original.astype(int)).mean() < 3


@pytest.mark.parametrize("name", ["a.jpg", "b.png", "c.jpeg", "d.png"])
@pytest.mark.parametrize("pixel_format", ["BGR", "GRAY"])
def test_file_pixels_match_opencv_on_every_backend(images: dict[str, Path], name: str, pixel_format: str) -> None:
    data = images[name].read_bytes()
    flag = cv2.IMREAD_GRAYSCALE if pixel_format == "GRAY" else cv2.IMREAD_COLOR
    expected = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    for module in bench.frame64_backends().values():
        with _backend.use(module):
            pixels = common.decode_pixels(data, pixel_format)
        if name.endswith(".png") and pixel_format == "GRAY":  # colour to gray: OpenCV rounds its own way
            assert pixels.shape == expected.shape
            assert np.abs(pixels.astype(int) - expected).max() <= 1
        else:
            assert np.array_equal(pixels, expected), module.__name__


def test_reencoding_equals_the_library_calls(capsys: pytest.CaptureFixture[str], images: dict[str, Path]) -> None:
    code, out, _ = run(capsys, "encode", "--quality", "70", "--data-uri", str(images["b.png"]))
    assert code == 0
    pixels = frame64.decode(base64.b64encode(images["b.png"].read_bytes()))
    assert out.strip() == frame64.encode(pixels, quality=70, data_uri=True)


def test_png_output_is_lossless(capsys: pytest.CaptureFixture[str], images: dict[str, Path]) -> None:
    code, out, err = run(capsys, "encode", "--format", "png", "--pixel-format", "RGBA", str(images["d.png"]))
    assert code == 0, err
    got = Image.open(io.BytesIO(base64.b64decode(out)))
    assert np.array_equal(np.asarray(got.convert("RGBA")), np.asarray(Image.open(images["d.png"]).convert("RGBA")))


# --------------------------------------------------------------------------
# video: every nth frame as JSONL (OpenCV writes and reads the test clip)


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("video") / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (64, 48))
    assert writer.isOpened()
    for index in range(10):
        writer.write(camera_frame(48, 64, seed=index))
    writer.release()
    return path


def video_frames(path: Path) -> list[np.ndarray]:
    """Every frame of a video, as OpenCV reads it."""
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


@pytest.mark.parametrize(("every", "max_frames", "expected"), [(1, None, list(range(10))), (3, None, [0, 3, 6, 9]),
                                                              (2, 2, [0, 2])])
@pytest.mark.parametrize("threads", [None, "1", "3"])
def test_video_streams_jsonl(capsys: pytest.CaptureFixture[str], video: Path, every: int, max_frames: int | None,
                             expected: list[int], threads: str | None) -> None:
    argv = ["encode", str(video), "--every", str(every), "--data-uri", "--quality", "75"]
    if max_frames is not None:
        argv += ["--max-frames", str(max_frames)]
    if threads is not None:
        argv += ["--threads", threads]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["frame"] for r in records] == expected
    frames = video_frames(video)
    for record in records:
        assert (record["name"], record["width"], record["height"], record["format"]) == (str(video), 64, 48, "jpeg")
        assert record["data_uri"] == frame64.encode(frames[record["frame"]], quality=75, data_uri=True)


@pytest.mark.parametrize("pixel_format", ["BGR", "RGB", "RGBA", "GRAY"])
def test_video_as_png_is_lossless(capsys: pytest.CaptureFixture[str], video: Path, pixel_format: str) -> None:
    code, out, err = run(capsys, "encode", str(video), "--format", "png", "--pixel-format", pixel_format,
                         "--every", "4")
    assert code == 0, err
    frames = video_frames(video)
    conversion = {"BGR": None, "RGB": None, "RGBA": cv2.COLOR_BGR2RGBA, "GRAY": cv2.COLOR_BGR2GRAY}[pixel_format]
    for record in (json.loads(line) for line in out.splitlines()):
        pixels = cv2.imdecode(np.frombuffer(base64.b64decode(record["base64"]), np.uint8), cv2.IMREAD_UNCHANGED)
        frame = frames[record["frame"]]
        expected = frame if conversion is None else cv2.cvtColor(frame, conversion)
        if pixel_format == "RGBA":  # OpenCV reads a PNG's RGBA as BGRA
            pixels = cv2.cvtColor(pixels, cv2.COLOR_BGRA2RGBA)
        assert np.array_equal(pixels, expected)


def test_missing_camera_fails_as_an_input(capsys: pytest.CaptureFixture[str]) -> None:
    cv2.VideoCapture  # noqa: B018 -- the CLI opens cameras with OpenCV: without it this test fails here
    code, out, err = run(capsys, "encode", "97")
    assert code == 1 and out == ""
    assert "camera:97" in err and "cannot open" in err


def test_video_without_opencv_names_the_extra(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                              video: Path) -> None:
    monkeypatch.setitem(sys.modules, "cv2", None)
    code, _, err = run(capsys, "encode", str(video))
    assert code == 1 and "frame64[video]" in err


# --------------------------------------------------------------------------
# stdout stays clean: a progress bar goes to the terminal on stderr only


def test_progress_goes_to_a_terminal_stderr_and_stdout_stays_clean(images: dict[str, Path]) -> None:
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a bar needs a width
    try:
        result = subprocess.run([sys.executable, "-m", "frame64", "encode", "--raw", str(images["dir"])],
                                stdout=subprocess.PIPE, stderr=terminal, check=False)
        os.close(terminal)
        terminal = -1
        shown = b""
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(controller)
        if terminal >= 0:
            os.close(terminal)
    assert result.returncode == 0
    lines = result.stdout.decode().splitlines()
    assert len(lines) == 4 and all(base64.b64decode(line, validate=True) for line in lines)
    assert b"/4" in shown  # tqdm's bar or the built-in counter, out of 4 images


def test_progress_stays_off_when_stderr_is_not_a_terminal(images: dict[str, Path]) -> None:
    result = run_process("encode", "--raw", str(images["dir"]))
    assert result.returncode == 0 and result.stderr == b""


def test_closed_pipe_stops_quietly(tmp_path: Path) -> None:
    big = Image.fromarray(np.random.default_rng(1).integers(0, 256, (400, 400, 3), np.uint8))
    for index in range(3):
        big.save(tmp_path / f"{index}.png")  # each line is larger than a pipe's buffer
    process = subprocess.Popen([sys.executable, "-m", "frame64", "encode", "--raw", str(tmp_path)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read()
    process.stderr.close()
    assert process.wait(timeout=60) == 1
    assert b"Traceback" not in stderr


# --------------------------------------------------------------------------
# decode: base64, data URIs and JSONL back to files


def test_decode_writes_the_exact_bytes(capsys: pytest.CaptureFixture[str], images: dict[str, Path],
                                       tmp_path: Path) -> None:
    data = images["a.jpg"].read_bytes()
    text = tmp_path / "in.txt"
    text.write_text(base64.b64encode(data).decode())
    code, out, err = run(capsys, "decode", str(text), "-o", str(tmp_path / "out.jpg"))
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "out.jpg").read_bytes() == data


@pytest.mark.parametrize("form", ["data_uri_wrapped", "jsonl", "jsonl_data_uri"])
def test_decode_reads_what_encode_writes(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                         images: dict[str, Path], tmp_path: Path, form: str) -> None:
    data = images["b.png"].read_bytes()
    if form == "data_uri_wrapped":
        text = "data:image/png;base64," + base64.encodebytes(data).decode()  # MIME: a line break every 76 chars
    else:
        code, text, _ = run(capsys, "encode", "--raw", "--jsonl", *(["--data-uri"] if form == "jsonl_data_uri" else []),
                            str(images["b.png"]))
        assert code == 0
    code, out, err = run(capsys, "decode", "-o", str(tmp_path / "out.png"), stdin=text.encode(),
                         monkeypatch=monkeypatch)
    assert (code, err) == (0, "")
    assert (tmp_path / "out.png").read_bytes() == data


@pytest.mark.parametrize("name", ["a.jpg", "b.png"])
def test_decode_refuses_a_truncated_image(capsys: pytest.CaptureFixture[str], images: dict[str, Path],
                                          tmp_path: Path, name: str) -> None:
    data = images[name].read_bytes()
    source = tmp_path / "in.txt"
    source.write_text(base64.b64encode(data[: len(data) // 2]).decode())
    output = tmp_path / f"out{Path(name).suffix}"
    code, out, err = run(capsys, "decode", str(source), "-o", str(output))
    assert code == 1 and out == "" and str(source) in err
    assert not output.exists()


def test_decode_warns_about_an_image_that_decodes_only_with_a_benign_warning(
        capsys: pytest.CaptureFixture[str], images: dict[str, Path], tmp_path: Path) -> None:
    jpeg = images["a.jpg"].read_bytes()
    data = jpeg[:-2] + bytes(range(1, 41)) + jpeg[-2:]  # bytes before EOI, as MJPEG webcams write: no pixel lost
    source = tmp_path / "in.txt"
    source.write_text(base64.b64encode(data).decode())
    code, out, err = run(capsys, "decode", str(source), "-o", str(tmp_path / "out.jpg"))
    assert code == 0 and out == ""
    assert err.startswith(f"frame64: warning: {source}: ") and "extraneous bytes" in err and "written anyway" in err
    assert (tmp_path / "out.jpg").read_bytes() == data


def test_decode_refuses_an_image_whose_pixels_would_be_made_up(
        capsys: pytest.CaptureFixture[str], images: dict[str, Path], tmp_path: Path) -> None:
    data = images["a.jpg"].read_bytes()[:-40]  # entropy-coded data cut short
    source = tmp_path / "in.txt"
    source.write_text(base64.b64encode(data).decode())
    code, out, err = run(capsys, "decode", str(source), "-o", str(tmp_path / "out.jpg"))
    assert code == 1 and out == ""
    assert "so part of the frame would be made up: Premature end of JPEG file" in err
    assert not (tmp_path / "out.jpg").exists()


def test_encode_of_a_truncated_photo_fails(capsys: pytest.CaptureFixture[str], images: dict[str, Path],
                                           tmp_path: Path) -> None:
    cut = tmp_path / "trunc.jpg"
    cut.write_bytes(images["a.jpg"].read_bytes()[:-40])  # cut inside its scan
    code, out, err = run(capsys, "encode", str(cut))
    assert code == 1 and out == "\n" and "would be made up" in err  # a failed input keeps its (empty) line


def test_encode_of_an_exif_rotated_photo_sends_it_upright(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from frame64._sample import camera_frame

    from ..photo_corpus import pillow_jpeg

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(pillow_jpeg(camera_frame(30, 50), 6, quality=95))
    code, out, _ = run(capsys, "encode", str(photo))
    assert code == 0
    assert frame64.decode(out.strip()).shape == (50, 30, 3)  # as cv2.imdecode shows it, not (30, 50, 3)


def test_decode_to_stdout(images: dict[str, Path]) -> None:
    data = images["a.jpg"].read_bytes()
    result = run_process("decode", "-o", "-", input=base64.b64encode(data))
    assert result.returncode == 0 and result.stdout == data


@pytest.mark.parametrize(
    ("text", "needle"),
    [("", "no base64"), ("%%%%", "not valid base64"), ("/9j/\u00e9AAA", "not valid base64"), (base64.b64encode(b"plain text").decode(), "does not hold"),
     ("data:image/png,abc", "data URI"), ("{not json", "JSON")],
)
def test_decode_bad_input_fails_with_exit_1(capsys: pytest.CaptureFixture[str], tmp_path: Path, text: str,
                                            needle: str) -> None:
    source = tmp_path / "in.txt"
    source.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "decode", str(source), "-o", str(tmp_path / "out.png"))
    assert code == 1 and out == "" and needle in err
    assert not (tmp_path / "out.png").exists()


def test_decode_converting_formats(capsys: pytest.CaptureFixture[str], images: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(base64.b64encode(images["a.jpg"].read_bytes()).decode())
    code, _, err = run(capsys, "decode", str(source), "-o", str(tmp_path / "out.png"))
    assert code == 0, err
    original = cv2.imread(str(images["a.jpg"]))
    assert np.array_equal(cv2.imread(str(tmp_path / "out.png")), frame64.decode(source.read_text()))
    assert cv2.imread(str(tmp_path / "out.png")).shape == original.shape


# --------------------------------------------------------------------------
# demo and bench


def test_demo_page_shows_the_frame_from_its_data_uri(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    page = tmp_path / "demo.html"
    code, out, err = run(capsys, "demo", "--width", "96", "--height", "64", "--repeat", "2", "-o", str(page))
    assert code == 0, err
    uri = frame64.encode(camera_frame(64, 96), data_uri=True)
    assert f'src="{uri}"' in page.read_text()
    assert "frame64 (cpp)" in out or "not built" in out
    assert "96x64 frame back" in out and "decodes to exactly the same pixels" in out
    if "frame64 (python)" in out and "frame64 (cpp)" in out:
        assert "the same string as cpp" in out
    pixels = cv2.imdecode(np.frombuffer(base64.b64decode(uri.split(",", 1)[1]), np.uint8), cv2.IMREAD_COLOR)
    assert pixels.shape == (64, 96, 3)


def test_no_arguments_runs_the_demo(tmp_path: Path) -> None:
    cv2.imencode  # noqa: B018 -- the demo times cv2.imencode: without OpenCV this test fails here
    result = run_process(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert b"1920x1080" in result.stdout and b"cv2.imencode + base64" in result.stdout
    assert (tmp_path / "frame64-demo.html").read_text().count("data:image/jpeg;base64,/9j/") == 1


def test_demo_reports_disagreeing_backends(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                           tmp_path: Path) -> None:
    from frame64 import _fallback

    real = _fallback.encode_jpeg
    monkeypatch.setattr(_fallback, "encode_jpeg", lambda *args: real(*args)[:-4] + "AAA=")
    backends = bench.frame64_backends()
    code, _, err = run(capsys, "demo", "--width", "16", "--height", "16", "--repeat", "1", "-o", str(tmp_path / "d.html"))
    if len(backends) == 2:
        assert code == 1 and "different strings" in err
    else:
        assert code == 0


def test_bench_prints_every_contender(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    cv2.imencode  # noqa: B018 -- bench times cv2.imencode: without OpenCV this test fails here
    plot = tmp_path / "bench.png"
    code, out, err = run(capsys, "bench", "--sizes", "40x24,64x48", "--repeat", "2", "--plot", str(plot))
    assert code == 0, err
    rows = out.splitlines()[3:]
    names = [row[: row.index("  ")] for row in rows]
    expected = {f"frame64 ({name})" for name in bench.frame64_backends()} | {
        "cv2.imencode + base64", "PIL + base64", "PyTurboJPEG + base64", "PyTurboJPEG + pybase64",
        "simplejpeg + pybase64",
    }
    assert set(names) == expected
    reference = next(row for row in rows if row.startswith(f"frame64 ({frame64.backend})"))
    assert reference.count("1.00x") == 2
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_bench_plot_without_matplotlib_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out, err = run(capsys, "bench", "--sizes", "8x8", "--plot", str(tmp_path / "p.png"))
    assert code == 2 and out == "" and "pip install matplotlib" in err


def test_bench_catches_a_wrong_contender(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = camera_frame(24, 40)
    good = frame64.encode(frame)
    wrong = frame64.encode(camera_frame(24, 39))
    assert bench.check_output("ok", good, "jpeg", frame) == len(base64.b64decode(good))
    with pytest.raises(RuntimeError, match="wrong image"):
        bench.check_output("bad", wrong, "jpeg", frame)


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_builtin_counter_when_tqdm_is_missing(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                             images: dict[str, Path]) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    code = cli.main(["encode", "--raw", str(images["dir"]), str(images["notes.txt"])])
    out = capsys.readouterr().out
    assert code == 1 and len(out.splitlines()) == 5 and out.endswith("\n\n")  # the failed input's empty line
    shown = terminal.getvalue()
    assert "\rframe64: 4/5 images" in shown
    assert f"\r\x1b[K{cli.PROG}: error: {images['notes.txt']}: not a JPEG" in shown  # the counter line is cleared first
