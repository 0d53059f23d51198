"""soundon list [--batch NAME] [--search TEXT]"""
from __future__ import annotations

from soundon.commands.common import UserError, emit_json, open_library, say
from soundon.core.take import Take

LIST_KEYS = ("id", "path", "batch", "model", "prompt", "prompt_group", "duration", "width", "height",
             "display_width", "display_height", "rotation", "fps", "variable_frame_rate", "video_codec",
             "audio_codec", "has_audio", "audio_channels", "channel_layout", "sample_rate", "flag", "rating",
             "audio_verdict", "seed", "variation", "generated_at", "fingerprint", "integrated_lufs",
             "true_peak_dbtp", "analysis_flags", "post_track", "swap_spec", "thumbnail", "waveform")


def register(subparsers, common) -> None:
    p = subparsers.add_parser("list", parents=[common], help="takes with metadata, review state and analysis")
    p.add_argument("--batch", metavar="NAME", help="only this batch")
    p.add_argument("--search", metavar="TEXT",
                   help="only takes whose file name, prompt, model or notes hold every word (as a prefix), "
                        "best match first")
    p.set_defaults(run=run)


def take_summary(take: Take) -> dict:
    document = take.as_json()
    return {key: document[key] for key in LIST_KEYS}


def run(args) -> int:
    library = open_library(args)
    if args.batch and not library.batch_named(args.batch):
        names = ", ".join(b["name"] for b in library.batches()) or "none yet"
        raise UserError(f"There is no batch named {args.batch!r} (batches: {names}).")
    if args.search is not None:
        from soundon.store.take_query import TakeFilter
        ids = library.take_ids(TakeFilter(batch=args.batch, search=args.search))
        found = library.takes_by_ids(ids)
        takes = [found[i] for i in ids]
    else:
        takes = library.takes(args.batch)
    if args.json:
        emit_json([take_summary(t) for t in takes])
        return 0
    if not takes:
        say(f"No take matches {args.search!r}." if args.search is not None
            else "The library has no takes yet. Add a batch with: soundon import FOLDER")
        return 0
    flag_mark = {"pick": "P", "reject": "X", "none": "·"}
    for t in takes:
        say(f"{t.id:>5}  {flag_mark[t.flag]} {'★' * t.rating:<5}  {t.audio_verdict:<9}  "
            f"{t.model or '?':<10} {t.duration:6.2f}s  {t.display_width}x{t.display_height}  "
            f"{t.batch}/{t.rel_path}")
    return 0
