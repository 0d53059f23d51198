"""The library's pick statistics, counted where they don't take the interpreter from the window.

Counting reads a row per take and checks each prompt's audio need: a few milliseconds of pure Python
per prompt, and for 50,000 takes hundreds of milliseconds for the rows alone. On a thread of the app
every millisecond of that is taken from the window: each call from Qt into Python (a paint, a model's
rows) waits for the interpreter, and a sort redrawn in 30 ms took 130 ms while a count ran beside it.
So a large library is counted whole (rows, checks and figures) in a child process at the lowest
priority, which hands back only the figures and the needs it learnt; a small one with few new
prompts is counted on the job's own thread, quicker than a process starts. A cancelled job stops the process at once."""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from soundon.core.model_stats import CheckCache, PickStatistics, audio_needs, pick_statistics
from soundon.jobs.qt_jobs import BackgroundJob
from soundon.store.library import Library

IN_A_PROCESS_FROM = 2000   # takes; fewer are read and counted on the job's own thread in milliseconds …
CHECKS_IN_A_PROCESS_FROM = 200   # … unless this many prompts need a check (a few ms of Python each)
POLL_S = 0.1


def count_pick_statistics(library: Library, checks: CheckCache, job: BackgroundJob, *,
                          in_a_process_from: int = IN_A_PROCESS_FROM) -> PickStatistics | None:
    """The library's figures (None when the job is cancelled); `checks` keeps the needs learnt, so the
    next count checks only new prompts."""
    if library.take_count() < in_a_process_from:
        takes = library.decided_takes()
        unknown = checks.unknown(takes)
        if len(unknown) < CHECKS_IN_A_PROCESS_FROM:
            checks.learn(audio_needs(unknown))
            return pick_statistics(takes, checks)
    # At the lowest priority: on a two-core machine the window and the player keep theirs.
    pool = multiprocessing.get_context("spawn").Pool(1, initializer=os.nice, initargs=(19,))
    try:
        result = pool.apply_async(_count_in_the_child, (str(library.path), checks.needs()))
        while not job.cancelled and not result.ready():
            result.wait(POLL_S)
        if job.cancelled:
            return None
        stats, learnt = result.get()
        checks.learn(learnt)
        return stats
    finally:
        pool.terminate()
        pool.join()


def _count_in_the_child(library_path: str, known: dict) -> tuple[PickStatistics, dict]:
    checks = CheckCache()
    checks.learn(known)
    library = Library(Path(library_path))
    try:
        takes = library.decided_takes()
    finally:
        library.close()
    learnt = audio_needs(checks.unknown(takes))
    checks.learn(learnt)
    return pick_statistics(takes, checks), learnt
