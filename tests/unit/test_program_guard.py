"""The suite may run only programs that packaging/bootstrap.sh installs (or every Debian system has)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from tests import program_guard
from tests.program_guard import ROOT, bootstrap_packages, judge

needs_dpkg = pytest.mark.skipif(not program_guard.DPKG_INFO.is_dir(), reason="checks need dpkg's file lists")


def test_bootstrap_names_what_the_suite_and_the_make_targets_run():
    packages = bootstrap_packages()
    # ffmpeg/ffprobe for media, xvfb(-run) and xauth for the virtual display, xdotool for typing
    assert {"ffmpeg", "xvfb", "xauth", "xdotool", "libvlc5"} <= packages
    assert not {"imagemagick", "imagemagick-6.q16"} & packages  # screenshots come from ffmpeg's x11grab


@pytest.fixture
def hand_installed():
    """make(name): a script outside any package and outside pytest's temporary folders, as a tool
    installed by hand (in /usr/local/bin, say) would be."""
    hand = Path(tempfile.mkdtemp(prefix="hand-installed-"))

    def make(name: str) -> Path:
        tool = hand / name
        tool.write_text("#!/bin/sh\nexit 0\n")
        tool.chmod(0o755)
        return tool

    yield make
    shutil.rmtree(hand)


@needs_dpkg
def test_ffmpeg_from_its_debian_package_is_allowed():
    verdict = judge(shutil.which("ffmpeg"))
    assert verdict.allowed, verdict.why
    assert "ffmpeg" in verdict.why


@needs_dpkg
@needs_dpkg
@pytest.mark.parametrize("seed", ["0", "1", "2", "3"])
def test_a_link_bootstrap_installs_is_allowed_whoever_owns_its_target(seed):
    """/usr/bin/strip is binutils' link to x86_64-linux-gnu-strip, which belongs to a package binutils
    pulls in. Which of the two owners was found depended on a set's order (its hash seed)."""
    strip = shutil.which("strip")
    if strip is None or os.path.realpath(strip) == strip:
        pytest.skip("no strip link on this machine")
    code = f"from tests.program_guard import judge; v = judge({strip!r}); print(v.allowed, v.why)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "PYTHONHASHSEED": seed}, check=True).stdout
    assert out.startswith("True"), out


def test_a_program_installed_by_hand_is_refused(hand_installed):
    verdict = judge(str(hand_installed("convert")))
    assert not verdict.allowed
    assert "not installed by any Debian package" in verdict.why


@needs_dpkg
def test_a_program_of_a_package_bootstrap_does_not_install_is_refused():
    allowed = bootstrap_packages() | program_guard.base_system_packages()
    other = next(((path, pkg) for path, pkg in program_guard._owners().items()
                  if pkg not in allowed and path.startswith("/usr/bin/") and os.access(path, os.X_OK)), None)
    if other is None:
        pytest.skip("every installed program here belongs to bootstrap's or the base system's packages")
    verdict = judge(other[0])
    assert not verdict.allowed
    assert other[1] in verdict.why


@needs_dpkg
def test_the_suite_fails_a_test_that_runs_a_hand_installed_program(tmp_path, hand_installed):
    """The guard as the suite uses it: an inner pytest run whose test calls a hand-installed program."""
    tool = hand_installed("import")
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "conftest.py").write_text(
        "from tests.conftest import pytest_configure, pytest_unconfigure, _programs_from_bootstrap_only\n")
    (inner / "test_screenshot.py").write_text(textwrap.dedent(f"""
        import subprocess
        def test_takes_a_screenshot():
            subprocess.run([{str(tool)!r}, "-window", "root", "shot.png"], check=True)
        def test_runs_ffmpeg():
            subprocess.run(["ffmpeg", "-hide_banner", "-version"], check=True, capture_output=True)
    """))
    proc = subprocess.run([sys.executable, "-m", "pytest", str(inner), "-q", "-p", "no:cacheprovider",
                           "--rootdir", str(inner), "-o", "addopts="],
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'desktop'}"})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "2 passed" in out and "1 error" in out, out
    assert "a fresh machine won't have" in out and str(tool) in out, out
