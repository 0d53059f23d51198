"""Import speed: 100 ten-second 720p takes (metadata + fingerprint + thumbnail + waveform + the
sound's loudness measures, stored as each take's report) against
DESIGN.md's budget (≥ 40 takes a second on two cores, in the end-of-run table) and against a plain
loop of ffprobe calls."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from soundon.jobs.importer import Importer
from soundon.media import tools
from soundon.media.synth import ClipSpec, make_clip
from soundon.store.library import Library

from .conftest import BUDGETS, budget, report

TAKES = 100
BUDGET_TAKES_PER_S = BUDGETS["import_rate"].limit


def _batch(bench_media: Path) -> Path:
    folder = bench_media / "import-100x10s"
    if len(list(folder.glob("*.mp4"))) == TAKES:
        return folder
    folder.mkdir(exist_ok=True)
    master = bench_media / "master-10s-720p.mp4"
    if not master.exists():
        make_clip(master, ClipSpec(duration=10, size="1280x720", fps="24",
                                   audio="anoisesrc=color=pink:amplitude=0.2:sample_rate=48000"))
    # Distinct content per take (a tag in the index) without re-encoding a hundred times.
    for i in range(TAKES):
        model = ("kling", "veo", "seedance", "bach")[i % 4]
        subprocess.run([tools.ffmpeg().path, "-v", "error", "-y", "-i", str(master), "-map", "0", "-c", "copy",
                        "-metadata", f"comment=take {i}", str(folder / f"{model}_take_{i:03d}.mp4")], check=True)
    return folder


@pytest.mark.bench
def test_import_speed(bench_media, tmp_path):
    folder = _batch(bench_media)
    files = sorted(folder.glob("*.mp4"))

    start = time.perf_counter()
    for f in files:
        subprocess.run([tools.ffprobe().path, "-v", "error", "-show_format", "-show_streams", "-of", "json",
                        str(f)], check=True, capture_output=True)
    ffprobe_loop = time.perf_counter() - start

    library = Library(tmp_path / "bench.sqlite")
    start = time.perf_counter()
    result = Importer(library).run([folder])
    elapsed = time.perf_counter() - start
    assert len(result.added) == TAKES and not result.refused
    rate = TAKES / elapsed
    report("Import: 100 × 10 s 1280x720 H.264 takes (probe + fingerprint + thumbnail + waveform + loudness)", [
        ("import", f"{elapsed:.2f} s = {rate:.1f} takes/s (budget ≥ {BUDGET_TAKES_PER_S:.0f}/s)"),
        ("plain ffprobe loop", f"{ffprobe_loop:.2f} s = {TAKES / ffprobe_loop:.1f} files/s"),
        ("ratio import / ffprobe loop", f"{elapsed / ffprobe_loop:.2f}×"),
        ("verdict", "within budget" if rate >= BUDGET_TAKES_PER_S else "OVER BUDGET"),
    ])
    budget("import_rate", rate)
