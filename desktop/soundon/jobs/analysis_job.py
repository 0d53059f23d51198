"""Analysing takes in the background: a translation report per take, stored in the library.

A plain-Python job (run / cancel / progress), like the importer: the app runs `run()` on a worker
thread and hears about each stored result through the library's change notification ("analysis");
the CLI runs it in the foreground. Decoding happens in ffmpeg processes, so a small thread pool
analyses takes side by side; results are written on the thread that called `run()`.

Which target: the batch's delivery target unless one is given. A take is due when it has no
analysis yet, or one made against another target (the batch's target changed), or one of other
sound than it will deliver.

What is measured: what the export will deliver. A take whose verdict is replace and which has a
post track is measured on its post mix as the swap writes it (the swap job lays the track, applies
the level and the native bed, into a temporary WAV); every other take on its native audio. The
report says which (`measured_on`), and records the source it measured (`source`) so a change of
track, spec or verdict makes the take due again.
"""
from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from soundon.core.swap_spec import SwapSpecError
from soundon.core.take import NATIVE_SOURCE, SOUND_AT_IMPORT_SOURCE, Take
from soundon.core.targets import DEFAULT_TARGET, target_named
from soundon.core.translation import DEFAULT_ENVIRONMENT
from soundon.media.analysis import AnalysisCancelled, AnalysisError, analyze
from soundon.jobs.swap_job import SwapJob, SwapRequest
from soundon.media.probe import MediaInfo, ProbeError
from soundon.media.sound_measure import FIELDS as SOUND_FIELDS
from soundon.media.swap_errors import Cancelled, SwapError
from soundon.store.library import Library

Progress = Callable[[int, int, int], None]  # done, total, take id just finished


@dataclass
class AnalysisOutcome:
    reports: dict[int, dict] = field(default_factory=dict)     # take id → report
    failed: dict[int, str] = field(default_factory=dict)       # take id → plain reason
    cancelled: bool = False
    seconds_of_audio: float = 0.0


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 2))


def takes_due(library: Library, batch: str | None = None) -> list[int]:
    """Takes without an analysis, or analysed against a target other than their batch's, or on
    other sound than the take will deliver. Decided in SQL but for the takes whose delivered sound
    hangs on a post track: the app looks on opening, and a library can hold 50,000 takes."""
    candidates = library.analysis_candidates(batch)
    whole = library.takes_by_ids([take_id for take_id, sure in candidates if not sure])
    return [take_id for take_id, sure in candidates
            if sure or (take_id in whole and not whole[take_id].analysis_current)]


def _missing(path) -> str:
    return f"the file {path} is missing (was the batch moved? re-link it with soundon relink)"


def _info_from_take(take: Take) -> MediaInfo:
    """What import already probed: no need to run ffprobe again."""
    return MediaInfo(duration=take.duration, has_video=True, fps=take.fps, has_audio=take.has_audio,
                     audio_channels=take.audio_channels, sample_rate=take.sample_rate,
                     channel_layout=take.channel_layout, audio_codec=take.audio_codec)


