"""The one shape of background work (jobs.qt_jobs.BackgroundJob): the job's own library connection,
progress, cancel, and its outcome on the GUI thread; quit cancels every running job."""
from __future__ import annotations

import threading

import pytest

from soundon.jobs.qt_jobs import BackgroundJob, cancel_all
from soundon.store.library import LibraryError


class Heard:
    def __init__(self, job: BackgroundJob):
        self.progress, self.finished, self.failed, self.threads = [], [], [], []
        job.progress.connect(self.progress.append)
        job.finished.connect(lambda result: (self.finished.append(result),
                                             self.threads.append(threading.current_thread())))
        job.failed.connect(self.failed.append)


def count_takes(job: BackgroundJob) -> tuple[int, int]:
    job.report("counting")
    return threading.get_ident(), len(job.library.takes())


def test_the_work_gets_its_own_library_connection_and_the_result_comes_on_the_gui_thread(qtbot, library):
    job = BackgroundJob(count_takes, what="count", library=library)
    heard = Heard(job)
    with qtbot.waitSignal(job.finished, timeout=10000):
        job.start()
    [(worker, takes)] = heard.finished
    assert worker != threading.get_ident() and takes == 0
    assert heard.progress == ["counting"]
    assert heard.threads == [threading.main_thread()]
    assert not job.is_running()


def test_inline_jobs_deliver_the_same_signals_before_start_returns(qtbot, inline_jobs, library):
    job = BackgroundJob(count_takes, what="count", library=library)
    heard = Heard(job)
    job.start()
    assert heard.progress == ["counting"]
    assert heard.finished == [(threading.get_ident(), 0)]
    assert not job.is_running()


@pytest.mark.parametrize("error, said", [
    (LibraryError("The library is on a disk that is full."), "The library is on a disk that is full."),
    (KeyError("take"), "The count stopped on an unexpected problem (KeyError: 'take')."),
])
def test_a_job_that_fails_says_why_in_one_sentence(qtbot, inline_jobs, error, said):
    def fail(_job):
        raise error
    job = BackgroundJob(fail, what="count")
    heard = Heard(job)
    job.start()
    assert heard.failed == [said] and heard.finished == []


def test_cancel_all_stops_every_running_job_and_waits_for_them(qtbot):
    started = threading.Barrier(3)
    stopped = []

    def until_cancelled(job: BackgroundJob) -> str:
        woken = threading.Event()
        job.on_cancel(woken.set)     # as the importer's or export's own cancel would be
        started.wait(10)
        woken.wait(30)
        stopped.append(job.cancelled)
        return "stopped"

    jobs = [BackgroundJob(until_cancelled, what="wait") for _ in range(2)]
    heard = [Heard(job) for job in jobs]
    for job in jobs:
        job.start()
    started.wait(10)
    assert all(job.is_running() for job in jobs)
    assert cancel_all(timeout=10)
    assert stopped == [True, True] and not any(job.is_running() for job in jobs)
    # Their outcome still comes, on the GUI thread.
    qtbot.waitUntil(lambda: all(h.finished == ["stopped"] for h in heard), timeout=5000)


def test_a_job_cancelled_before_its_work_registers_its_hook_still_hears_it(qtbot, inline_jobs):
    calls = []

    def work(job: BackgroundJob) -> bool:
        job.on_cancel(lambda: calls.append("cancelled"))
        return job.cancelled

    job = BackgroundJob(work, what="wait")
    heard = Heard(job)
    job.cancel()
    job.start()
    assert calls == ["cancelled"] and heard.finished == [True]
