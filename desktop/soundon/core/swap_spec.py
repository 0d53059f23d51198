"""The swap spec: how a post-production track is laid under a take (DESIGN.md, "Audio swap").

One spec is shared by `soundon swap`, `soundon review --track` (stored in the library) and the app,
which edits the same record. The stored form is `SwapSpec.to_dict()`:

    {"offset": 0.125, "fit": "trim+pad", "fade_in": null, "fade_out": null,
     "level": {"target": "social"} | {"lufs": -16.0, "true_peak": -1.0} | {"gain": -3.0} | null,
     "bed": null | -18.0}

Choices where the design leaves room:
- `fit` names what the editor expects of the track's length. `trim` says "the track covers the
  video": a track that ends before the video is refused rather than silently padded. `pad` says
  "the track is shorter": a track that runs past the video's end is refused (the video is never
  extended, so the track would be cut). `loop` repeats the track from its start until the video
  ends. The default, `trim+pad`, does whichever applies. Every fit produces audio exactly as long as
  the video.
- Fades left unset (None) are automatic: a 0.05 s fade-out where the video's end cuts through the
  track, a 0.01 s fade-in where a negative offset cuts into it (short, so the attack of a sync
  sound survives), and none where the track starts or ends on its own. Explicit values, 0
  included, always win.
- `level` unset means "the batch's delivery target" when a batch is exported, and "the track as
  mixed" (no change) for a stand-alone `soundon swap`, where there is no batch to ask.
- `bed` is a gain in dB applied to the take's native audio, mixed under the post track; the level
  step then applies to the mix, so the balance the editor chose is kept.
- `nudge_ms` shifts the take's native audio against its picture (positive: later), for a take whose
  native audio is kept but lands early or late. It is stored only when set, so a spec without one
  keeps the stored form above.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

from soundon.core.errors import SoundOnError
from soundon.core.targets import TARGETS, target_named

FITS = ("trim+pad", "trim", "pad", "loop")
DEFAULT_FIT = "trim+pad"
DEFAULT_TRUE_PEAK = -1.0

# Ranges an editor could mean; anything outside is a typo (or a unit mix-up, ms for s).
OFFSET_LIMIT_S = 3600.0
FADE_LIMIT_S = 30.0
LUFS_RANGE = (-40.0, -5.0)
TRUE_PEAK_RANGE = (-9.0, 0.0)
GAIN_RANGE = (-40.0, 40.0)
BED_RANGE = (-60.0, 0.0)
NUDGE_LIMIT_MS = 5000.0


class SwapSpecError(SoundOnError, ValueError):
    """A swap spec that can't be used as given; the message says what to change."""


