"""soundon preview FILE --profile NAME [--noise NAME] [--volume DB] [--match-loudness] --out FILE.wav

Renders what FILE sounds like through a listening profile, through the same audio graph the app
plays it with (soundon.media.audio_graph): what is heard is what this renders.
The WAV is 48 kHz 16-bit stereo. An existing file at --out is never overwritten: the render gets a
numbered name beside it instead.
"""
from __future__ import annotations

from pathlib import Path

from soundon.commands.common import UserError, emit_json, say, warn
from soundon.core.listening import NOISE_NAMES, PROFILE_NAMES, profile_named
from soundon.core.listening import MAX_PHONE_VOLUME_CUT_DB, ListeningSetup


def register(subparsers, common) -> None:
    p = subparsers.add_parser("preview", parents=[common], help="render a take through a listening profile",
                              description="Render what a take sounds like on a phone, laptop or earbuds, "
                                          "optionally in a noisy place and at a lower phone volume.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--profile", required=True, choices=PROFILE_NAMES)
    p.add_argument("--noise", choices=NOISE_NAMES, help="environment noise (phone profiles)")
    p.add_argument("--volume", type=float, default=0.0, metavar="DB",
                   help=f"phone volume in dB below full (0 to -{MAX_PHONE_VOLUME_CUT_DB:g}; phone profiles)")
    p.add_argument("--match-loudness", action="store_true",
                   help="play the profile at the same integrated loudness as headphones")
    p.add_argument("--out", required=True, type=Path, metavar="FILE.wav")
    p.set_defaults(run=run)


def free_name(path: Path) -> Path:
    """path, or 'name (2).wav', 'name (3).wav', … when it is taken."""
    if not path.exists():
        return path
    n = 2
    while (candidate := path.with_name(f"{path.stem} ({n}){path.suffix}")).exists():
        n += 1
    return candidate


def run(args) -> int:
    from soundon.media.audio_graph import match_gain, render_samples
    from soundon.media.dsp.decode import decode
    from soundon.media.listening import ListeningError
    from soundon.media.probe import probe
    source = Path(args.file)
    try:
        setup = ListeningSetup(args.profile, args.noise, args.volume, args.match_loudness)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    profile = profile_named(args.profile)
    if not profile.takes_noise and (args.noise or args.volume):
        warn(f"{profile.label} takes no environment noise or phone volume; rendered without them.")
    info = probe(source)
    if not info.has_audio:
        raise UserError(f"{source.name} has no audio stream to preview.")
    out = args.out if args.out.suffix.lower() == ".wav" else args.out.with_suffix(args.out.suffix + ".wav")
    if out.exists() and out.resolve() == source.resolve():
        raise UserError("--out names the source file itself; choose another name.")
    if not out.parent.is_dir():
        raise UserError(f"The folder {out.parent} does not exist.")
    target = free_name(out)
    channels = max(1, info.audio_channels or 2)
    try:
        native = decode(source, channels)
        gain = match_gain(native, setup.profile) if setup.effective.match_loudness else None
        render_samples(native, target, setup, match_gain_db=gain or 0.0)
    except ListeningError as exc:
        raise UserError(f"{source.name} could not be rendered: {exc}") from None
    result = {"file": str(source), "out": str(target), "profile": setup.profile, "noise": setup.effective.noise,
              "volume_db": setup.effective.volume_db, "match_loudness": setup.effective.match_loudness,
              "match_gain_db": None if gain is None else round(gain, 2), "label": setup.label(),
              "duration": info.duration}
    if args.json:
        emit_json(result)
    else:
        renamed = f" ({out.name} exists)" if target != out else ""
        say(f"Wrote {target}{renamed}: {source.name} as heard on {setup.label()}.")
    return 0
