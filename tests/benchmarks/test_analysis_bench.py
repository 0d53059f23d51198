"""make bench: analysis speed (the translation report), for one take and for a batch in the job."""
from __future__ import annotations

import time

import pytest

from soundon.jobs.analysis_job import AnalysisJob
from soundon.jobs.importer import Importer
from soundon.media.analysis import analyze

pytestmark = pytest.mark.bench


def test_analysis_speed(media, tmp_path, library):
    print()
    for seconds in (10, 60):
        take = media.clip(f"a{seconds}.mp4", duration=seconds, size="320x180",
                          audio="anoisesrc=c=pink:a=0.3:r=48000")
        analyze(take)  # warm the file cache
        runs = []
        for _ in range(3):
            started = time.perf_counter()
            analyze(take)
            runs.append(time.perf_counter() - started)
        best = min(runs)
        print(f"analysis of one {seconds} s take (AAC 48 kHz stereo, probe included): {best * 1000:.0f} ms = "
              f"{seconds / best:.0f}x real time (budget 100x)")
    folder = tmp_path / "batch"
    for n in range(10):
        media.clip(f"take{n}.mp4", folder=folder, duration=10, size="160x90",
                   audio=f"anoisesrc=c=pink:a=0.{n + 1}:r=48000")
    added = Importer(library).run([folder]).added
    started = time.perf_counter()
    outcome = AnalysisJob(library, [t.id for t in added]).run()
    elapsed = time.perf_counter() - started
    assert len(outcome.reports) == 10
    print(f"background analysis of a batch of 10 ten-second takes (job, {AnalysisJob(library, []).workers} "
          f"workers): {elapsed:.2f} s = {outcome.seconds_of_audio / elapsed:.0f}x real time")
