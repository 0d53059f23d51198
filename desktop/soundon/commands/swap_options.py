"""The swap options shared by `soundon swap` and `soundon review --track` (one definition, so the
two verbs can't drift apart). Every option defaults to None so `review` can tell "not given" from a
value and update only what the editor typed.

A value outside the range an editor could mean (nan, inf, a negative fade, --lufs 50) is bad usage:
argparse refuses it with exit status 2 before any file is read, as it does `--rating 9`."""
from __future__ import annotations

import argparse
import math

from soundon.commands.common import UsageError
from soundon.core.swap_spec import (BED_RANGE, FADE_LIMIT_S, FITS, GAIN_RANGE, LUFS_RANGE, OFFSET_LIMIT_S,
                                    TRUE_PEAK_RANGE, Level, SwapSpec, SwapSpecError)
from soundon.core.targets import TARGETS

SPEC_OPTIONS = ("offset", "fit", "fade_in", "fade_out", "target", "lufs", "true_peak", "gain", "bed")


def number_between(low: float, high: float, unit: str):
    """An argparse type: a finite number from low to high (the message names the range)."""
    def convert(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"give a finite number of {unit}, not {text}")
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g} {unit}; got {value:g}")
        return value
    return convert


def add_swap_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("swap options")
    group.add_argument("--offset", type=number_between(-OFFSET_LIMIT_S, OFFSET_LIMIT_S, "s"), metavar="S",
                       help="seconds; positive delays the post track, negative starts it later inside the track")
    group.add_argument("--fit", choices=[f for f in FITS if f != "trim+pad"],
                       help="trim (cut at the video's end), pad (silence after the track) or loop "
                            "(default: trim or pad, whichever applies)")
    fade = number_between(0.0, FADE_LIMIT_S, "s")
    group.add_argument("--fade-in", type=fade, metavar="S", help="fade-in length (default: 0.01 s at a cut, else 0)")
    group.add_argument("--fade-out", type=fade, metavar="S",
                       help="fade-out length (default: 0.05 s where the video's end cuts the track, else 0)")
    level = group.add_mutually_exclusive_group()
    level.add_argument("--target", choices=list(TARGETS), metavar="NAME",
                       help=f"bring the audio to a delivery target: {', '.join(TARGETS)}")
    level.add_argument("--lufs", type=number_between(*LUFS_RANGE, "LUFS"), metavar="N",
                       help="bring the audio to N LUFS integrated")
    level.add_argument("--gain", type=number_between(*GAIN_RANGE, "dB"), metavar="DB",
                       help="a plain gain, no loudness measurement")
    group.add_argument("--true-peak", type=number_between(*TRUE_PEAK_RANGE, "dBTP"), metavar="DB",
                       help="true-peak ceiling with --lufs (default -1 dBTP)")
    group.add_argument("--bed", type=number_between(*BED_RANGE, "dB"), metavar="DB",
                       help="keep the take's native audio under the post track at this gain (e.g. -18)")


def spec_options_given(args: argparse.Namespace) -> bool:
    return any(getattr(args, name, None) is not None for name in SPEC_OPTIONS)


def spec_from_args(args: argparse.Namespace, base: SwapSpec | None = None) -> SwapSpec:
    """The spec the options describe, on top of `base` (a stored spec) where they are silent."""
    spec = base or SwapSpec()
    try:
        if args.true_peak is not None and args.lufs is None:
            raise SwapSpecError("--true-peak sets the ceiling for --lufs; a delivery target brings its own.")
        level = spec.level
        if args.target is not None:
            level = Level(target=args.target)
        elif args.lufs is not None:
            level = Level(lufs=args.lufs, true_peak=args.true_peak)
        elif args.gain is not None:
            level = Level(gain=args.gain)
        changes = {"level": level}
        for name in ("offset", "fit", "fade_in", "fade_out", "bed"):
            value = getattr(args, name)
            if value is not None:
                changes[name] = value
        return spec.with_changes(**changes)
    except SwapSpecError as exc:
        raise UsageError(str(exc)) from None
