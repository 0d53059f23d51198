"""Exporting a batch's selects: one swap job per take, a manifest of what was written.

Which takes: every take of the batch that isn't rejected, or only the picks (`picked_only`).
What each gets:
- `replace`: its stored post track and swap spec (a spec without a level gets the batch's delivery
  target). A `replace` take with no stored post track fails with a message saying how to set one.
- `keep` (and `undecided`, which the manifest marks): the native audio, delivered as it is — copied
  without re-encoding when the container takes its codec, re-encoded without any level change when
  it doesn't. Loudness: a keep take's native audio is NOT normalised by default; it is the sound
  the editor approved, and the NLE downstream is where a final mix happens. Its loudness is
  measured and written in the manifest beside the batch's target so the editor sees which takes
  are off. `normalize_keep` brings them to the batch's target instead (their audio is then
  re-encoded).
- A take whose video can't go in the chosen container (ProRes in MP4) is written as .mov, and said.
Before anything is written, a pre-flight (jobs/export_preflight.py) lists what is wrong: it refuses
the takes whose file is missing or has changed on disk since the import (another file saved under
the take's name) and replace takes without a usable post track, each with its reason, and warns of
picks that won't translate and kept audio off the target; the others are exported. Exporting again
into a folder follows jobs/export_policy.py: an identical output already there is skipped and
reported, a changed one gets a new versioned name; nothing is ever overwritten. One failed take
never stops the others; the manifest (JSON and CSV, beside the files) records what was written,
how it verified, why anything failed, and each take's review (flag, rating, model, prompt,
verdicts, loudness, notes with timecodes, swap spec). Room for the manifest is set aside before
the first file is written (a small reserve file, given back just before the manifest is written),
so a disk that fills during the export still gets the record of what did get written.
Last, when the request names NLE files, they are written for the files just written
(jobs/handoff_job.py); a batch with no picks among them gets none, and the result says why.
"""
from __future__ import annotations

import csv
import io
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from soundon.core.handoff.selects import NothingToHandOff
from soundon.core.prompt_check import manifest_entry
from soundon.core.swap_spec import Level, SwapSpec
from soundon.core.take import Take
from soundon.core.targets import TARGETS
from soundon.core.timecode import format_timecode
from soundon.core.translation import verdict
from soundon.jobs import export_policy
from soundon.jobs.export_preflight import Finding, preflight
from soundon.jobs.handoff_job import HandoffResult, hand_off
from soundon.jobs.swap_job import SwapJob, SwapRequest
from soundon.media import destination
from soundon.media.fingerprint import fingerprint
from soundon.media.containers import suffix_for_video
from soundon.media.extra_streams import describe
from soundon.media.swap_errors import Cancelled, DestinationError, SwapError
from soundon.media.probe import ProbeError
from soundon.store.library import Library, LibraryError

FORMATS = {"mp4": ".mp4", "mov": ".mov"}


@dataclass
class ExportRequest:
    batch: str
    to: Path
    picked_only: bool = False
    format: str = "mp4"
    audio_codec: str | None = None
    normalize_keep: bool = False
    verify: bool = True
    nle: tuple[str, ...] = ()       # NLE files to write beside the media (jobs/handoff_job.py)


@dataclass
class ExportTick:
    """Progress: the file being written (1-based), how far it is, and how far the whole export is."""
    index: int
    total: int
    name: str
    file_fraction: float
    overall_fraction: float
    phase: str


@dataclass
class ExportItem:
    take_id: int
    source: str
    verdict: str
    status: str = "pending"         # written, skipped (the same file is there), failed, cancelled
    audio: str = ""                 # 'post track' or 'native'
    output: str = ""
    error: str = ""
    outcome: dict | None = None
    notes: list[str] = field(default_factory=list)
    prompt_check: dict | None = None    # the take's prompt check: score and findings
    review: dict | None = None      # the review data the manifest carries (ExportJob._review)
    delivery_key: str = ""          # what went into the output (export_policy)
    output_fingerprint: str = ""

    def as_dict(self) -> dict:
        return {"take_id": self.take_id, "source": self.source, "audio_verdict": self.verdict, "status": self.status,
                "audio": self.audio, "output": self.output, "error": self.error, "notes": self.notes,
                "review": self.review, "delivery_key": self.delivery_key,
                "output_fingerprint": self.output_fingerprint, "result": self.outcome,
                "prompt_check": self.prompt_check}


