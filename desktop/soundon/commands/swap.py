"""soundon swap VIDEO --audio TRACK --out FILE [swap options] [--audio-codec aac|pcm] [--no-verify]
   soundon swap VIDEO --nudge MS --out FILE [--audio-codec aac|pcm] [--no-verify]

Lays a post-production track under a take and writes a new file: the video stream copied, the
audio conformed and encoded, the result verified before it takes its name (see jobs/swap_job.py).
With --nudge instead of --audio, the take's own audio is shifted against its picture: copied with
the shift in the container's edit list where the container takes the codec as it is, encoded
otherwise; either way the shift is measured back to ±1 ms.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from soundon.commands.common import UsageError, emit_json, say
from soundon.commands.progress_line import ProgressLine, bar
from soundon.commands.swap_options import add_swap_options, number_between, spec_from_args, spec_options_given
from soundon.core.swap_spec import NUDGE_LIMIT_MS, SwapSpec

if TYPE_CHECKING:
    from soundon.jobs.swap_job import SwapOutcome


def register(subparsers, common) -> None:
    p = subparsers.add_parser("swap", parents=[common],
                              help="replace a take's audio with a post-production track (video untouched)")
    p.add_argument("video", metavar="VIDEO", type=Path, help="the take")
    p.add_argument("--audio", type=Path, metavar="TRACK", help="the post-production track")
    p.add_argument("--nudge", type=number_between(-NUDGE_LIMIT_MS, NUDGE_LIMIT_MS, "ms"), metavar="MS",
                   help="instead of a post track: shift the take's own audio by MS milliseconds "
                        "(positive: later, negative: earlier)")
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="the new file (.mp4, .m4v or .mov); an existing file is never overwritten")
    add_swap_options(p)
    p.add_argument("--audio-codec", choices=("aac", "pcm"),
                   help="audio codec (default: AAC in mp4/m4v, 24-bit PCM 48 kHz in mov; PCM only in mov)")
    p.add_argument("--no-verify", action="store_true",
                   help="skip the check after writing (faster; the video is still copied, never re-encoded)")
    p.set_defaults(run=run)


def run(args) -> int:
    from soundon.jobs.swap_job import SwapJob, SwapRequest
    if args.out.is_dir():
        raise UsageError(f"--out {args.out} is a folder; give the new file's name, e.g. {args.out / 'take.mp4'}.")
    if (args.audio is None) == (args.nudge is None):
        raise UsageError("Give either --audio TRACK (a post track) or --nudge MS (shift the take's own audio).")
    if args.nudge is not None and spec_options_given(args):
        raise UsageError("--nudge shifts the take's own audio as it is; the post-track options "
                         "(--offset, --fit, fades, level, --bed) go with --audio.")
    spec = spec_from_args(args) if args.audio else SwapSpec(nudge_ms=args.nudge)
    line = ProgressLine()
    phases = {"measuring": "measuring loudness", "writing": "writing", "verifying": "verifying"}
    job = SwapJob(SwapRequest(video=args.video, out=args.out, track=args.audio, spec=spec,
                              audio_codec=args.audio_codec, verify=not args.no_verify),
                  on_progress=lambda f, phase: line.update(f"{bar(f)} {f * 100:3.0f}%  {phases[phase]}"))
    try:
        outcome = job.run()
    finally:
        line.clear()
    if args.json:
        emit_json(outcome.as_dict())
    else:
        print_outcome(outcome)
    return 0


def print_outcome(outcome: SwapOutcome) -> None:
    from soundon.media.extra_streams import describe
    say(f"Wrote {outcome.output}")
    say(f"  video: {outcome.video['codec']}, {outcome.video['action']}")
    say(f"  audio: {outcome.audio['action']}" + (" (re-encoded)" if "audio" in outcome.reencoded else ""))
    level = outcome.level
    if level and level.get("goal_lufs") is not None:
        limiter = (f", true-peak limiter at {level['limiter_dbtp']:+.1f} dBTP" if level["limiter_dbtp"] is not None
                   else ", no limiting needed")
        say(f"  level: {level['goal_lufs']:g} LUFS (ceiling {level['ceiling_dbtp']:g} dBTP): measured "
            f"{level['measured_lufs']:.1f} LUFS, gain {level['gain_db']:+.1f} dB{limiter}")
    elif level:
        say(f"  level: gain {level['gain_db']:+.1f} dB")
    elif "post_track" in outcome.audio:
        say("  level: unchanged (the post track as mixed)")
    verification = outcome.verification
    if verification:
        say(f"  verified: {_verification_text(verification)}")
    else:
        say("  not verified (--no-verify)")
    for note in outcome.notes:
        say(f"  note: {note}")
    for entry in outcome.not_carried:
        say(f"  not carried over: {describe(entry)}")


def _verification_text(v: dict) -> str:
    parts = [f"{v['video_packets']} video packets identical to the source"]
    if v.get("length_difference_ms") is not None:
        parts.append(f"audio ends {v['length_difference_ms']:+.1f} ms from the video's end")
    offset = v.get("offset")
    if offset:
        parts.append(f"offset measured {offset['measured_s']:+.3f} s" if offset.get("measured_s") is not None
                     else f"offset not measurable: {offset['reason']}")
    return "; ".join(parts)
