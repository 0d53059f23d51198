"""A swap as a job: run, cancel, progress, outcome (plain Python; the app wraps it for Qt).

Order of work: read both files → decide the audio route → measure loudness if a level asks for it →
one ffmpeg run that writes the temporary file (while this process reads what the check compares
with: the source's video packets, hashed, and the post track's window) → verify →
give the file its final name. A failure or a cancel at any step removes the temporary file, so
the final name only ever holds a complete, verified file; the source and the post track are only
ever read.

The same job writes a `keep` take for an export: no post track, the native audio copied when the
container takes it as it is, re-encoded (to AAC or PCM, without a level change) when it doesn't,
or brought to a level when asked (`native_level`).
"""
from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from soundon.core.swap_level import LevelPlan, corrected_gain, plan_level
from soundon.core.swap_spec import Level, SwapSpec, SwapSpecError
from soundon.core.swap_timing import plan_timing
from soundon.media import destination
from soundon.media.conform import output_layout
from soundon.media.containers import LOSSY, audio_codec_for, check_video_fits, codec_can_be_copied, container_for
from soundon.media.extra_streams import plan_extra_streams
from soundon.media.ffrun import CancelToken
from soundon.media.fingerprint import still_the_same
from soundon.media.nudge_check import measure_shift
from soundon.media.remux import RemuxPlan, measure_loudness, remux, write_delivered_audio
from soundon.media.streams import read_post_track, read_take
from soundon.media.swap_errors import Cancelled, DiskFull, SourceError, SwapError, VerificationFailed
from soundon.media.verify import read_source, verify_output

JobProgress = Callable[[float, str], None]     # overall fraction 0…1, phase ('measuring', 'writing', …)

# Share of the bar per phase (audio-only passes are quick next to writing the file).
WEIGHTS = {"measuring": 0.12, "writing": 0.73, "verifying": 0.15}


@dataclass
class SwapRequest:
    video: Path
    out: Path
    track: Path | None = None               # None: the take's native audio
    spec: SwapSpec = field(default_factory=SwapSpec)
    audio_codec: str | None = None          # 'aac' or 'pcm'; None: the container's default
    verify: bool = True
    native_level: Level | None = None       # keep takes only: bring the native audio to this level
    measure_native: bool = False            # keep takes only: report the native loudness (left as is)
    expected_fingerprint: str | None = None  # a library take: the content it was imported with


@dataclass
class SwapOutcome:
    output: Path
    requested: Path
    video: dict
    audio: dict
    reencoded: list[str]
    spec: dict | None = None
    timing: dict | None = None
    level: dict | None = None
    verification: dict | None = None
    cleaned_leftovers: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    not_carried: list[dict] = field(default_factory=list)   # the take's streams left out, and why

    @property
    def renamed(self) -> bool:
        return self.output != self.requested

    def as_dict(self) -> dict:
        return {
            "output": str(self.output), "requested": str(self.requested), "renamed": self.renamed,
            "video": self.video, "audio": self.audio, "reencoded": self.reencoded, "spec": self.spec,
            "timing": self.timing, "level": self.level, "verification": self.verification,
            "cleaned_leftovers": self.cleaned_leftovers, "notes": self.notes, "seconds": self.seconds,
            "not_carried": self.not_carried,
        }


def check_unchanged(video: Path, expected: str | None) -> None:
    """Refuse a take whose file was replaced or edited since its import: its review decisions
    belong to the content that was reviewed, not to whatever now has its name."""
    if expected is None:
        return
    try:
        same = still_the_same(video, expected)
    except OSError as exc:
        raise SourceError(f"The take {video} can't be read ({exc.strerror or exc}).") from None
    if not same:
        raise SourceError(f"{Path(video).name} has changed on disk since it was imported, so the decisions "
                          "made on it don't apply to this file; nothing was written for it. Import it again "
                          "to review it as a new take.")


