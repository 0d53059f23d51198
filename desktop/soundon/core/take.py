"""A take: one rendered clip of a prompt, with what we know about it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields

from soundon.core.errors import SoundOnError
from soundon.core.prompt_variation import picture_wording
from soundon.core.swap_spec import SwapSpec
from soundon.core.targets import DEFAULT_TARGET
from soundon.core.timecode import DEFAULT_FPS

VIDEO_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".mkv", ".webm"})
AUDIO_EXTENSIONS = frozenset({".wav", ".aiff", ".aif", ".flac", ".mp3", ".m4a", ".aac", ".ogg", ".opus"})

NATIVE_SOURCE = "native"
POST_MIX_SOURCE = "post mix"
# The import's report: the native sound's measures only (its level flags), the dialogue and the
# A/V sync still to come. Never a take's delivery source, so such a take stays due its analysis.
SOUND_AT_IMPORT_SOURCE = "native, sound measured at import"

# Sidecar / manifest keys we keep (all optional).
METADATA_KEYS = ("model", "prompt", "seed", "variation", "generated_at")


def prompt_group_key(prompt: str) -> str:
    """Takes that share a prompt form a prompt group; whitespace and case don't split a group, and
    neither does audio wording: prompts that differ only in what they say of the sound are
    variations of one group (core/prompt_variation.py)."""
    if not prompt.strip():
        return ""
    normalised = picture_wording(prompt)
    return hashlib.sha1(normalised.encode("utf-8")).hexdigest()[:12]


class MetadataError(SoundOnError, ValueError):
    """A sidecar or manifest value of the wrong type."""


def kind_of_value(value) -> str:
    """A JSON value's type in words, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return type(value).__name__


@dataclass
class TakeMetadata:
    model: str = ""
    prompt: str = ""
    seed: str = ""
    variation: str = ""
    generated_at: str = ""

    @classmethod
    def from_mapping(cls, data: dict) -> "TakeMetadata":
        """MetadataError when a value is not text or a number (an object would be stored as its repr)."""
        values = {}
        for key in METADATA_KEYS:
            value = data.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (str, int, float))):
                raise MetadataError(f"its '{key}' should be text, not {kind_of_value(value)}")
            values[key] = "" if value is None else str(value).strip()
        return cls(**values)

    def merged_over(self, fallback: "TakeMetadata") -> "TakeMetadata":
        """These values where set, the fallback's elsewhere."""
        return TakeMetadata(**{k: getattr(self, k) or getattr(fallback, k) for k in METADATA_KEYS})


@dataclass
class Refusal:
    """A file that could not become a take, and why (in the editor's words)."""

    path: str
    reason: str

    def as_dict(self) -> dict:
        return {"path": self.path, "reason": self.reason}



@dataclass(frozen=True)
class PostTrack:
    """The post-production track laid under a take, and how (its swap spec). The track is not part
    of the spec: `soundon swap` takes the same spec with a track named on the command line.

    `problem` says why a stored spec could not be read (the file was changed outside Sound-On); the
    spec is then the default one and must not be used: the export refuses the take, the app plays
    the native audio and says why."""

    path: str
    spec: SwapSpec
    problem: str = ""


