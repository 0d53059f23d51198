"""The CI workflows: actionlint passes over them (so `make test` catches a broken workflow before a
runner does), the release workflow has a job per platform, and it downloads only pinned archives."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.unit.test_bundle_layout import layout

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
RELEASE = WORKFLOWS / "release.yml"


def _actionlint() -> str:
    # The binary comes with the test extra's wheel, beside the interpreter running the tests.
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent))
    assert found, "actionlint is missing: `make setup` installs it with the test extra (pyproject.toml)"
    return found


def test_the_workflows_pass_actionlint():
    files = sorted(str(p) for p in WORKFLOWS.glob("*.yml"))
    assert [Path(f).name for f in files] == ["release.yml", "test.yml"]
    # shellcheck and pyflakes are left out: whether they are installed would change the verdict.
    result = subprocess.run([_actionlint(), "-shellcheck=", "-pyflakes=", *files],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(RELEASE.read_text().replace("runs-on: windows-2022", "runs-on: windows-1999"))
    result = subprocess.run([_actionlint(), "-shellcheck=", "-pyflakes=", str(broken)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and 'label "windows-1999" is unknown' in result.stdout


def test_the_release_workflow_builds_and_smoke_tests_each_platform():
    text = RELEASE.read_text()
    jobs = set(re.findall(r"^  ([a-z0-9_-]+):$", text.split("\njobs:\n", 1)[1], re.M))
    assert jobs == {"windows-x64", "macos", "linux-x86_64"}
    assert "- arch: arm64" in text and "- arch: x86_64" in text
    for needed in ('python-version: "3.11"', ".[package,test]", "pytest tests/unit",
                   "build-windows.ps1", "build-macos.sh", "make package",
                   "--self-test", "check-self-test", "gdigrab", "avfoundation", "x11grab",
                   "actions/upload-artifact"):
        assert needed in text, needed
    assert "latest" not in text.replace("ubuntu-latest", "")


def test_the_release_workflow_fetches_only_pinned_archives():
    pins = layout.load_pins()
    text = RELEASE.read_text()
    fetched = re.findall(r"bundle_layout\.py fetch \"?([\w.${}\- ]+?)\"? downloads", text)
    assert len(fetched) == 5
    names = set()
    for name in fetched:
        names |= {name.replace("${{ matrix.arch }}", arch) for arch in ("arm64", "x86_64")}
    assert names <= set(pins), names - set(pins)
    assert "curl " not in text and "Invoke-WebRequest" not in text   # every download goes through the check
