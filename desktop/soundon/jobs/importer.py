"""Importing batches into the library: scan, then fingerprint + probe + overview + the sound's
measures per take in a small thread pool (one in-process reading per take, media/take_reading.py;
PyAV decodes with the GIL released, so threads are enough), with every take written to the library
on the calling thread as soon as it is ready.

Each take's report from its sound's measures is stored with it, so a batch's level and translation
verdicts are there when its import ends; the analysis that follows adds the dialogue and the A/V
sync without decoding the sound for the measures again (jobs/analysis_job.py)."""
from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from soundon.core.file_names import shown
from soundon.core.ordinary_files import what_it_is
from soundon.core.take import SOUND_AT_IMPORT_SOURCE, Refusal, Take, prompt_group_key
from soundon.core.targets import DEFAULT_TARGET
from soundon.media.analysis import AnalysisError, sound_report
from soundon.media.batch_scan import BatchError, BatchScan, Candidate, scan
from soundon.media import tools
from soundon.media.fingerprint import fingerprint
from soundon.media.probe import MediaInfo, ProbeError
from soundon.media.take_reading import read_for_import
from soundon.store.library import Library, LibraryError

Progress = Callable[[int, int, str], None]  # done, total, file just finished


@dataclass
class ImportResult:
    added: list[Take] = field(default_factory=list)
    skipped: list[Refusal] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    batches: list[str] = field(default_factory=list)
    post_tracks: list[str] = field(default_factory=list)
    cancelled: bool = False

    def as_json(self) -> dict:
        return {
            "added": [take.as_json() for take in self.added],
            "skipped": [r.as_dict() for r in self.skipped],
            "refused": [r.as_dict() for r in self.refused],
            "batches": self.batches,
            "post_tracks": self.post_tracks,
            "cancelled": self.cancelled,
        }


@dataclass
class _Prepared:
    candidate: Candidate
    record: dict | None = None
    refusal: str = ""
    info: MediaInfo | None = None
    sound: dict | None = None       # the sound's measures, from the reading's one decode


def default_workers() -> int:
    # One more than the cores: a take's reading waits on the disk now and then (and a take PyAV
    # can't read goes to ffprobe, a process start), so a third worker keeps two cores busy.
    return max(2, min(8, (os.cpu_count() or 2) + 1))