class SwapJob:
    def __init__(self, request: SwapRequest, on_progress: JobProgress | None = None):
        self.request = request
        self.on_progress = on_progress
        self._token = CancelToken()
        self._weights: dict[str, float] = {}
        self._done = 0.0

    # -- job protocol ---------------------------------------------------------------------------

    def cancel(self) -> None:
        self._token.cancel()

    @property
    def cancelled(self) -> bool:
        return self._token.cancelled

    def run(self) -> SwapOutcome:
        started = time.perf_counter()
        try:
            return self._run(started)
        except SwapSpecError as exc:
            raise SourceError(str(exc)) from None

    # -- the work -------------------------------------------------------------------------------

    def _run(self, started: float) -> SwapOutcome:
        req = self.request
        token = self._token
        seconds: dict[str, float] = {}
        token.check()
        check_unchanged(req.video, req.expected_fingerprint)
        take, track = self._read_inputs(req)
        requested = Path(req.out).expanduser().absolute()
        container = container_for(requested)
        check_video_fits(container, take.video.codec, requested)
        destination.check_folder(requested.parent)
        cleaned = destination.clean_leftovers(requested.parent)
        destination.clean_work_dirs()
        notes: list[str] = []
        if cleaned:
            notes.append(f"removed {len(cleaned)} unfinished file(s) left by an earlier run that was stopped")

        plan = self._plan(take, track, container, req, notes)
        plan.extras = plan_extra_streams(take, container)
        seconds["prepare"] = time.perf_counter() - started
        level = self._level(req, plan)
        measuring = (plan.encodes_audio and level is not None and level.needs_measurement) or (
            req.measure_native and plan.route != "none")
        self._weights = {"measuring": WEIGHTS["measuring"] if measuring else 0.0, "writing": WEIGHTS["writing"],
                         "verifying": WEIGHTS["verifying"] if req.verify else 0.0}

        temp = destination.create_temp(requested)       # also proves the folder is writable
        try:
            destination.check_free_space(requested.parent, self._expected_size(plan))
            level_plan, verification = self._produce(plan, temp, requested, notes, seconds)
            token.check()
            placement = destination.place(temp, requested)
        except KeyboardInterrupt:
            token.cancel()
            raise
        finally:
            destination.remove_quietly(temp)
        fitted = destination.fit_name(requested)
        if fitted != requested:
            notes.append(f"the name {requested.name} is longer than a file name can be "
                         f"({destination.NAME_MAX_BYTES} bytes), so it was shortened to {fitted.name}")
        if placement.final != fitted:
            notes.append(f"{fitted.name} already exists, so the file was written as {placement.final.name}")
        seconds["total"] = time.perf_counter() - started
        return self._outcome(plan, placement, level_plan, verification, cleaned, notes, seconds)

    def write_delivered_audio(self, wav: Path) -> None:
        """The post mix alone, as `run` would lay and level it (same plan, same level step), into a
        WAV at `wav` (the caller's temporary file): what the translation report measures of a
        replace take. Nothing else is written."""
        req = self.request
        self._token.check()
        check_unchanged(req.video, req.expected_fingerprint)
        take, track = self._read_inputs(req)
        container = container_for(Path(req.out))
        plan = self._plan(take, track, container, req, [])
        if plan.encodes_audio:
            self._apply_level(req, plan)
        write_delivered_audio(plan, wav, cancel=self._token)

    def _produce(self, plan: RemuxPlan, temp: Path, requested: Path, notes: list[str], seconds: dict[str, float]):
        """Level, write and check the temporary file. Returns (level plan, verification)."""
        req, token = self.request, self._token
        with ThreadPoolExecutor(max_workers=1) as pool:
            # What the check compares the output with is read on the other core meanwhile.
            reading = CancelToken()
            source = pool.submit(read_source, plan, reading) if req.verify else None
            try:
                level_plan = self._write(plan, temp, requested, notes, seconds)
            except BaseException:
                reading.cancel()        # the reading stops at its next packet
                raise
            if source is None:
                return level_plan, None
            t0 = time.perf_counter()
            compared_with = source.result()
        self._report("verifying", 0.0)
        verification = verify_output(plan, temp, compared_with, cancel=token)
        if plan.route == "native-copy" and plan.nudge_s:
            verification.offset = measure_shift(plan.take.path, temp, plan.nudge_s, plan.take.audio_duration, token)
            if verification.offset["ok"] is False:
                measured = verification.offset["measured_s"]
                verification.fail("the nudge does not hold (" + (
                    f"measured {measured * 1000:+.1f} ms against {plan.nudge_s * 1000:+.1f} ms"
                    if measured is not None else verification.offset["reason"]) + ")")
        seconds["verify"] = time.perf_counter() - t0
        self._report("verifying", 1.0)
        if not verification.ok:
            raise VerificationFailed(
                f"The written file failed its check ({'; '.join(verification.problems)}), so it was "
                f"not kept and nothing was written to {requested.name}.")
        return level_plan, verification

    def _write(self, plan: RemuxPlan, temp: Path, requested: Path, notes: list[str], seconds: dict[str, float]):
        """Measure the level if one is asked for, then write the temporary file. Returns the level plan."""
        req, token = self.request, self._token
        t0 = time.perf_counter()
        level_plan = self._apply_level(req, plan) if plan.encodes_audio else None
        if level_plan is None and req.measure_native and plan.route in ("native-copy", "native-encode"):
            level_plan = self._native_loudness(plan, notes)
        seconds["measure"] = time.perf_counter() - t0
        token.check()
        t0 = time.perf_counter()
        try:
            remux(plan, temp, cancel=token, on_progress=lambda f: self._report("writing", f))
        except DiskFull:
            raise DiskFull(f"The disk holding {requested.parent} filled up while writing; free some space "
                           "or choose another destination. Nothing was written.") from None
        seconds["write"] = time.perf_counter() - t0
        return level_plan

    @staticmethod
    def _read_inputs(req: SwapRequest):
        """Probe the take and the post track side by side (two ffprobe runs; it halves the wait)."""
        if req.track is None:
            return read_take(req.video), None
        with ThreadPoolExecutor(max_workers=1) as pool:
            track = pool.submit(read_post_track, req.track)
            take = read_take(req.video)
            return take, track.result()

    def _plan(self, take, track, container, req: SwapRequest, notes: list[str]) -> RemuxPlan:
        if track is not None:
            codec = audio_codec_for(container, req.audio_codec)
            timing = plan_timing(req.spec, take.video_duration, track.audio_duration)
            layout = output_layout(track.audio.channels, track.audio.channel_layout)
            if req.spec.bed is not None and take.audio is None:
                raise SourceError(f"{take.path.name} has no native audio to keep under the post track; "
                                  "leave --bed out.")
            notes.extend(timing.notes)
            return RemuxPlan(take, container, "post", track=track, audio_codec=codec, timing=timing,
                             layout=layout, bed_db=req.spec.bed)
        if take.audio is None:
            notes.append("the take has no audio; the video was copied on its own")
            return RemuxPlan(take, container, "none")
        copyable = codec_can_be_copied(container, take.audio.codec)
        nudge_s = req.spec.nudge_ms / 1000
        if req.native_level is None and req.audio_codec is None and copyable:
            return RemuxPlan(take, container, "native-copy", nudge_s=nudge_s)
        if nudge_s:
            return self._nudge_encoded(take, container, req, copyable, notes)
        codec = audio_codec_for(container, req.audio_codec)
        if not copyable:
            notes.append(f"the native {take.audio.codec} audio can't go in a {container.name} file as it is; "
                         f"re-encoded without a level change" if req.native_level is None else
                         f"the native {take.audio.codec} audio was re-encoded")
        timing = plan_timing(SwapSpec(), take.video_duration, take.audio_duration)
        layout = output_layout(take.audio.channels, take.audio.channel_layout)
        return RemuxPlan(take, container, "native-encode", audio_codec=codec, timing=timing, layout=layout)

    @staticmethod
    def _nudge_encoded(take, container, req: SwapRequest, copyable: bool, notes: list[str]) -> RemuxPlan:
        """A nudge the audio must be encoded for (its codec can't go in the container, or a codec or
        level was asked): the take's own audio laid under it like a post track at the nudge's
        offset, so the swap's offset check measures it."""
        nudge_s = req.spec.nudge_ms / 1000
        if not copyable:
            notes.append(f"the native {take.audio.codec} audio can't go in a {container.name} file as it is; "
                         "re-encoded to nudge it")
        timing = plan_timing(SwapSpec(offset=nudge_s), take.video_duration, take.audio_duration)
        notes.extend(note.replace("post track", "native audio") for note in timing.notes)
        return RemuxPlan(take, container, "post", track=take, audio_codec=audio_codec_for(container, req.audio_codec),
                         timing=timing, layout=output_layout(take.audio.channels, take.audio.channel_layout),
                         nudge_s=nudge_s)

    @staticmethod
    def _level(req: SwapRequest, plan: RemuxPlan) -> Level | None:
        return req.spec.level if req.track is not None else req.native_level

    def _apply_level(self, req: SwapRequest, plan: RemuxPlan) -> LevelPlan | None:
        level = self._level(req, plan)
        if level is None:
            return None
        if not level.needs_measurement:
            plan.gain_db = level.gain
            return LevelPlan(level.gain, None)
        goal_lufs, ceiling = level.goal()
        lossy = plan.audio_codec in LOSSY
        first = measure_loudness(plan, cancel=self._token, on_progress=lambda f: self._report("measuring", f / 2))
        if first.silent:
            what = "post track" if plan.route == "post" else "native audio"
            raise SourceError(f"The {what} is silent where it lands in the take, so it can't be brought to "
                              f"{goal_lufs:g} LUFS; check the file and --offset, or use --gain.")
        level_plan = plan_level(goal_lufs, ceiling, first, lossy)
        if level_plan.limiter_dbtp is not None:
            # Limiting takes a little loudness away: measure the limited result and make it up.
            after = measure_loudness(plan, gain_db=level_plan.gain_db, limiter_dbtp=level_plan.limiter_dbtp,
                                     cancel=self._token, on_progress=lambda f: self._report("measuring", 0.5 + f / 2))
            level_plan = corrected_gain(level_plan, after)
        self._report("measuring", 1.0)
        plan.gain_db, plan.limiter_dbtp = level_plan.gain_db, level_plan.limiter_dbtp
        return level_plan

    def _native_loudness(self, plan: RemuxPlan, notes: list[str]) -> LevelPlan | None:
        """The native audio's loudness, for the record: a keep take is delivered as it is. A
        measurement that fails costs the figure, never the file."""
        probe_plan = RemuxPlan(plan.take, plan.container, "native-encode",
                               timing=plan.timing or plan_timing(SwapSpec(), plan.take.video_duration,
                                                                 plan.take.audio_duration),
                               layout=plan.layout or output_layout(plan.take.audio.channels,
                                                                   plan.take.audio.channel_layout))
        try:
            loudness = measure_loudness(probe_plan, cancel=self._token)
        except Cancelled:
            raise
        except SwapError:
            notes.append("the native audio's loudness could not be measured")
            return None
        return LevelPlan(0.0, None, measured=loudness)

    @staticmethod
    def _expected_size(plan: RemuxPlan) -> int:
        seconds = plan.take.video_duration
        video = plan.take.size
        if plan.route == "native-copy" or plan.route == "none":
            return video
        channels = plan.layout.channels if plan.layout else 2
        audio = (3 * channels * 48000 * seconds) if plan.audio_codec == "pcm" else (64_000 * channels * seconds / 8 * 3)
        return int(video + audio)

    def _report(self, phase: str, fraction: float) -> None:
        if self.on_progress is None:
            return
        order = ["measuring", "writing", "verifying"]
        total = sum(self._weights.values()) or 1.0
        before = sum(self._weights.get(p, 0.0) for p in order[: order.index(phase)])
        overall = (before + self._weights.get(phase, 0.0) * min(1.0, max(0.0, fraction))) / total
        self.on_progress(min(1.0, overall), phase)

    def _outcome(self, plan: RemuxPlan, placement, level_plan, verification, cleaned, notes, seconds) -> SwapOutcome:
        req = self.request
        take = plan.take
        video = {"codec": take.video.codec, "action": "copied (not re-encoded)", "source": str(take.path)}
        audio: dict = {"action": plan.describe_audio(), "route": plan.route}
        reencoded = []
        if plan.encodes_audio:
            reencoded.append("audio")
            audio.update(codec=plan.audio_codec, sample_rate=48000, channels=plan.layout.channels,
                         layout=plan.layout.name, bitrate=plan.audio_bitrate())
        if req.track is not None:
            audio["post_track"] = str(plan.track.path)
        if plan.nudge_s:
            audio["nudge_ms"] = req.spec.nudge_ms
        level = None
        if level_plan is not None:
            level = level_plan.as_dict()
            chosen = self._level(req, plan)
            level["level"] = chosen.to_dict() if chosen else None
        return SwapOutcome(
            output=placement.final, requested=placement.requested, video=video, audio=audio, reencoded=reencoded,
            spec=req.spec.to_dict() if req.track is not None or plan.nudge_s else None,
            timing=plan.timing.as_dict() if plan.timing else None, level=level,
            verification=verification.as_dict() if verification else None,
            cleaned_leftovers=[str(p) for p in cleaned], notes=notes,
            seconds={k: round(v, 3) for k, v in seconds.items()}, not_carried=plan.extras.not_carried)


__all__ = ["SwapJob", "SwapOutcome", "SwapRequest", "Cancelled"]