def _number(value, what: str) -> float:
    if isinstance(value, bool):
        raise SwapSpecError(f"{what} must be a number, not {value!r}.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SwapSpecError(f"{what} must be a number, not {value!r}.") from None
    if not math.isfinite(number):
        raise SwapSpecError(f"{what} must be a finite number.")
    return number


def _within(value: float, low: float, high: float, what: str, unit: str) -> float:
    if not low <= value <= high:
        raise SwapSpecError(f"{what} must be between {low:g} and {high:g} {unit}; got {value:g}.")
    return value


@dataclass(frozen=True)
class Level:
    """Exactly one of: a delivery target's name, an integrated loudness (with a true-peak
    ceiling), or a plain gain."""

    target: str | None = None
    lufs: float | None = None
    true_peak: float | None = None
    gain: float | None = None

    def __post_init__(self) -> None:
        given = [k for k in ("target", "lufs", "gain") if getattr(self, k) is not None]
        if len(given) != 1:
            raise SwapSpecError("A level is one of: a delivery target, a LUFS value or a gain.")
        if self.target is not None:
            try:
                target_named(self.target)
            except ValueError as exc:
                raise SwapSpecError(str(exc)) from None
        if self.lufs is not None:
            object.__setattr__(self, "lufs", _within(_number(self.lufs, "--lufs"), *LUFS_RANGE, "--lufs", "LUFS"))
        if self.true_peak is not None:
            if self.lufs is None:
                raise SwapSpecError("A true-peak ceiling goes with --lufs (a delivery target brings its own).")
            object.__setattr__(self, "true_peak", _within(_number(self.true_peak, "--true-peak"),
                                                          *TRUE_PEAK_RANGE, "--true-peak", "dBTP"))
        if self.gain is not None:
            object.__setattr__(self, "gain", _within(_number(self.gain, "--gain"), *GAIN_RANGE, "--gain", "dB"))

    @property
    def needs_measurement(self) -> bool:
        return self.gain is None

    def goal(self) -> tuple[float, float] | None:
        """(integrated LUFS, true-peak ceiling dBTP), or None for a plain gain."""
        if self.target is not None:
            t = TARGETS[self.target]
            return t.integrated_lufs, t.true_peak_dbtp
        if self.lufs is not None:
            return self.lufs, self.true_peak if self.true_peak is not None else DEFAULT_TRUE_PEAK
        return None

    def describe(self) -> str:
        if self.target is not None:
            return TARGETS[self.target].label
        if self.lufs is not None:
            ceiling = self.true_peak if self.true_peak is not None else DEFAULT_TRUE_PEAK
            return f"{self.lufs:g} LUFS, true peak ≤ {ceiling:g} dBTP"
        return f"gain {self.gain:+g} dB"

    def to_dict(self) -> dict:
        if self.target is not None:
            return {"target": self.target}
        if self.lufs is not None:
            return {"lufs": self.lufs,
                    "true_peak": self.true_peak if self.true_peak is not None else DEFAULT_TRUE_PEAK}
        return {"gain": self.gain}

    @classmethod
    def from_dict(cls, data) -> "Level | None":
        if data is None:
            return None
        if isinstance(data, str):          # tolerate a bare target name
            return cls(target=data)
        if not isinstance(data, dict):
            raise SwapSpecError(f"A stored level must be an object, not {data!r}.")
        unknown = set(data) - {"target", "lufs", "true_peak", "gain"}
        if unknown:
            raise SwapSpecError(f"Unknown level field(s): {', '.join(sorted(unknown))}.")
        return cls(**data)


@dataclass(frozen=True)
class SwapSpec:
    offset: float = 0.0
    fit: str = DEFAULT_FIT
    fade_in: float | None = None
    fade_out: float | None = None
    level: Level | None = None
    bed: float | None = None
    nudge_ms: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "offset", _within(_number(self.offset, "--offset"),
                                                   -OFFSET_LIMIT_S, OFFSET_LIMIT_S, "--offset", "s"))
        if self.fit not in FITS:
            raise SwapSpecError(f"--fit must be one of trim, pad or loop (default: trim+pad); got {self.fit!r}.")
        for name in ("fade_in", "fade_out"):
            value = getattr(self, name)
            if value is not None:
                option = "--" + name.replace("_", "-")
                object.__setattr__(self, name, _within(_number(value, option), 0.0, FADE_LIMIT_S, option, "s"))
        if self.bed is not None:
            object.__setattr__(self, "bed", _within(_number(self.bed, "--bed"), *BED_RANGE, "--bed", "dB"))
        object.__setattr__(self, "nudge_ms", _within(_number(self.nudge_ms, "--nudge"),
                                                     -NUDGE_LIMIT_MS, NUDGE_LIMIT_MS, "--nudge", "ms"))
        if self.level is not None and not isinstance(self.level, Level):
            raise SwapSpecError("level must be a Level.")

    def with_changes(self, **changes) -> "SwapSpec":
        return replace(self, **changes)

    def with_level_default(self, target: str) -> "SwapSpec":
        """This spec, with the batch's delivery target where no level was chosen."""
        return self if self.level is not None else replace(self, level=Level(target=target))

    def to_dict(self) -> dict:
        data = asdict(self)
        data["level"] = self.level.to_dict() if self.level else None
        if not self.nudge_ms:
            del data["nudge_ms"]
        return data

    @classmethod
    def from_dict(cls, data: dict | None) -> "SwapSpec":
        data = dict(data or {})
        unknown = set(data) - {"offset", "fit", "fade_in", "fade_out", "level", "bed", "nudge_ms"}
        if unknown:
            raise SwapSpecError(f"Unknown swap spec field(s): {', '.join(sorted(unknown))}.")
        level = Level.from_dict(data.pop("level", None))
        # offset and fit stored as null mean their defaults; null fades and bed mean automatic / off.
        for key in ("offset", "fit", "nudge_ms"):
            if data.get(key) is None:
                data.pop(key, None)
        return cls(level=level, **data)

    def describe(self) -> str:
        parts = [f"offset {self.offset:+.3f} s", f"fit {self.fit}"]
        if self.fade_in is not None:
            parts.append(f"fade-in {self.fade_in:g} s")
        if self.fade_out is not None:
            parts.append(f"fade-out {self.fade_out:g} s")
        parts.append(f"level {self.level.describe()}" if self.level else "level unchanged")
        if self.bed is not None:
            parts.append(f"native bed at {self.bed:g} dB")
        if self.nudge_ms:
            parts.append(f"native audio nudged {self.nudge_ms:+g} ms")
        return ", ".join(parts)