@dataclass
class ExportResult:
    batch: str
    destination: str
    items: list[ExportItem]
    manifest_json: str = ""
    manifest_csv: str = ""
    cancelled: bool = False
    seconds: float = 0.0
    nle: HandoffResult | None = None
    preflight: list[Finding] = field(default_factory=list)

    @property
    def written(self) -> list[ExportItem]:
        return [i for i in self.items if i.status == "written"]

    @property
    def skipped(self) -> list[ExportItem]:
        return [i for i in self.items if i.status == "skipped"]

    @property
    def failed(self) -> list[ExportItem]:
        return [i for i in self.items if i.status == "failed"]

    def as_dict(self) -> dict:
        return {"batch": self.batch, "destination": self.destination, "manifest": {
                "json": self.manifest_json, "csv": self.manifest_csv},
                "written": len(self.written), "skipped": len(self.skipped), "failed": len(self.failed),
                "cancelled": self.cancelled, "seconds": round(self.seconds, 3),
                "preflight": [f.as_dict() for f in self.preflight], "files": [i.as_dict() for i in self.items],
                "nle": self.nle.as_dict() if self.nle else None}


class ExportJob:
    def __init__(self, library: Library, request: ExportRequest,
                 on_progress: Callable[[ExportTick], None] | None = None,
                 on_item: Callable[[ExportItem], None] | None = None,
                 on_preflight: Callable[[list[Finding]], None] | None = None):
        self.library = library
        self.request = request
        self.on_progress = on_progress
        self.on_item = on_item
        self.on_preflight = on_preflight
        self._current: SwapJob | None = None
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        if self._current is not None:
            self._current.cancel()

    def takes(self) -> list[Take]:
        req = self.request
        if not self.library.batch_named(req.batch):
            names = ", ".join(b["name"] for b in self.library.batches()) or "none yet"
            raise LibraryError(f"There is no batch named {req.batch!r} (batches: {names}).")
        takes = [t for t in self.library.takes(req.batch) if t.flag != "reject"]
        if req.picked_only:
            takes = [t for t in takes if t.flag == "pick"]
        return takes

    def preflight(self) -> list[Finding]:
        """What the export will say before writing anything, for the takes it would export."""
        return preflight(self.takes(), self.request.normalize_keep)

    def run(self) -> ExportResult:
        started = time.perf_counter()
        req = self.request
        if req.format not in FORMATS:
            raise DestinationError(f"Export writes mp4 or mov, not {req.format!r}.")
        takes = self.takes()
        to = Path(req.to).expanduser().absolute()
        try:
            to.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise destination.describe_write_error(exc, to) from None
        result = ExportResult(req.batch, str(to), [
            ExportItem(t.id, t.path, t.audio_verdict, review=self._review(t),
                       prompt_check=manifest_entry(t.prompt, t.duration)) for t in takes])
        base = self._manifest_base(result, to)
        reserve = _reserve_room(base, MANIFEST_RESERVE_BASE + MANIFEST_RESERVE_PER_TAKE * len(takes))
        weights = [max(t.duration, 0.1) for t in takes]
        total_weight = sum(weights) or 1.0
        done_weight = 0.0
        try:
            result.preflight = preflight(takes, req.normalize_keep)
            if self.on_preflight:
                self.on_preflight(result.preflight)
            self._apply_preflight(result)
            records = export_policy.recorded_outputs(to)
            taken: set[Path] = set()
            for number, (take, item) in enumerate(zip(takes, result.items), start=1):
                if item.status == "failed":          # refused by the pre-flight
                    done_weight += weights[number - 1]
                    continue
                if self._cancelled:
                    item.status, item.error = "cancelled", "the export was stopped before this take"
                    continue
                name = Path(take.rel_path).name

                def tick(fraction: float, phase: str, _n=number, _name=name, _w=weights[number - 1], _d=done_weight):
                    if self.on_progress:
                        self.on_progress(ExportTick(_n, len(takes), _name, fraction,
                                                    (_d + fraction * _w) / total_weight, phase))
                tick(0.0, "starting")
                self._export_one(take, item, to, tick, records, taken)
                done_weight += weights[number - 1]
                tick(1.0, item.status)
                if self.on_item:
                    self.on_item(item)
        except KeyboardInterrupt:
            for item in result.items:
                if item.status == "pending":
                    item.status, item.error = "cancelled", "the export was stopped"
            result.cancelled = True
            self._write_manifest(result, to, base, reserve)
            raise
        except BaseException:
            destination.remove_quietly(reserve)
            raise
        result.cancelled = self._cancelled
        result.seconds = time.perf_counter() - started
        self._write_manifest(result, to, base, reserve)
        result.nle = self._hand_off(takes, result, to)
        return result

    # -- NLE hand-off ------------------------------------------------------------------------------

    def _hand_off(self, takes: list[Take], result: ExportResult, to: Path) -> HandoffResult | None:
        """The NLE files for the files just written (their final audio); none after a cancel."""
        if not self.request.nle or result.cancelled:
            return None
        delivered = [(t, i.output) for t, i in zip(takes, result.items) if i.status == "written"]
        try:
            return hand_off(self.library, result.batch, delivered, to, self.request.nle,
                            among="among the files written")
        except (NothingToHandOff, DestinationError) as exc:
            return HandoffResult(error=str(exc))

    # -- one take ---------------------------------------------------------------------------------

    def _apply_preflight(self, result: ExportResult) -> None:
        """A refused take fails, before any file is written, with the pre-flight's reason; a
        warning goes with the take into the manifest."""
        items = {i.take_id: i for i in result.items}
        for finding in result.preflight:
            item = items[finding.take_id]
            if finding.refused:
                item.status, item.error = "failed", finding.message.removeprefix("refused: ")
                if self.on_item:
                    self.on_item(item)
            else:
                item.notes.append(finding.message)

    def _review(self, take: Take) -> dict:
        """The review data the manifest carries for a take."""
        stored = self.library.analysis(take.id) if take.analysis_target is not None else None
        translation = None
        if stored is not None:
            flags = list(take.analysis_flags or ())
            translation = {"verdict": verdict(flags), "flags": flags, "summary": stored.get("summary", ""),
                           "target": take.analysis_target, "measured_on": take.analysis_measured_on,
                           "current": take.analysis_current}
        swap = take.delivered_swap() if take.audio_verdict == "replace" else None
        usable = swap is not None and not swap.problem
        return {
            "flag": take.flag, "rating": take.rating, "model": take.model, "prompt": take.prompt,
            "seed": take.seed, "audio_verdict": take.audio_verdict, "translation": translation,
            "loudness": {"integrated_lufs": take.integrated_lufs, "true_peak_dbtp": take.true_peak_dbtp,
                         "lra": take.lra, "short_term_max_lufs": take.short_term_max_lufs,
                         "measured_on": take.analysis_measured_on} if stored is not None else None,
            "notes": [_note_record(n, take.frame_rate) for n in self.library.notes(take.id)],
            "post_track": swap.path if usable else None,
            "swap_spec": swap.spec.to_dict() if usable else None,
        }

    def _export_one(self, take: Take, item: ExportItem, to: Path, tick, records: dict, taken: set[Path]) -> None:
        req = self.request
        try:
            request = self._request_for(take, item, to)
            item.delivery_key = self._delivery_key(take, request)
            placement = export_policy.place(request.out, item.delivery_key, records, taken)
            if placement.action == "skip":
                taken.add(placement.path)
                item.status, item.output = "skipped", str(placement.path)
                item.output_fingerprint = records[placement.path.name]["output_fingerprint"]
                item.notes.append(placement.note)
                return
            if placement.note:
                item.notes.append(placement.note)
            request.out = placement.path
            job = SwapJob(request, on_progress=tick)
            self._current = job
            outcome = job.run()
        except Cancelled:
            item.status, item.error = "cancelled", "stopped; nothing was written for this take"
            return
        except (SwapError, ProbeError, LibraryError) as exc:
            item.status, item.error = "failed", str(exc)
            return
        except OSError as exc:
            item.status, item.error = "failed", f"{exc.strerror or exc} ({exc.filename or ''})".strip()
            return
        finally:
            self._current = None
        item.status = "written"
        item.output = str(outcome.output)
        taken.add(Path(outcome.output))
        item.outcome = outcome.as_dict()
        item.notes.extend(outcome.notes)
        try:
            item.output_fingerprint = fingerprint(outcome.output)
        except OSError:
            item.output_fingerprint = ""      # the next export writes a new version rather than trust it
        if item.audio == "native" and outcome.level and outcome.level.get("measured_lufs") is not None \
                and not req.normalize_keep:
            target = TARGETS[take.batch_target]
            measured = outcome.level["measured_lufs"]
            item.notes.append(f"native audio left as it is at {measured:.1f} LUFS "
                              f"({measured - target.integrated_lufs:+.1f} LU from the batch's {target.name} target)")

    def _request_for(self, take: Take, item: ExportItem, to: Path) -> SwapRequest:
        req = self.request
        source = Path(take.path)
        suffix, note = suffix_for_video(FORMATS[req.format], take.video_codec)
        if note:
            item.notes.append(note)
        out = to / (source.stem + suffix)
        audio_codec = req.audio_codec if suffix == FORMATS[req.format] else None
        if take.audio_verdict == "replace":
            swap = take.delivered_swap()     # present and usable: the pre-flight refused it otherwise
            item.audio = "post track"
            return SwapRequest(video=source, out=out, track=Path(swap.path), spec=swap.spec,
                               audio_codec=audio_codec, verify=req.verify, expected_fingerprint=take.fingerprint)
        item.audio = "native"
        if take.audio_verdict == "undecided":
            item.notes.append("audio verdict undecided: the native audio was kept")
        native_level = Level(target=take.batch_target) if req.normalize_keep else None
        if take.nudge_ms:
            item.notes.append(f"native audio nudged {take.nudge_ms:+g} ms")
        return SwapRequest(video=source, out=out, track=None, spec=SwapSpec(nudge_ms=take.nudge_ms),
                           audio_codec=audio_codec, verify=req.verify, native_level=native_level, measure_native=not req.normalize_keep,
                           expected_fingerprint=take.fingerprint)

    def _delivery_key(self, take: Take, request: SwapRequest) -> str:
        """What goes into the take's output, for the re-export policy."""
        parts = {"take": take.fingerprint, "out": request.out.suffix, "audio_codec": request.audio_codec}
        if request.track is not None:
            parts.update(track=fingerprint(request.track), spec=request.spec.to_dict())
        else:
            parts.update(native_level=request.native_level.to_dict() if request.native_level else None)
        return export_policy.delivery_key(parts)

    # -- the manifest -----------------------------------------------------------------------------

    @staticmethod
    def _manifest_base(result: ExportResult, to: Path) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", result.batch).strip("-") or "batch"
        return to / f"{slug}-export-{stamp}"

    def _write_manifest(self, result: ExportResult, to: Path, base: Path, reserve: Path | None) -> None:
        destination.remove_quietly(reserve)          # the room set aside for this
        document = {"batch": result.batch, "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                    "destination": str(to), "format": self.request.format, "picked_only": self.request.picked_only,
                    "normalize_keep": self.request.normalize_keep, "verified": self.request.verify,
                    "cancelled": result.cancelled, "written": len(result.written),
                    "skipped": len(result.skipped), "failed": len(result.failed),
                    "re_export_policy": "an identical output already here is skipped; a changed one is written "
                                        "under a new versioned name (name_v2, …); nothing is overwritten",
                    "preflight": [f.as_dict() for f in result.preflight],
                    "files": [i.as_dict() for i in result.items]}
        try:
            result.manifest_json = str(destination.write_text(base.with_name(base.name + ".json"),
                                                   json.dumps(document, indent=2, ensure_ascii=False, default=str)))
            result.manifest_csv = str(destination.write_text(base.with_name(base.name + ".csv"), manifest_csv(result.items)))
        except (OSError, DestinationError):
            # The files themselves are written and verified; a manifest that can't be written is
            # reported, not a reason to undo them.
            result.manifest_json = result.manifest_csv = ""


