"""A large library's pick statistics are counted in a child process: the figures are the ones the
job's own thread counts, the needs it learnt come back for the next count, and a cancelled job
stops the process at once."""
from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from soundon.core.audio_need import NEEDS
from soundon.core.model_stats import CheckCache
from soundon.jobs import needs_process
from soundon.store.library import Library

PROMPTS = ('A detective whispers slowly, in a hoarse voice: "We are not alone." Rain patters on the window.',
           "A forest at dawn. Sound: birdsong, leaves rustling, a stream, then wind rising in the branches.",
           "A drum kit, a bass line and a crowd singing along in a stadium.", "")


@pytest.fixture
def library(tmp_path):
    library = Library(tmp_path / "lib.sqlite")
    batch = library.add_batch("Batch", tmp_path / "batch")
    for n in range(36):
        take_id = library.add_take(batch["id"], {
            "rel_path": f"take_{n:02d}.mp4", "fingerprint": f"fp{n}", "size": 1,
            "model": ("Kling 3.0", "Veo 3.1")[n % 2], "prompt": PROMPTS[n % 4], "duration": 4.0 + n % 3})
        library.set_flag(take_id, ("pick", "reject", "none")[n % 3])
        library.set_rating(take_id, n % 6)
    yield library
    library.close()


def _count(library, checks, cancelled=False, in_a_process_from=1):
    return needs_process.count_pick_statistics(library, checks, SimpleNamespace(cancelled=cancelled),
                                               in_a_process_from=in_a_process_from)


def test_the_child_process_counts_the_figures_the_thread_counts(library):
    on_the_thread = _count(library, CheckCache(), in_a_process_from=10_000).as_dict()
    checks = CheckCache()
    in_a_process = _count(library, checks)
    assert in_a_process.as_dict() == on_the_thread
    assert on_the_thread["models"][0]["takes"] == 18 and on_the_thread["models"][0]["picked"] == 6
    assert checks.unknown(library.decided_takes()) == []   # the needs it learnt came back


def test_needs_known_before_are_not_checked_again_in_the_child(library, monkeypatch):
    checks = CheckCache()
    _count(library, checks, in_a_process_from=10_000)
    known = checks.needs()
    # The child counts with the needs the parent knows, not with checks of its own: a need told to
    # it shows in its figures, though no check of that prompt gives it.
    untold = next(need for need in NEEDS if need not in known.values())
    checks.learn(dict.fromkeys(known, untold))
    figures = _count(library, checks)
    assert sum(m.takes for m in figures.needs[untold].models.values()) == 36


def test_a_cancelled_job_stops_the_process_at_once(library):
    checks = CheckCache()
    start = time.monotonic()
    assert _count(library, checks, cancelled=True) is None
    assert time.monotonic() - start < 5
    assert checks.unknown(library.decided_takes())   # nothing learnt


def test_a_small_library_with_many_new_prompts_is_checked_in_the_child(library, monkeypatch):
    """Few takes but many prompts to check is seconds of Python: not on the job's thread either."""
    on_the_thread = _count(library, CheckCache(), in_a_process_from=10_000).as_dict()

    def not_here(keys):
        raise AssertionError(f"{len(keys)} prompts checked on the job's thread")

    monkeypatch.setattr(needs_process, "audio_needs", not_here)   # the spawned child has its own
    monkeypatch.setattr(needs_process, "CHECKS_IN_A_PROCESS_FROM", 3)   # the library has 4 prompts
    assert _count(library, CheckCache(), in_a_process_from=10_000).as_dict() == on_the_thread
