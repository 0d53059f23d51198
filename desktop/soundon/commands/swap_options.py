"""The swap options shared by `soundon swap` and `soundon review --track` (one definition, so the
two verbs can't drift apart). Every option defaults to None so `review` can tell "not given" from a
value and update only what the editor typed."""
from __future__ import annotations

import argparse

from soundon.commands.common import UserError
from soundon.core.swap_spec import FITS, Level, SwapSpec, SwapSpecError
from soundon.core.targets import TARGETS

SPEC_OPTIONS = ("offset", "fit", "fade_in", "fade_out", "target", "lufs", "true_peak", "gain", "bed")


def add_swap_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("swap options")
    group.add_argument("--offset", type=float, metavar="S",
                       help="seconds; positive delays the post track, negative starts it later inside the track")
    group.add_argument("--fit", choices=[f for f in FITS if f != "trim+pad"],
                       help="trim (cut at the video's end), pad (silence after the track) or loop "
                            "(default: trim or pad, whichever applies)")
    group.add_argument("--fade-in", type=float, metavar="S", help="fade-in length (default: 0.01 s at a cut, else 0)")
    group.add_argument("--fade-out", type=float, metavar="S",
                       help="fade-out length (default: 0.05 s where the video's end cuts the track, else 0)")
    level = group.add_mutually_exclusive_group()
    level.add_argument("--target", choices=list(TARGETS), metavar="NAME",
                       help=f"bring the audio to a delivery target: {', '.join(TARGETS)}")
    level.add_argument("--lufs", type=float, metavar="N", help="bring the audio to N LUFS integrated")
    level.add_argument("--gain", type=float, metavar="DB", help="a plain gain, no loudness measurement")
    group.add_argument("--true-peak", type=float, metavar="DB",
                       help="true-peak ceiling with --lufs (default -1 dBTP)")
    group.add_argument("--bed", type=float, metavar="DB",
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
        raise UserError(str(exc)) from None
