"""Swap speed against the bare ffmpeg remux (DESIGN.md budgets), run by `make bench`.

A 60 s 1080p H.264 take and a 60 s WAV post track, generated once into a media cache
(`.bench-cache/` in the repository, or $SOUNDON_BENCH_CACHE) and reused by later runs.

Timed in the same run, interleaved so that load from other work hits every variant alike:
- bare:   ffmpeg -i V -i A -map 0:v:0 -map 1:a:0 -c:v copy -c:a aac -shortest OUT
- swap with --gain (no loudness analysis), without and with verification;
- swap with --target social (loudness pre-pass), without and with verification;
- `soundon swap` on the command line (Python start-up included);
- re-encoding the video (libx264 at ffmpeg's default settings, as `-c:v copy` left out would do),
  timed once; the ratio is taken against the swap without verification (DESIGN.md's wording) and
  reported against the verified swap too.
Medians of SOUNDON_BENCH_RUNS runs (default 7). Budgets (DESIGN.md, in the end-of-run table): the
verified swap with its defaults ≤ 1.2× bare, with a loudness target ≤ 1.4×, and re-encoding the
video ≥ 20× the swap without verification.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from pathlib import Path

import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.swap_job import SwapJob, SwapRequest
from soundon.media import tools
from soundon.media.synth import ClipSpec, make_clip
from tests.benchmarks.conftest import budget
from tests.cli.conftest import SOUNDON

pytestmark = pytest.mark.bench

REPO = Path(__file__).resolve().parents[2]
CACHE = Path(os.environ.get("SOUNDON_BENCH_CACHE", REPO / ".bench-cache"))
RUNS = int(os.environ.get("SOUNDON_BENCH_RUNS", "7"))
RECIPE = "v1-60s-1920x1080-25fps-h264-ultrafast+60s-pink-wav"


@pytest.fixture(scope="module")
def bench_media() -> tuple[Path, Path]:
    CACHE.mkdir(parents=True, exist_ok=True)
    take, track, stamp = CACHE / "take-60s-1080p.mp4", CACHE / "post-60s.wav", CACHE / "media.recipe"
    if not (take.is_file() and track.is_file() and stamp.is_file() and stamp.read_text() == RECIPE):
        make_clip(take, ClipSpec(duration=60, size="1920x1080", fps="25", video_codec="h264"))
        make_clip(track, ClipSpec(duration=60, video="", audio="anoisesrc=color=pink:amplitude=0.1"))
        stamp.write_text(RECIPE)
    return take, track


def _timed(fn, before=None) -> float:
    if before:
        before()            # outside the timing: removing the last run's 100 MB output
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _ffmpeg(*args: str) -> None:
    subprocess.run([tools.ffmpeg().path, "-hide_banner", "-nostdin", "-loglevel", "error", "-y", *args],
                   check=True, timeout=900)


@pytest.mark.timeout(1800)      # seven rounds of six variants, and a libx264 encode, on a busy machine
def test_swap_speed_against_bare_ffmpeg(bench_media, tmp_path):
    take, track = bench_media
    bare_out, swap_out, cli_out = tmp_path / "bare.mp4", tmp_path / "swap.mp4", tmp_path / "cli.mp4"

    def bare():
        _ffmpeg("-i", str(take), "-i", str(track), "-map", "0:v:0", "-map", "1:a:0", "-c:v", "copy",
                "-c:a", "aac", "-shortest", str(bare_out))

    def swap(level: Level | None, verify: bool):
        def run():
            outcome = SwapJob(SwapRequest(take, swap_out, track, SwapSpec(level=level), verify=verify)).run()
            assert outcome.output == swap_out
            if verify:
                assert outcome.verification["ok"] and outcome.verification["video_identical"]
        return run

    def cli():
        subprocess.run([SOUNDON, "swap", str(take), "--audio", str(track), "--out", str(cli_out), "--json"],
                       check=True, capture_output=True, timeout=300)

    def clean():
        for path in (bare_out, swap_out, cli_out):
            path.unlink(missing_ok=True)

    variants = {
        "bare ffmpeg remux": bare,
        "swap, defaults, no verify": swap(None, False),
        "swap, defaults, verified": swap(None, True),
        "swap --target social, no verify": swap(Level(target="social"), False),
        "swap --target social, verified": swap(Level(target="social"), True),
        "soundon swap (CLI), defaults, verified": cli,
    }
    for fn in variants.values():        # warm the page cache and every code path once
        clean()
        fn()
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(RUNS):
        for name, fn in variants.items():
            times[name].append(_timed(fn, before=clean))
    medians = {name: statistics.median(values) for name, values in times.items()}

    reencode = _timed(lambda: _ffmpeg("-i", str(take), "-i", str(track), "-map", "0:v:0", "-map", "1:a:0",
                                      "-c:v", "libx264", "-c:a", "aac", "-shortest",
                                      str(tmp_path / "reencoded.mp4")))
    base = medians["bare ffmpeg remux"]
    report = {"runs": RUNS, "cpu_count": os.cpu_count(), "median_s": {k: round(v, 3) for k, v in medians.items()},
              "ratio_to_bare": {k: round(v / base, 3) for k, v in medians.items()},
              "reencode_video_s": round(reencode, 3),
              "reencode_over_swap": round(reencode / medians["swap, defaults, no verify"], 1),
              "reencode_over_verified_swap": round(reencode / medians["swap, defaults, verified"], 1),
              "all_runs_s": {k: [round(x, 3) for x in v] for k, v in times.items()}}
    (CACHE / "swap-bench-results.json").write_text(json.dumps(report, indent=2))
    print("\nswap benchmark: 60 s 1080p H.264 take + 60 s WAV, median of", RUNS, "runs")
    for name, value in medians.items():
        print(f"  {name:<38} {value:6.3f} s   {value / base:5.2f}× bare")
    print(f"  {'re-encoding the video (libx264)':<38} {reencode:6.3f} s   "
          f"{report['reencode_over_swap']:.1f}× the swap, {report['reencode_over_verified_swap']:.1f}× the verified swap")

    budget("swap_verified", medians["swap, defaults, verified"] / base)
    budget("swap_target", medians["swap --target social, verified"] / base)
    budget("swap_vs_reencode", reencode / medians["swap, defaults, no verify"])