@dataclass(frozen=True)
class Take:
    """A take as the library lists it: the file and what its probe found, the review decision,
    the stored translation analysis and the post track. Named as DESIGN.md names them; built only
    by the library (store/). Times are the stored ISO text."""

    id: int
    batch_id: int
    rel_path: str
    fingerprint: str
    size: int
    model: str
    prompt: str
    prompt_group: str
    seed: str
    variation: str
    generated_at: str
    duration: float
    width: int
    height: int
    rotation: int
    display_width: int
    display_height: int
    fps: float                     # 0 when unknown; see frame_rate
    variable_frame_rate: bool
    video_codec: str
    audio_codec: str
    has_audio: bool
    audio_channels: int
    channel_layout: str
    sample_rate: int
    bit_rate: int
    creation_time: str
    container: str
    thumbnail: str                 # file name inside the library's cache folder, or ""
    waveform: str
    imported_at: str
    batch: str
    batch_root: str
    batch_target: str              # the batch's delivery target
    path: str                      # absolute: the batch root and rel_path
    flag: str = "none"
    rating: int = 0
    audio_verdict: str = "undecided"
    # The stored analysis (all None until the take is analysed).
    integrated_lufs: float | None = None
    true_peak_dbtp: float | None = None
    lra: float | None = None
    short_term_max_lufs: float | None = None
    mono_loss_lu: float | None = None
    correlation_p5: float | None = None
    low_freq_share: float | None = None
    phone_loss_lu: float | None = None
    av_offset_ms: int | None = None        # the sound's offset against the picture (+ late), if sure
    av_confidence: float | None = None
    nudge_ms: float = 0.0                  # the native audio's shift on export (+ later), see swap_spec
    speech_share: float | None = None      # share of the take's length that is speech
    # Per noise environment, on a phone: (environment, STOI figure, 'clear' | 'marginal' | 'lost').
    intelligibility: tuple[tuple[str, float | None, str | None], ...] | None = None
    intelligibility_volume_db: float | None = None   # the phone volume those figures are for
    analysis_flags: tuple[str, ...] | None = None
    analysis_target: str | None = None
    analysis_source: str | None = None   # what the stored analysis measured: see delivery_source()
    swap: PostTrack | None = None

    @property
    def frame_rate(self) -> float:
        """The take's frame rate, or the timecode's default (25) when the probe found none."""
        return self.fps or DEFAULT_FPS

    def delivered_swap(self) -> PostTrack | None:
        """The post track as the export lays it and the app plays it: the spec with the batch's
        delivery target where the editor chose no level (DESIGN.md, "Audio swap"). None without a
        post track; a spec that can't be read comes back as it is (its problem says why)."""
        if self.swap is None or self.swap.problem:
            return self.swap
        return PostTrack(self.swap.path, self.swap.spec.with_level_default(self.batch_target))

    def delivery_source(self) -> str:
        """What the export will deliver as this take's sound, as the analysis records it: 'native',
        or 'post mix <digest of the track and its delivered spec>' for a replace take with a usable
        post track (a new track, offset, level or bed is then a new source to measure)."""
        swap = self.delivered_swap() if self.audio_verdict == "replace" else None
        if swap is None or swap.problem:
            return NATIVE_SOURCE
        text = json.dumps([swap.path, swap.spec.to_dict()], sort_keys=True)
        return f"{POST_MIX_SOURCE} {hashlib.sha1(text.encode('utf-8')).hexdigest()[:16]}"

    @property
    def analysis_measured_on(self) -> str | None:
        """'post mix' or 'native audio' for the stored analysis; None before any."""
        if self.analysis_target is None:
            return None
        return "post mix" if (self.analysis_source or "").startswith(POST_MIX_SOURCE) else "native audio"

    @property
    def sound_measured_only(self) -> bool:
        """The stored report is the import's: the sound's measures, the dialogue and sync not yet."""
        return self.analysis_source == SOUND_AT_IMPORT_SOURCE

    @property
    def analysis_current(self) -> bool:
        """The stored analysis measured what will be delivered, against the batch's target (an
        analysis stored before sources were recorded measured the native audio)."""
        return (self.analysis_target is not None and self.analysis_target == (self.batch_target or DEFAULT_TARGET)
                and (self.analysis_source or NATIVE_SOURCE) == self.delivery_source())

    def as_json(self) -> dict:
        """The take as `soundon import/list/review --json` print it: every column by name, the post
        track's path as post_track and its spec (in its stored form) as swap_spec."""
        document = {f.name: getattr(self, f.name) for f in fields(self)
                    if f.name not in _LAST_IN_JSON and f.name not in _NOT_IN_JSON}
        swap = self.swap
        document["post_track"] = swap.path if swap else None
        document["path"] = self.path
        document["analysis_flags"] = list(self.analysis_flags) if self.analysis_flags is not None else None
        if self.intelligibility is not None:
            document["intelligibility"] = {name: {"stoi": figure, "rating": rating}
                                           for name, figure, rating in self.intelligibility}
        document["swap_spec"] = dict(sorted(swap.spec.to_dict().items())) if swap and not swap.problem else None
        return document


# The keys the JSON has always ended with, in this order.
_LAST_IN_JSON = ("path", "analysis_flags", "swap")
_NOT_IN_JSON = ("analysis_source",)     # the analysis' own bookkeeping (its report says measured_on)
