"""What the NLE gets, described once for every format: a bin of clips (one per take, with its
review data) and a timeline of the picks in order.

Times are whole frames of the clip's own rate: a clip's length, the source timecode of its first
frame (from the file's tmcd track, else 00:00:00:00) and each marker's position from the clip's
first frame. A timeline needs one rate: picks of mixed rates are refused for it, while the bin can
always be written. Timelines start at 01:00:00:00, where NLEs start theirs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from soundon.core.errors import SoundOnError
from soundon.core.handoff.rates import label, nominal, seconds_to_frames, to_timecode
from soundon.core.take import Take
from soundon.core.translation import VERDICT_TEXT, verdict

TIMELINE_START_HOURS = 1


class NothingToHandOff(SoundOnError, ValueError):
    """A batch with no picks: there is no timeline to give an NLE."""


class MixedRates(SoundOnError, ValueError):
    """Picks of several frame rates can't share one timeline."""


@dataclass(frozen=True)
class MediaTiming:
    """A file's timing as the hand-off needs it (read by media/nle_timing.py)."""
    rate: Fraction
    frames: int
    start_frame: int = 0               # the source timecode of the first frame, in frames
    variable_rate: bool = False        # `rate` is then the average rate
    width: int = 0
    height: int = 0
    has_audio: bool = False
    audio_channels: int = 0
    sample_rate: int = 0


@dataclass(frozen=True)
class Marker:
    """A reviewer's note on a clip: frames from the clip's first frame; a note without an out point
    lasts one frame. Every note is still to do: the library keeps no done state for notes."""
    text: str
    start: int
    duration: int
    to_do: bool = True


@dataclass(frozen=True)
class SelectClip:
    take_id: int
    name: str                          # the file's name without its extension, as NLEs name clips
    path: str                          # absolute path of the media the NLE links to
    timing: MediaTiming
    flag: str = "none"
    rating: int = 0
    model: str = ""
    prompt: str = ""
    prompt_group: str = ""
    audio_verdict: str = "undecided"
    translation: str = ""              # the translation verdict's words, "" when not analysed
    markers: tuple[Marker, ...] = ()

    @property
    def rate(self) -> Fraction:
        return self.timing.rate

    @property
    def frames(self) -> int:
        return self.timing.frames

    @property
    def uri(self) -> str:
        """The media's file URL, percent-encoded (spaces, unicode) as NLEs read it."""
        return Path(self.path).as_uri()

    def keywords(self) -> list[str]:
        """Keywords for the model, the prompt group, the audio verdict and the translation verdict.
        No commas: FCPXML lists keywords separated by commas."""
        words = []
        if self.model:
            words.append(self.model)
        if self.prompt:
            # takes sharing a prompt (one prompt group) share this keyword
            words.append(f"Prompt: {_short(self.prompt)}")
        words.append(f"Audio {self.audio_verdict}")
        if self.translation:
            words.append(self.translation)
        return [w.replace(",", ";") for w in words]

    def review(self) -> dict:
        """The review data by name (OTIO metadata, FCPXML metadata)."""
        return {"take_id": self.take_id, "flag": self.flag, "rating": self.rating, "model": self.model,
                "prompt": self.prompt, "prompt_group": self.prompt_group, "audio_verdict": self.audio_verdict,
                "translation": self.translation, "keywords": self.keywords(),
                "notes": [{"text": m.text, "start_frame": m.start, "duration_frames": m.duration}
                          for m in self.markers]}


@dataclass
class Selects:
    batch: str
    clips: list[SelectClip]
    picks: list[SelectClip] = field(init=False)

    def __post_init__(self) -> None:
        self.picks = [c for c in self.clips if c.flag == "pick"]

    def timeline_rate(self) -> Fraction:
        """The one rate of the picks. MixedRates names the rates and a take of each;
        NothingToHandOff when there are no picks."""
        if not self.picks:
            raise NothingToHandOff(f"Batch {self.batch!r} has no picks, so there is no timeline for an NLE; "
                                   "pick takes first (P, or soundon review TAKE --pick).")
        rates: dict[Fraction, str] = {}
        for clip in self.picks:
            rates.setdefault(clip.rate, clip.name)
        if len(rates) > 1:
            listed = ", ".join(f"{label(r)} fps ({name})" for r, name in rates.items())
            raise MixedRates(f"The picks of {self.batch!r} have different frame rates ({listed}), and a timeline "
                             "has one rate; pick takes of one rate, or conform them first.")
        return next(iter(rates))

    def timeline_start(self, rate: Fraction) -> int:
        return TIMELINE_START_HOURS * 3600 * nominal(rate)

    def warnings(self) -> list[str]:
        """What the NLE files can't say exactly: variable-frame-rate takes, placed at their average rate."""
        return [f"{clip.name}: variable frame rate; placed at its average rate of {label(clip.rate)} fps "
                f"({clip.frames} frames, source timecode {to_timecode(clip.timing.start_frame, clip.rate)}). "
                "The NLE may show its frames a little early or late; conform it to a constant rate for an "
                "exact cut." for clip in self.clips if clip.timing.variable_rate]


def select_clip(take: Take, media_path: str, timing: MediaTiming, notes: list[dict]) -> SelectClip:
    """A take as a clip of the hand-off: its decisions, its notes as markers, the media at `media_path`."""
    flags = take.analysis_flags
    return SelectClip(
        take_id=take.id, name=Path(media_path).stem, path=str(Path(media_path).absolute()), timing=timing,
        flag=take.flag, rating=take.rating, model=take.model, prompt=take.prompt, prompt_group=take.prompt_group,
        audio_verdict=take.audio_verdict, translation=VERDICT_TEXT[verdict(list(flags))] if flags is not None else "",
        markers=tuple(_marker(n, timing) for n in notes))


def _marker(note: dict, timing: MediaTiming) -> Marker:
    last = max(0, timing.frames - 1)
    start = min(seconds_to_frames(note.get("start") or 0.0, timing.rate), last)
    end = note.get("end")
    duration = 1 if end is None else max(1, seconds_to_frames(end, timing.rate) - start)
    return Marker(text=" ".join(str(note["text"]).split()), start=start,
                  duration=min(duration, max(1, timing.frames - start)))


def _short(text: str, words: int = 6) -> str:
    parts = " ".join(text.split()).casefold().split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
