"""A large count's prompt checks run in a child process: the figures are the ones the job's own
thread would have counted, and a cancelled job stops the process."""
from __future__ import annotations

import time
from types import SimpleNamespace

from soundon.core.model_stats import CheckCache, pick_statistics
from soundon.jobs import needs_process
from tests.takes import a_take

PROMPTS = ('A detective whispers slowly, in a hoarse voice: "We are not alone." Rain patters on the window.',
           "A forest at dawn. Sound: birdsong, leaves rustling, a stream, then wind rising in the branches.",
           "A drum kit, a bass line and a crowd singing along in a stadium.", "")


def _takes():
    return [a_take(model=("Kling 3.0", "Veo 3.1")[n % 2], prompt=PROMPTS[n % 4], duration=4.0 + n % 3,
                   flag=("pick", "reject", "none")[n % 3]) for n in range(36)]


def test_needs_from_a_child_process_give_the_threads_figures():
    takes = _takes()
    on_the_thread = pick_statistics(takes, CheckCache()).as_dict()
    checks = CheckCache()
    needs_process.learn_needs(checks, takes, SimpleNamespace(cancelled=False), in_a_process_from=1)
    assert checks.unknown(takes) == []
    assert pick_statistics(takes, checks).as_dict() == on_the_thread


def test_a_cancelled_job_stops_the_process_at_once():
    takes = _takes()
    checks = CheckCache()
    start = time.monotonic()
    needs_process.learn_needs(checks, takes, SimpleNamespace(cancelled=True), in_a_process_from=1)
    assert time.monotonic() - start < 5
    assert checks.unknown(takes)   # nothing learnt