MANIFEST_RESERVE_BASE = 64 * 1024
MANIFEST_RESERVE_PER_TAKE = 16 * 1024     # a take's JSON entry and CSV row take 2–5 KB


def _reserve_room(base: Path, size: int) -> Path | None:
    """A temporary file holding `size` bytes of the destination's disk for the manifest. None when
    even that doesn't fit (the takes will say the disk is full)."""
    try:
        reserve = destination.create_temp(base.with_name(base.name + ".json"))
    except DestinationError:
        return None
    try:
        with reserve.open("wb") as fh:
            fh.write(b"\0" * size)
    except OSError:
        destination.remove_quietly(reserve)
        return None
    return reserve


def _note_record(note: dict, fps: float) -> dict:
    """A note with its in and out points as timecode (and seconds), as an editor reads them."""
    start, end = note.get("start"), note.get("end")
    return {"text": note["text"], "in": format_timecode(start, fps) if start is not None else None,
            "out": format_timecode(end, fps) if end is not None else None, "in_s": start, "out_s": end,
            "author": note.get("author") or "", "created_at": note.get("created_at")}


CSV_COLUMNS = ("take_id", "source", "flag", "rating", "model", "prompt", "audio_verdict", "translation",
               "measured_on", "status", "audio", "output", "post_track", "offset_s", "fit",
               "level", "reencoded", "video_identical", "video_packets", "length_difference_ms",
               "offset_measured_s", "loudness_lufs", "gain_db", "notes", "not_carried", "error",
               "prompt_score", "prompt_findings")