class AnalysisJob:
    def __init__(self, library: Library, take_ids: list[int], *, target: str | None = None,
                 workers: int | None = None, background: bool = False, volume_db: float = 0.0,
                 environment: str = DEFAULT_ENVIRONMENT):
        if target is not None:
            target_named(target)  # refuse an unknown target before any work
        self.library = library
        self.take_ids = list(take_ids)
        self.target = target
        self.workers = workers or default_workers()
        self.background = background      # the app's run: decode at a lower priority
        self.volume_db, self.environment = volume_db, environment   # where the dialogue is judged
        self._cancel = threading.Event()
        self._mixing: set[SwapJob] = set()
        self._mixing_lock = threading.Lock()

    def cancel(self) -> None:
        self._cancel.set()
        with self._mixing_lock:
            for job in self._mixing:
                job.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self, progress: Progress | None = None) -> AnalysisOutcome:
        outcome = AnalysisOutcome()
        work: list[Take | tuple[int, str]] = []   # a take to analyse, or (take id, path) of a missing file
        for start in range(0, len(self.take_ids), 500):   # one query per 500 takes, not one per take
            chunk = self.take_ids[start:start + 500]
            paths = self.library.take_paths(chunk)
            # A moved batch of thousands of takes fails by the file's absence alone, without reading
            # each take whole or handing it to a worker.
            found = self.library.takes_by_ids([i for i in chunk if i in paths and os.path.isfile(paths[i])])
            for take_id in chunk:
                if take_id not in paths:
                    outcome.failed[take_id] = "it is no longer in the library"
                else:
                    work.append(found.get(take_id) or (take_id, paths[take_id]))
        total, done = len(work), 0
        pending: set[Future] = set()
        queue = iter(work)
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="analysis") as pool:
            while True:
                while len(pending) < self.workers and not self._cancel.is_set():
                    take = next(queue, None)
                    if take is None:
                        break
                    if not isinstance(take, Take):
                        take_id, path = take
                        done += 1
                        outcome.failed[take_id] = _missing(path)
                        if progress:
                            progress(done, total, take_id)
                        continue
                    future = pool.submit(self._analyse, take, self._measured_at_import(take))
                    future.take = take
                    pending.add(future)
                if not pending:
                    break
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    take = future.take
                    done += 1
                    try:
                        target, report = future.result()
                    except AnalysisCancelled:
                        continue
                    except (ProbeError, AnalysisError, SwapError, OSError) as exc:
                        outcome.failed[take.id] = str(exc)
                    else:
                        self.library.save_analysis(take.id, target, report)
                        outcome.reports[take.id] = report
                        outcome.seconds_of_audio += float(report.get("duration") or 0.0)
                    if progress:
                        progress(done, total, take.id)
        outcome.cancelled = self._cancel.is_set()
        return outcome

    def _measured_at_import(self, take: Take) -> dict | None:
        """The native sound's measures the import stored, when the take will deliver its native
        sound (read here, on the thread that owns the library's connection)."""
        if take.analysis_source != SOUND_AT_IMPORT_SOURCE or take.delivery_source() != NATIVE_SOURCE:
            return None
        stored = self.library.analysis(take.id) or {}
        return {key: stored[key] for key in SOUND_FIELDS} if all(key in stored for key in SOUND_FIELDS) else None

    def _analyse(self, take: Take, sound: dict | None = None) -> tuple[str, dict]:
        if self._cancel.is_set():  # re-checked when the work actually starts
            raise AnalysisCancelled()
        path = Path(take.path)
        if not path.is_file():
            raise AnalysisError(_missing(path))
        target = self.target or take.batch_target or DEFAULT_TARGET
        source = take.delivery_source()
        if source == NATIVE_SOURCE:
            report = analyze(path, target, info=_info_from_take(take), cancel=self._cancel, background=self.background,
                             volume_db=self.volume_db, environment=self.environment, sound=sound)
            report["measured_on"] = "native audio"
        else:
            report = self._analyse_post_mix(take, target)
        report["source"] = source
        report["take_id"] = take.id
        return target, report

    def _analyse_post_mix(self, take: Take, target: str) -> dict:
        swap = take.delivered_swap()
        with tempfile.TemporaryDirectory(prefix="soundon-post-mix-") as folder:
            wav = Path(folder) / "post-mix.wav"
            job = SwapJob(SwapRequest(video=Path(take.path), out=Path(folder) / "delivered.mp4",
                                      track=Path(swap.path), spec=swap.spec, verify=False,
                                      expected_fingerprint=take.fingerprint))
            with self._mixing_lock:
                self._mixing.add(job)
            try:
                if self._cancel.is_set():
                    raise AnalysisCancelled()
                job.write_delivered_audio(wav)
                report = analyze(wav, target, cancel=self._cancel, background=self.background,
                                 volume_db=self.volume_db, environment=self.environment)
            except Cancelled:
                raise AnalysisCancelled() from None
            except SwapSpecError as exc:
                raise AnalysisError(f"its post track can't be laid as stored ({exc})") from None
            finally:
                with self._mixing_lock:
                    self._mixing.discard(job)
        report["file"] = take.path
        report["measured_on"] = "post mix"
        report["post_track"] = swap.path
        report["summary"] = report["summary"].removesuffix(".") + " (measured on the post mix)."
        return report
