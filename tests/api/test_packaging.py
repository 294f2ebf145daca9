"""Packaging: `python -m build` makes an sdist and a wheel, the wheel works in
a fresh virtual environment, and a machine without libturbojpeg gets either
one clear error or, when asked for, a working pure-Python install.

The builds take a minute or so; they are marked ``slow`` (cibuildwheel, which
tests each wheel it has just built, deselects them) and run in the normal suite.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NO_TURBOJPEG = {"PKG_CONFIG_PATH": "/nonexistent", "PKG_CONFIG_LIBDIR": "/nonexistent"}


def run(command: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None,
        check: bool = True) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FRAME64_", "PKG_CONFIG"))}
    environment.update(env or {})
    result = subprocess.run(command, env=environment, cwd=cwd, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def build(source: Path, outdir: Path, *args: str, env: dict[str, str] | None = None,
          check: bool = True) -> subprocess.CompletedProcess[str]:
    """python -m build, isolated: build requirements come from the index, as on a fresh machine."""
    return run([sys.executable, "-m", "build", "--outdir", str(outdir), *args, str(source)], env=env, check=check)


@pytest.fixture(scope="session")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An sdist, and a wheel built from that sdist (build's default), once per session."""
    pytest.importorskip("build", reason="python -m build is in the test extras")
    outdir = tmp_path_factory.mktemp("dist")
    build(ROOT, outdir)
    return outdir


@pytest.fixture(scope="session")
def unpacked_sdist(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    (sdist,) = dist.glob("frame64-*.tar.gz")
    target = tmp_path_factory.mktemp("sdist")
    with tarfile.open(sdist) as archive:
        if hasattr(tarfile, "data_filter"):  # Python 3.12, and the 3.9-3.11 security releases
            archive.extractall(target, filter="data")
        else:
            archive.extractall(target)
    (root,) = target.iterdir()
    return root


@pytest.fixture(scope="session")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment without the system's site-packages."""
    venv = tmp_path_factory.mktemp("venv")
    run([sys.executable, "-m", "venv", str(venv)])
    return venv


def venv_python(venv: Path) -> str:
    return str(venv / "bin" / "python")


@pytest.mark.slow
def test_sdist_holds_the_sources_and_nothing_built(dist: Path) -> None:
    (sdist,) = dist.glob("frame64-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    for required in ("pyproject.toml", "CMakeLists.txt", "README.md", "src/frame64/__init__.py",
                     "src/frame64/_core.pyi", "src/frame64/py.typed", "scripts/install-system-deps.sh",
                     "scripts/build-wheel.sh", "cpp/bindings/module.cpp"):
        assert required in names, required
    assert not any(name.startswith(("build/", ".venv/", "dist/")) or name.endswith(".so") for name in names)


@pytest.mark.slow
def test_wheel_holds_the_extension_stub_and_command(dist: Path) -> None:
    (wheel,) = dist.glob("frame64-*.whl")
    assert "-none-any" not in wheel.name  # a platform wheel: the extension is in it
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n).decode() for n in names if n.endswith("entry_points.txt"))
    assert any(name.startswith("frame64/_core.") and name.endswith((".so", ".pyd")) for name in names)
    assert {"frame64/_core.pyi", "frame64/py.typed", "frame64/__main__.py", "frame64/cli/__init__.py"} <= names
    assert "frame64 = frame64.cli:main" in entry_points


@pytest.mark.slow
def test_wheel_works_in_a_fresh_venv(dist: Path, fresh_venv: Path, tmp_path: Path) -> None:
    (wheel,) = dist.glob("frame64-*.whl")
    run([venv_python(fresh_venv), "-m", "pip", "install", "-q", str(wheel)])
    check = (
        "import frame64, numpy as np\n"
        "from frame64._sample import camera_frame\n"
        "assert frame64.backend == 'cpp', frame64.backend\n"
        "uri = frame64.encode(camera_frame(48, 64), data_uri=True)\n"
        "assert uri.startswith('data:image/jpeg;base64,/9j/'), uri[:40]\n"
        "print(frame64.__file__)\n"
    )
    result = run([venv_python(fresh_venv), "-c", check], env={"FRAME64_BACKEND": "cpp"}, cwd=tmp_path)
    assert str(fresh_venv) in result.stdout  # the installed copy, not the source tree
    version = run([str(fresh_venv / "bin" / "frame64"), "--version"], cwd=tmp_path)
    assert version.stdout.startswith("frame64 ") and "backend cpp" in version.stdout


