"""Where the post track lands in the take, in samples: offset, fit and fades worked out once.

Everything is counted in output samples (48 kHz), never in timestamps, so an offset is exact to the
sample and the audio ends on the video's last sample whatever the track's container says about
its own timing. The output always lasts exactly as long as the video.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from soundon.core.swap_spec import SwapSpec, SwapSpecError

OUTPUT_RATE = 48000
AUTO_CUT_FADE_OUT_S = 0.05   # DESIGN.md: 0.05 s where the video's end cuts the track
AUTO_CUT_FADE_IN_S = 0.01    # short: a sync sound's attack right after the cut survives
FIT_TOLERANCE_S = 0.001      # lengths within a millisecond count as equal


@dataclass(frozen=True)
class Fade:
    start: int      # first output sample of the fade
    length: int     # samples


@dataclass(frozen=True)
class Timing:
    rate: int
    out_samples: int            # the video's length
    delay: int                  # silence before the track's first sample
    skip: int                   # track samples dropped at its start (negative offset)
    track_samples: int          # the track's length at the output rate
    loop: bool
    track_end: int              # output sample where the track (first pass) ends
    audible_end: int            # output sample where the post track stops sounding
    cut_at_end: bool            # the video's end cuts through the track
    fade_in: Fade | None
    fade_out: Fade | None
    notes: list[str] = field(default_factory=list)

    @property
    def offset_samples(self) -> int:
        return self.delay - self.skip

    def as_dict(self) -> dict:
        r = self.rate
        return {
            "video_s": self.out_samples / r,
            "track_s": self.track_samples / r,
            "offset_s": self.offset_samples / r,
            "silence_before_s": self.delay / r,
            "skipped_s": self.skip / r,
            "loop": self.loop,
            "cut_at_end": self.cut_at_end,
            "silence_after_s": max(0, self.out_samples - self.audible_end) / r,
            "fade_in_s": self.fade_in.length / r if self.fade_in else 0.0,
            "fade_out_s": self.fade_out.length / r if self.fade_out else 0.0,
            "notes": list(self.notes),
        }


def _seconds(samples: int, rate: int) -> str:
    return f"{samples / rate:.3f} s"


def plan_timing(spec: SwapSpec, video_s: float, track_s: float, rate: int = OUTPUT_RATE) -> Timing:
    """Lay a track of track_s seconds under a video of video_s seconds. Raises SwapSpecError when
    the spec can't hold (the message says which option to change)."""
    if video_s <= 0:
        raise SwapSpecError("The take has no length to lay a post track under.")
    if track_s <= 0:
        raise SwapSpecError("The post track has no length.")
    out = round(video_s * rate)
    track = max(1, round(track_s * rate))
    shift = round(spec.offset * rate)
    delay, skip = (shift, 0) if shift >= 0 else (0, -shift)
    loop = spec.fit == "loop"
    tolerance = round(FIT_TOLERANCE_S * rate)
    notes: list[str] = []

    if delay >= out:
        raise SwapSpecError(f"--offset {spec.offset:+g} s puts the post track after the take ends "
                            f"({video_s:.3f} s); choose a smaller offset.")
    if skip >= track:
        if not loop:
            raise SwapSpecError(f"--offset {spec.offset:+g} s skips past the end of the post track "
                                f"({track_s:.3f} s long); choose an offset between "
                                f"{-track_s:.3f} and {video_s:.3f} s.")
        skip %= track                     # a looped track: start that far into the loop

    track_end = delay + track - skip      # where the first pass of the track ends
    runs_long = track_end > out + tolerance
    runs_short = track_end < out - tolerance
    if spec.fit == "trim" and runs_short:
        raise SwapSpecError(f"The post track ends {_seconds(out - track_end, rate)} before the take "
                            "(--fit trim expects it to cover the take). Use --fit pad to fill with "
                            "silence, or --fit loop.")
    if spec.fit == "pad" and runs_long:
        raise SwapSpecError(f"The post track runs {_seconds(track_end - out, rate)} past the take's end, "
                            "and --fit pad keeps the whole track while the video is never lengthened. "
                            "Use --fit trim (or leave --fit out) to cut it at the take's end.")

    if loop and runs_short:
        cut_at_end = True
        audible_end = out
        passes = (out - delay + skip) / track
        notes.append(f"the post track loops {passes:.2f} times and is cut at the take's end")
    elif runs_long:
        cut_at_end = True
        audible_end = out
        notes.append(f"the post track runs {_seconds(track_end - out, rate)} past the take: "
                     "cut at the take's end")
    else:
        cut_at_end = False
        audible_end = min(out, track_end)
        if out - audible_end > 0:
            notes.append(f"{_seconds(out - audible_end, rate)} of silence after the post track")
    if delay:
        notes.append(f"{_seconds(delay, rate)} of silence before the post track")
    if skip:
        notes.append(f"the first {_seconds(skip, rate)} of the post track are skipped")

    fade_out_s = spec.fade_out if spec.fade_out is not None else (AUTO_CUT_FADE_OUT_S if cut_at_end else 0.0)
    fade_in_s = spec.fade_in if spec.fade_in is not None else (AUTO_CUT_FADE_IN_S if skip else 0.0)
    audible = audible_end - delay
    fade_in_n, fade_out_n = round(fade_in_s * rate), round(fade_out_s * rate)
    if fade_in_n + fade_out_n > audible:
        fade_in_n, fade_out_n = _fitted_fades(spec, fade_in_n, fade_out_n, audible, rate, notes)
    fade_in = Fade(delay, fade_in_n) if fade_in_n else None
    fade_out = Fade(audible_end - fade_out_n, fade_out_n) if fade_out_n else None
    if fade_out and spec.fade_out is None:
        notes.append(f"{fade_out_n / rate:g} s fade-out at the cut")
    if fade_in and spec.fade_in is None:
        notes.append(f"{fade_in_n / rate:g} s fade-in at the cut")

    return Timing(rate=rate, out_samples=out, delay=delay, skip=skip, track_samples=track, loop=loop,
                  track_end=track_end, audible_end=audible_end, cut_at_end=cut_at_end,
                  fade_in=fade_in, fade_out=fade_out, notes=notes)