class Importer:
    def __init__(self, library: Library, workers: int | None = None, *, background: bool = False):
        self.library = library
        self.workers = workers or default_workers()
        self.background = background      # the app's import: ffprobe and ffmpeg at a lower priority
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()

    def run(self, paths: list[str | Path], name: str | None = None, progress: Progress | None = None) -> ImportResult:
        result = ImportResult()
        plans = []
        for path in paths:
            if self._cancel.is_set():   # Stop while the batches are being looked at
                result.cancelled = True
                return result
            try:
                plans.append(scan(path))
            except BatchError as exc:
                result.refused.append(Refusal(shown(path), shown(str(exc))))
        if name and len(plans) > 1:
            raise LibraryError("--name gives one batch a name; import several batches without it.")
        total = sum(len(p.candidates) for p in plans)
        done = 0
        for plan in plans:
            batch = _BatchFor(self.library, plan, name, result)
            result.refused.extend(plan.refused)
            result.post_tracks.extend(str(p) for p in plan.post_tracks)
            for prepared in self._prepare_all(plan.candidates):
                done += 1
                self._store(batch, prepared, result)
                if progress:
                    progress(done, total, str(prepared.candidate.path))
            if self._cancel.is_set():
                result.cancelled = True
                break
        return result

    def _prepare_all(self, candidates: list[Candidate]):
        """Yield prepared takes as they finish, keeping at most a few in flight."""
        if not candidates:
            return
        # A take PyAV can't read is handed to ffprobe: a missing or broken ffprobe is said before
        # any work, as the installation problem it is, not on the first odd file of a batch.
        tools.ffprobe()
        cache = self.library.cache_dir
        # Workers check this snapshot instead of sharing the library's connection across threads.
        self._known = self.library.fingerprints()
        pending: set[Future] = set()
        queue = iter(candidates)
        with ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="import") as pool:
            while True:
                while len(pending) < self.workers * 2 and not self._cancel.is_set():
                    candidate = next(queue, None)
                    if candidate is None:
                        break
                    pending.add(pool.submit(self._prepare, candidate, cache))
                if not pending:
                    return
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()

    def _prepare(self, candidate: Candidate, cache: Path) -> _Prepared:
        prepared = _Prepared(candidate)
        try:
            status = candidate.path.stat()
            if kind := what_it_is(status.st_mode):   # swapped for a FIFO or device since the scan
                prepared.refusal = f"{kind}, not an ordinary file"
                return prepared
            size = status.st_size
            if size == 0:
                prepared.refusal = "the file is empty (zero bytes)"
                return prepared
            print_ = fingerprint(candidate.path)
            if print_ in self._known:
                prepared.record = {"fingerprint": print_, "size": size}
                return prepared
            reading = read_for_import(candidate.path, cache / f"{print_}.jpg", cache / f"{print_}.peaks.npy",
                                      background=self.background)
            info, overview = reading.info, reading.overview
            prepared.info, prepared.sound = info, reading.sound
            if not info.has_video:
                prepared.refusal = "audio only: no video stream (put post tracks beside the takes, they are not takes)"
                return prepared
            # Without an overview the take is still usable; the browser shows a placeholder.
            thumbnail = overview.thumbnail.name if overview and overview.thumbnail else ""
            waveform = overview.waveform.name if overview and overview.waveform else ""
        except ProbeError as exc:
            prepared.refusal = str(exc)
            return prepared
        except OSError as exc:
            prepared.refusal = f"it can't be read ({exc.strerror or exc})"
            return prepared
        meta = candidate.metadata
        prepared.record = {
            "rel_path": candidate.rel_path, "fingerprint": print_, "size": size,
            "model": meta.model, "prompt": meta.prompt, "prompt_group": prompt_group_key(meta.prompt),
            "seed": meta.seed, "variation": meta.variation, "generated_at": meta.generated_at,
            "duration": info.duration, "width": info.width, "height": info.height,
            "rotation": info.rotation, "display_width": info.display_width,
            "display_height": info.display_height, "fps": info.fps,
            "variable_frame_rate": int(info.variable_frame_rate), "video_codec": info.video_codec,
            "audio_codec": info.audio_codec, "has_audio": int(info.has_audio),
            "audio_channels": info.audio_channels, "channel_layout": info.channel_layout,
            "sample_rate": info.sample_rate, "bit_rate": info.bit_rate,
            "creation_time": info.creation_time, "container": info.container,
            "thumbnail": thumbnail, "waveform": waveform,
        }
        return prepared

    def _store(self, batch: "_BatchFor", prepared: _Prepared, result: ImportResult) -> None:
        path = str(prepared.candidate.path)
        if prepared.refusal:
            result.refused.append(Refusal(path, prepared.refusal))
            return
        record = prepared.record
        existing = self.library.take_by_fingerprint(record["fingerprint"])
        if existing:
            where = "" if existing.path == path else f" as {existing.path}"
            result.skipped.append(Refusal(path, f"already in the library{where} (take {existing.id})"))
            return
        if "rel_path" not in record:  # was in the library when prepared, removed since: rare, retry later
            result.skipped.append(Refusal(path, "already in the library"))
            return
        take_id = self.library.add_take(batch.id(), record)
        self._store_sound_report(take_id, batch.target(), prepared)
        result.added.append(self.library.take(take_id))

    def _store_sound_report(self, take_id: int, target: str, prepared: _Prepared) -> None:
        info = prepared.info
        if info is None or (info.has_audio and prepared.sound is None):
            return   # not measured here (read by ffprobe, or not measurable): the analysis says why
        try:
            report = sound_report(prepared.candidate.path, info, prepared.sound, target)
        except AnalysisError:
            return
        report.update(source=SOUND_AT_IMPORT_SOURCE, measured_on="native audio", take_id=take_id)
        self.library.save_analysis(take_id, target, report)


class _BatchFor:
    """The batch a scanned folder or manifest goes into. Its name is settled (and a clash refused)
    before any work; the batch itself is made only when its first take is added, so an import that
    adds nothing leaves no empty batch behind."""

    def __init__(self, library: Library, plan: BatchScan, name: str | None, result: ImportResult):
        self.library, self.plan, self.result = library, plan, result
        self.batch = library.batch_named(name) if name else library.batch_for_root(plan.root, plan.source)
        if self.batch and not self._is_here(self.batch):
            raise LibraryError(f"A batch named {name!r} already exists at {self.batch['root']}. "
                               "Choose another name with --name.")
        if self.batch:
            self.name = self.batch["name"]
            result.batches.append(self.name)
        else:
            self.name = name or self._free_name(plan.default_name or "Batch")

    def _is_here(self, batch: dict) -> bool:
        return Path(batch["root"]) == self.plan.root and batch["source"] == self.plan.source

    def _free_name(self, wanted: str) -> str:
        candidate, n = wanted, 2
        while (other := self.library.batch_named(candidate)) and not self._is_here(other):
            candidate, n = f"{wanted} ({n})", n + 1
        return candidate

    def target(self) -> str:
        """The delivery target the batch's takes are judged against."""
        return (self.batch or {}).get("target") or DEFAULT_TARGET

    def id(self) -> int:
        if self.batch is None:
            self.batch = self.library.add_batch(self.name, self.plan.root, self.plan.source)
            self.result.batches.append(self.batch["name"])
        return self.batch["id"]