def manifest_csv(items: list[ExportItem]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        r = item.outcome or {}
        spec = r.get("spec") or {}
        verification = r.get("verification") or {}
        level = r.get("level") or {}
        offset = verification.get("offset") or {}
        review = item.review or {}
        translation = review.get("translation") or {}
        writer.writerow({
            "take_id": item.take_id, "source": item.source, "flag": review.get("flag", ""),
            "rating": review.get("rating", ""), "model": review.get("model", ""), "prompt": review.get("prompt", ""),
            "translation": translation.get("verdict", ""), "measured_on": translation.get("measured_on", ""),
            "audio_verdict": item.verdict, "status": item.status,
            "audio": item.audio, "output": item.output, "post_track": (r.get("audio") or {}).get("post_track", ""),
            "offset_s": spec.get("offset", ""), "fit": spec.get("fit", ""),
            "level": json.dumps(level.get("level")) if level.get("level") else "",
            "reencoded": "+".join(r.get("reencoded") or []) or ("none" if r else ""),
            "video_identical": verification.get("video_identical", ""),
            "video_packets": verification.get("video_packets", ""),
            "length_difference_ms": verification.get("length_difference_ms", ""),
            "offset_measured_s": offset.get("measured_s", "") if offset.get("measured_s") is not None else "",
            "loudness_lufs": level.get("measured_lufs", ""), "gain_db": level.get("gain_db", ""),
            "notes": " | ".join(item.notes),
            "not_carried": " | ".join(describe(e) for e in r.get("not_carried") or []), "error": item.error,
            "prompt_score": (item.prompt_check or {}).get("score", ""),
            "prompt_findings": " | ".join(f"{f['rule']}: {f['message']}" for f in (item.prompt_check or {}).get("findings", []))})
    return buffer.getvalue()

