"""The audio needs of many prompts, worked out in a child process.

Checking a prompt is a few milliseconds of pure Python; the pick statistics of a library of 50,000
takes can need tens of thousands of checks. On a thread of the app that is minutes of the
interpreter taken from the window (each call from Qt into Python waits for it), so a large count
runs in a process of its own, in chunks, and stops with the job."""
from __future__ import annotations

import multiprocessing
import os

from soundon.core.model_stats import CheckCache, audio_needs
from soundon.jobs.qt_jobs import BackgroundJob

IN_A_PROCESS_FROM = 200   # fewer checks than this are quicker on the job's own thread
CHUNK = 250
POLL_S = 0.1


def learn_needs(checks: CheckCache, takes, job: BackgroundJob, *, in_a_process_from: int = IN_A_PROCESS_FROM) -> None:
    """Fill `checks` with the needs of these takes' prompts (nothing when the job is cancelled)."""
    unknown = checks.unknown(takes)
    if len(unknown) < in_a_process_from:
        checks.learn(audio_needs(unknown))
        return
    # At the lowest priority: on a two-core machine the window and the player keep theirs.
    pool = multiprocessing.get_context("spawn").Pool(1, initializer=os.nice, initargs=(19,))
    try:
        pending = [pool.apply_async(audio_needs, (unknown[i:i + CHUNK],)) for i in range(0, len(unknown), CHUNK)]
        for result in pending:
            while not job.cancelled and not result.ready():
                result.wait(POLL_S)
            if job.cancelled:
                return
            checks.learn(result.get())
    finally:
        pool.terminate()
        pool.join()