def _fitted_fades(spec: SwapSpec, fade_in: int, fade_out: int, audible: int, rate: int,
                  notes: list[str]) -> tuple[int, int]:
    """Fades (samples) that fit in `audible` samples. The automatic ones (a very short take) are
    shortened in proportion, and said; fades the editor asked for are kept as asked, so when they
    alone don't fit the spec is refused rather than quietly changed."""
    explicit = [(f"--fade-in {spec.fade_in:g} s", fade_in)] if spec.fade_in is not None else []
    explicit += [(f"--fade-out {spec.fade_out:g} s", fade_out)] if spec.fade_out is not None else []
    asked = sum(n for _, n in explicit)
    if asked > audible:
        what = " and ".join(name for name, _ in explicit)
        one = len(explicit) == 1
        raise SwapSpecError(f"The {'fade' if one else 'fades'} asked for ({what}) {'is' if one else 'are'} longer "
                            f"than the post track's {_seconds(audible, rate)} in the take; shorten "
                            f"{'it' if one else 'them'}.")
    automatic = (0 if spec.fade_in is not None else fade_in) + (0 if spec.fade_out is not None else fade_out)
    room = audible - asked
    fitted = []
    for name, n, chosen in (("fade-in", fade_in, spec.fade_in), ("fade-out", fade_out, spec.fade_out)):
        if chosen is not None or not n:
            fitted.append(n)
            continue
        shorter = n * room // automatic
        notes.append(f"the automatic {n / rate:g} s {name} was shortened to {shorter / rate:.3f} s "
                     "to fit the take")
        fitted.append(shorter)
    return fitted[0], fitted[1]