@pytest.mark.slow
def test_missing_libturbojpeg_stops_the_build_with_one_clear_message(unpacked_sdist: Path, tmp_path: Path) -> None:
    result = build(unpacked_sdist, tmp_path, "--wheel", env=NO_TURBOJPEG, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "libturbojpeg0-dev" in output  # the package to install, from CMakeLists.txt
    assert "FRAME64_ALLOW_PURE_PYTHON=1" in output  # and the way to a pure-Python install
    assert not list(tmp_path.glob("*.whl"))


@pytest.mark.slow
def test_pure_python_install_when_asked_for(unpacked_sdist: Path, fresh_venv: Path, tmp_path: Path) -> None:
    outdir = tmp_path / "dist"
    result = build(unpacked_sdist, outdir, "--wheel", env={**NO_TURBOJPEG, "FRAME64_ALLOW_PURE_PYTHON": "1"})
    assert "installed WITHOUT the C++ extension" in result.stdout + result.stderr
    (wheel,) = outdir.glob("frame64-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert not any(name.startswith("frame64/_core.") and not name.endswith(".pyi") for name in archive.namelist())
    venv = tmp_path / "venv"
    shutil.copytree(fresh_venv, venv, symlinks=True)  # keep the shared venv's cpp install untouched
    run([venv_python(venv), "-m", "pip", "install", "-q", "numpy"])  # present if the cpp test ran first
    run([venv_python(venv), "-m", "pip", "install", "-q", "--force-reinstall", "--no-deps", str(wheel)])
    result = run([venv_python(venv), "-c", "import frame64; print(frame64.backend)"], cwd=tmp_path)
    assert result.stdout.strip() == "python"
    required = run([venv_python(venv), "-c", "import frame64"], env={"FRAME64_BACKEND": "cpp"}, cwd=tmp_path,
                   check=False)
    assert required.returncode != 0 and "FRAME64_BACKEND=cpp" in required.stderr


def test_build_configuration() -> None:
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    skbuild = config["tool"]["scikit-build"]
    (override,) = [o for o in skbuild["overrides"] if o["if"].get("failed")]
    assert override["if"]["env"] == {"FRAME64_ALLOW_PURE_PYTHON": True}  # opt-in only: CI never gets it
    assert override["wheel"]["cmake"] is False
    cibw = config["tool"]["cibuildwheel"]
    assert "FRAME64_BACKEND=cpp" in cibw["test-command"] and "pytest" in cibw["test-command"]
    assert "build-wheel.sh --deps-only" in cibw["linux"]["before-all"]  # the script that builds the wheel here
    assert cibw["linux"]["config-settings"] == {"cmake.define.FRAME64_STATIC_DEPS": "ON"}
    extras = config["project"]["optional-dependencies"]
    assert any(req.startswith("mypy") for req in extras["test"])
    # Free-threaded wheels test with every test extra that has a free-threaded wheel on PyPI (the
    # verdict script then allows failures only for want of the three others).
    (threaded,) = [o for o in cibw["overrides"] if o["select"] == "*t-*"]
    no_ft_wheel = ("opencv-python-headless", "simplejpeg", "imagecodecs")
    assert sorted(threaded["test-requires"]) == sorted(r for r in extras["test"] if not r.startswith(no_ft_wheel))
    assert "PYTHON_GIL=0" in threaded["test-command"] and "freethreaded_verdict.py" in threaded["test-command"]
    assert any(req.startswith("opencv") for req in extras["video"])
    assert config["project"]["scripts"] == {"frame64": "frame64.cli:main"}


@pytest.mark.parametrize("script", ["install-system-deps.sh", "build-wheel.sh", "bare-wheel-test.sh", "freethreaded-test.sh"])
def test_scripts_parse(script: str) -> None:
    run(["bash", "-n", str(ROOT / "scripts" / script)])
