"""The command pays only for what its verb uses: `soundon swap` never loads the library's SQLite
layer, scipy, Qt or the analysis, which cost seconds of start-up on a busy machine."""
from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("scipy", "PySide6", "sqlite_utils", "soundon.store.library",
         "soundon.media.audio_graph", "soundon.media.analysis", "pedalboard")


def _imported(*argv: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "soundon", *argv],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}


@pytest.mark.parametrize("argv", [("swap", "--help"), ("--help",)])
def test_swap_and_help_load_nothing_heavy(argv):
    modules = _imported(*argv)
    assert "soundon.cli" in modules          # the figure was measured
    loaded = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert not loaded, f"soundon {' '.join(argv)} imported {loaded}"


def test_version_still_reported():
    proc = subprocess.run([sys.executable, "-m", "soundon", "--version"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and proc.stdout.startswith("Sound-On ") and "unknown" not in proc.stdout
