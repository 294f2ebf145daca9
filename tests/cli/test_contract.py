"""The command line's promises (issue 16), driven through the installed console script:
every failure is one line on stderr without a traceback; exit 1 for a failed input, 2 for
usage, checked before any work, with the subcommand's usage; options that do not apply are
usage errors; a lossy conversion gets a note; plain output keeps one line per input; every
line of a multi-line input is decoded, to a file, a directory or a pattern."""

from __future__ import annotations

import base64
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import frame64
from frame64 import cli
from frame64._sample import camera_frame
from frame64.cli import common

from ..conftest import cv2
from .test_cli import pil_bytes

SCRIPT = shutil.which("frame64", path=str(Path(sys.executable).parent))
COMMANDS = ("encode", "decode", "demo", "bench")


def frame64_cli(*argv: str, cwd: Path | None = None, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    assert SCRIPT is not None, "the frame64 console script is not installed next to this Python"
    return subprocess.run([SCRIPT, *argv], capture_output=True, text=True, check=False, cwd=cwd,
                          input=None if stdin is None else stdin.decode("ascii"), timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("contract")
    rgb = Image.fromarray(np.ascontiguousarray(camera_frame(21, 34)[:, :, ::-1]))
    rgba = rgb.convert("RGBA")
    rgba.putalpha(Image.fromarray(np.tile(np.arange(34, dtype=np.uint8) * 7, (21, 1))))
    contents = {
        "a.jpg": pil_bytes(rgb, "JPEG", quality=88),
        "b.png": pil_bytes(rgb, "PNG"),
        "c.jpeg": pil_bytes(rgb.convert("L"), "JPEG"),
        "rgba.png": pil_bytes(rgba, "PNG"),
        "notes.txt": b"not an image",
    }
    paths = {name: folder / name for name in contents}
    for name, data in contents.items():
        paths[name].write_bytes(data)
    clip = folder / "clip.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter_fourcc(*"MJPG"), 10.0, (32, 24))
    assert writer.isOpened()
    for index in range(4):
        writer.write(camera_frame(24, 32, seed=index))
    writer.release()
    paths["clip.avi"] = clip
    paths["dir"] = folder
    return paths


def resolve(argv: list[str], files: dict[str, Path], tmp_path: Path) -> list[str]:
    """{tmp} is replaced by a fresh directory, {x} by the path of test file x."""
    names = {name: str(path) for name, path in files.items()}
    args = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    return [names[arg[1:-1]] if arg[1:-1] in names else arg for arg in args]


# --------------------------------------------------------------------------
# usage errors: exit 2, before any work, the subcommand's usage, one error line


USAGE_ERRORS = [
    # (argv, words in the error), through resolve()
    (["demo", "-o", "/nonexistent/x.html"], "directory '/nonexistent' does not exist"),
    (["demo", "-o", "{tmp}"], "is a directory"),
    (["demo", "--width", "70000", "--height", "2"], "65500 pixels per side"),
    (["demo", "--width", "20000", "--height", "20000"], "over frame64's limit"),
    (["demo", "--repeat", "0"], "must be at least 1"),
    (["demo", "--width", "wide"], "invalid _positive value"),
    (["bench", "--plot", "/nonexistent/x.png", "--sizes", "8x8"], "directory '/nonexistent' does not exist"),
    (["bench", "--sizes", "65501x2"], "65500 pixels per side"),
    (["bench", "--sizes", "0x5"], "at least 1x1"),
    (["bench", "--sizes", "20000x20000"], "over frame64's limit"),
    (["bench", "--format", "png", "--quality", "80"], "--quality applies to --format jpeg only"),
    (["bench", "--quality", "0"], "quality must be in 1..100"),
    (["bench", "--repeat", "-1"], "--repeat"),
    (["bench", "--format", "gif"], "invalid choice"),
    # decode: the input file does not exist, so a check made after reading it would exit 1
    (["decode", "--quality", "0", "-o", "{tmp}/x.jpg", "missing.txt"], "quality must be in 1..100"),
    (["decode", "--quality", "80", "-o", "{tmp}/x.png", "missing.txt"], "--quality applies only when writing JPEG"),
    (["decode", "--quality", "80", "-o", "{tmp}", "missing.txt"], "--quality applies only when writing JPEG"),
    (["decode", "-o", "{tmp}/x.gif", "missing.txt"], "must end in"),
    (["decode", "-o", "{tmp}/{frame}.png", "missing.txt"], "unknown placeholder {frame}"),
    (["decode", "-o", "{tmp}/{index.png", "missing.txt"], "not a valid pattern"),
    (["decode", "-o", "/nonexistent/x.png", "missing.txt"], "does not exist"),
    (["decode", "-o", "/nonexistent/{index}.png", "missing.txt"], "does not exist"),
    (["decode", "-o", "/nonexistent/", "missing.txt"], "does not exist"),
    (["decode", "missing.txt"], "-o/--output"),
    (["decode", "-o", "", "missing.txt"], "-o/--output is empty"),
    (["decode", "-o", "{tmp}/x.png", "--fail-fast", "--quality", "many", "missing.txt"], "invalid int value"),
    (["encode", "--compression", "strong", "missing.jpg"], "invalid int value"),
    (["encode", "--threads", "-3", "{clip.avi}"], "--threads must be at least 1"),
    (["encode", "--subsampling", "999", "missing.jpg"], "invalid choice"),
    (["encode", "-", "-"], "only once"),
    (["encode", "--raw", "{clip.avi}"], "--raw"),
    (["encode", "--every", "2", "{a.jpg}"], "--every applies to video"),
    (["encode", "--max-frames", "2", "{a.jpg}"], "--max-frames applies to video"),
    (["encode", "--threads", "2", "{a.jpg}"], "--threads applies to video"),
    (["encode", "--format", "png", "--threads", "2", "{clip.avi}"], "--threads applies to JPEG"),
    (["encode", "--format", "png", "--quality", "80", "{a.jpg}"], "JPEG output only"),
    (["encode", "--format", "png", "--subsampling", "444", "{a.jpg}"], "JPEG output only"),
    (["encode", "--pixel-format", "BGRA", "{rgba.png}"], "keeps alpha only in PNG"),
    (["encode", "--quality", "0", "missing.jpg"], "quality must be in 1..100"),
    (["encode", "--compression", "3", "missing.jpg"], "compression applies to format='png' only"),
    (["encode", "--every", "0", "{clip.avi}"], "--every must be at least 1"),
    (["encode", "--max-frames", "0", "{clip.avi}"], "--max-frames must be at least 1"),
    (["encode", "--raw", "--pixel-format", "GRAY", "{a.jpg}"], "--raw"),
    (["encode", "{tmp}"], "no images"),
]


@pytest.mark.parametrize(("argv", "needle"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_usage_error_is_exit_2_with_the_subcommands_usage(files: dict[str, Path], tmp_path: Path, argv: list[str],
                                                          needle: str) -> None:
    result = frame64_cli(*resolve(argv, files, tmp_path), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""  # nothing ran: demo and bench print as they go
    assert "Traceback" not in result.stderr
    command = argv[0]
    assert result.stderr.startswith(f"usage: frame64 {command} ")
    errors = [line for line in result.stderr.splitlines() if "error:" in line]
    assert errors == [result.stderr.splitlines()[-1]]
    assert errors[0].startswith(f"frame64 {command}: error: ") and needle in errors[0]
    assert "contenders" not in result.stderr  # bench: no size was timed
    assert list(tmp_path.iterdir()) == []  # nothing written


# --------------------------------------------------------------------------
# failed inputs: exit 1, one line each on stderr, no traceback


@pytest.mark.parametrize(("argv", "needle"), [
    (["encode", "missing.jpg"], "missing.jpg: No such file or directory"),
    (["encode", "{notes.txt}"], "not a JPEG or PNG file"),
    (["encode", "--raw", "{notes.txt}"], "not a JPEG, PNG, GIF, WebP or BMP file"),
    (["decode", "missing.txt", "-o", "out.png"], "missing.txt: No such file or directory"),
    (["decode", "{notes.txt}", "-o", "out.png"], "not valid base64"),
    (["encode", "97"], "cannot open this video or camera"),
])
def test_failed_input_is_exit_1_and_one_line(files: dict[str, Path], tmp_path: Path, argv: list[str],
                                             needle: str) -> None:
    result = frame64_cli(*resolve(argv, files, tmp_path), cwd=tmp_path)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("frame64: error: ")
    assert needle in result.stderr


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device", "out.html"), MemoryError(),
                                     RuntimeError("something unforeseen")])
def test_an_unexpected_failure_is_still_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 failure: BaseException) -> None:
    def broken(args: Any) -> int:
        raise failure

    monkeypatch.setattr(cli, "cmd_demo", broken)
    assert cli.main(["demo"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("frame64: error: ")


def test_top_level_usage_for_a_top_level_error() -> None:
    result = frame64_cli("nonsense")
    assert result.returncode == 2 and result.stderr.startswith("usage: frame64 [-h] [--version]")


# --------------------------------------------------------------------------
# plain output: one line per input


def test_plain_output_keeps_one_line_per_input(files: dict[str, Path], tmp_path: Path) -> None:
    inputs = [files["a.jpg"], files["notes.txt"], tmp_path / "missing.png", files["b.png"]]
    result = frame64_cli("encode", "--data-uri", "--quality", "70", *map(str, inputs))
    assert result.returncode == 1
    lines = result.stdout.split("\n")
    assert len(lines) == len(inputs) + 1 and lines[-1] == ""
    for path, line in zip(inputs, lines):
        if path.suffix == ".txt" or not path.exists():
            assert line == ""
        else:
            pixels = frame64.decode(base64.b64encode(path.read_bytes()))
            assert line == frame64.encode(pixels, quality=70, data_uri=True)
    errors = result.stderr.splitlines()
    assert len(errors) == 2 and str(files["notes.txt"]) in errors[0] and "missing.png" in errors[1]


def test_plain_output_pipes_into_decode_line_by_line(files: dict[str, Path], tmp_path: Path) -> None:
    encoded = frame64_cli("encode", "--raw", str(files["a.jpg"]), str(files["b.png"]), str(files["c.jpeg"]))
    assert encoded.returncode == 0
    result = frame64_cli("decode", "-o", str(tmp_path / "{index:02d}.{ext}"), stdin=encoded.stdout.encode())
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["00.jpg", "01.png", "02.jpg"]
    for name, original in zip(("00.jpg", "01.png", "02.jpg"), ("a.jpg", "b.png", "c.jpeg")):
        assert (tmp_path / name).read_bytes() == files[original].read_bytes()


# --------------------------------------------------------------------------
# decode: every line of a multi-line input


@pytest.fixture()
def jsonl(files: dict[str, Path], tmp_path: Path) -> Path:
    result = frame64_cli("encode", "--raw", "--jsonl", str(files["a.jpg"]), str(files["b.png"]), str(files["c.jpeg"]))
    assert result.returncode == 0
    path = tmp_path / "lines.jsonl"
    path.write_text(result.stdout)
    return path


def test_decode_writes_every_json_line_into_a_directory(files: dict[str, Path], jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = frame64_cli("decode", str(jsonl), "-o", str(out))
    assert (result.returncode, result.stderr) == (0, "")
    assert sorted(p.name for p in out.iterdir()) == ["a.jpg", "b.png", "c.jpg"]  # NAME.EXT, the image's own format
    for name, original in (("a.jpg", "a.jpg"), ("b.png", "b.png"), ("c.jpg", "c.jpeg")):
        assert (out / name).read_bytes() == files[original].read_bytes()


def test_decode_into_a_directory_with_braces_in_its_name(files: dict[str, Path], jsonl: Path, tmp_path: Path) -> None:
    out = tmp_path / "run{1}"
    out.mkdir()
    result = frame64_cli("decode", str(jsonl), "-o", str(out))
    assert (result.returncode, result.stderr) == (0, "")
    assert (out / "b.png").read_bytes() == files["b.png"].read_bytes()


def test_decode_pattern_converts_every_line(files: dict[str, Path], jsonl: Path, tmp_path: Path) -> None:
    result = frame64_cli("decode", str(jsonl), "-o", str(tmp_path / "{name}-{index}.png"))
    assert (result.returncode, result.stderr) == (0, "")
    for name, original in (("a-0.png", "a.jpg"), ("b-1.png", "b.png"), ("c-2.png", "c.jpeg")):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        expected = cv2.imread(str(files[original]), cv2.IMREAD_COLOR)  # a lossless PNG of the same pixels
        assert np.array_equal(cv2.imread(str(tmp_path / name), cv2.IMREAD_COLOR), expected)


def test_decode_video_records_are_named_by_frame(files: dict[str, Path], tmp_path: Path) -> None:
    result = frame64_cli("encode", str(files["clip.avi"]), "--every", "2", "--quality", "80")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0 and [r["frame"] for r in records] == [0, 2]
    out = tmp_path / "frames"
    out.mkdir()
    decoded = frame64_cli("decode", "-o", f"{out}/", stdin=result.stdout.encode())
    assert decoded.returncode == 0, decoded.stderr
    for record in records:
        assert (out / f"clip-{record['frame']}.jpg").read_bytes() == base64.b64decode(record["base64"])


def test_one_file_for_many_images_is_a_usage_error(jsonl: Path, tmp_path: Path) -> None:
    for output in (str(tmp_path / "one.png"), "-"):
        result = frame64_cli("decode", str(jsonl), "-o", output)
        assert result.returncode == 2 and result.stdout == ""
        assert "holds 3 images" in result.stderr and "{index}" in result.stderr
        assert result.stderr.startswith("usage: frame64 decode ")
    assert list(tmp_path.iterdir()) == [jsonl]


def test_two_images_for_one_name_is_a_usage_error(files: dict[str, Path], tmp_path: Path) -> None:
    encoded = frame64_cli("encode", "--raw", "--jsonl", str(files["a.jpg"]), str(files["b.png"]), str(files["a.jpg"]))
    result = frame64_cli("decode", "-o", str(tmp_path), stdin=encoded.stdout.encode())
    assert result.returncode == 2 and "<stdin>:1 and <stdin>:3 would both be written to" in result.stderr
    assert list(tmp_path.iterdir()) == []  # found before anything is written


def test_a_bad_line_fails_alone(files: dict[str, Path], jsonl: Path, tmp_path: Path) -> None:
    first, second, third = jsonl.read_text().splitlines()
    broken = json.loads(second)
    broken["base64"] = broken["base64"][:-10] + "%%%%"
    jsonl.write_text("\n".join([first, json.dumps(broken), "{oops", third]) + "\n")
    out = tmp_path / "out"
    out.mkdir()
    result = frame64_cli("decode", str(jsonl), "-o", str(out / "{index}.{ext}"))
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith(f"frame64: error: {jsonl}:2: not valid base64")
    assert errors[1].startswith(f"frame64: error: {jsonl}:3: input looks like JSON")
    assert sorted(p.name for p in out.iterdir()) == ["0.jpg", "3.jpg"]
    assert (out / "3.jpg").read_bytes() == files["c.jpeg"].read_bytes()


def test_fail_fast_stops_decoding(jsonl: Path, tmp_path: Path) -> None:
    lines = jsonl.read_text().splitlines()
    jsonl.write_text("\n".join(["{oops", *lines]) + "\n")
    result = frame64_cli("decode", str(jsonl), "--fail-fast", "-o", str(tmp_path / "{index}.{ext}"))
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lines.jsonl"]


# --------------------------------------------------------------------------
# lossy conversions get a note


def test_alpha_dropped_by_png_output_gets_a_note(files: dict[str, Path]) -> None:
    result = frame64_cli("encode", "--format", "png", str(files["rgba.png"]))
    assert result.returncode == 0
    assert result.stderr == f"frame64: note: {files['rgba.png']}: its transparency (alpha) is dropped " \
                            "(pass --pixel-format BGRA to keep it)\n"
    pixels = cv2.imdecode(np.frombuffer(base64.b64decode(result.stdout), np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(pixels, cv2.imread(str(files["rgba.png"]), cv2.IMREAD_COLOR))  # the colour, no alpha
    kept = frame64_cli("encode", "--format", "png", "--pixel-format", "BGRA", str(files["rgba.png"]))
    assert (kept.returncode, kept.stderr) == (0, "")
    pixels = cv2.imdecode(np.frombuffer(base64.b64decode(kept.stdout), np.uint8), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(pixels, cv2.imread(str(files["rgba.png"]), cv2.IMREAD_UNCHANGED))


def test_no_note_without_alpha(files: dict[str, Path]) -> None:
    result = frame64_cli("encode", "--format", "png", str(files["b.png"]), str(files["a.jpg"]))
    assert (result.returncode, result.stderr) == (0, "")


def test_alpha_dropped_by_jpeg_output_gets_a_note(files: dict[str, Path], tmp_path: Path) -> None:
    result = frame64_cli("encode", str(files["rgba.png"]))
    assert result.returncode == 0 and "transparency (alpha) is dropped (JPEG has none)" in result.stderr
    source = tmp_path / "in.txt"
    source.write_text(base64.b64encode(files["rgba.png"].read_bytes()).decode())
    decoded = frame64_cli("decode", str(source), "-o", str(tmp_path / "out.jpg"))
    assert decoded.returncode == 0
    assert decoded.stderr == f"frame64: note: {source}: its transparency (alpha) is dropped (JPEG has none)\n"


def test_quality_on_an_unchanged_jpeg_gets_a_note(files: dict[str, Path], tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text(base64.b64encode(files["a.jpg"].read_bytes()).decode())
    result = frame64_cli("decode", str(source), "--quality", "50", "-o", str(tmp_path / "out.jpg"))
    assert result.returncode == 0 and "written unchanged" in result.stderr
    assert (tmp_path / "out.jpg").read_bytes() == files["a.jpg"].read_bytes()


@pytest.mark.parametrize(("mode", "transparency"), [("RGB", None), ("RGBA", None), ("L", None), ("LA", None),
                                                    ("P", None), ("P", 3), ("RGB", (1, 2, 3)), ("L", 7)])
def test_png_alpha_detection_agrees_with_pil(mode: str, transparency: Any) -> None:
    image = Image.fromarray(np.ascontiguousarray(camera_frame(9, 11)[:, :, ::-1])).convert(mode)
    data = pil_bytes(image, "PNG", **({} if transparency is None else {"transparency": transparency}))
    assert common.png_has_alpha(data) == Image.open(io.BytesIO(data)).has_transparency_data
