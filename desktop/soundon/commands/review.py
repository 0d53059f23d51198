"""soundon review TAKE [--pick|--reject|--unflag] [--rating N] [--audio keep|replace] [--note TEXT]
                      [--track FILE [swap options]]

`--track` stores the take's post-production track and its swap spec (the same record the app
edits; `soundon export` uses it). Swap options without `--track` change the stored spec (and not
the verdict); options that are not given keep their stored values. Giving a track makes the audio
verdict `replace`; switching the verdict back to `keep` keeps the stored track, so nothing the
editor set is lost.
"""
from __future__ import annotations

from pathlib import Path

from soundon.commands.common import UsageError, UserError, emit_json, open_library, say
from soundon.commands.list_takes import take_summary
from soundon.commands.swap_options import add_swap_options, number_between, spec_from_args, spec_options_given
from soundon.core.review import Note, ReviewError
from soundon.core.swap_spec import SwapSpec, SwapSpecError
from soundon.core.swap_timing import plan_timing
from soundon.core.take import Take


NOTE_LIMIT_S = 24 * 3600.0      # a take longer than a day is not a take


def register(subparsers, common) -> None:
    p = subparsers.add_parser("review", parents=[common], help="record a review decision for a take")
    p.add_argument("take", metavar="TAKE", help="the take's library id or its path")
    flag = p.add_mutually_exclusive_group()
    flag.add_argument("--pick", dest="flag", action="store_const", const="pick")
    flag.add_argument("--reject", dest="flag", action="store_const", const="reject")
    flag.add_argument("--unflag", dest="flag", action="store_const", const="none")
    p.add_argument("--rating", type=int, choices=range(0, 6), metavar="N", help="0 to 5 stars")
    p.add_argument("--audio", choices=("keep", "replace", "undecided"), help="audio verdict")
    p.add_argument("--note", metavar="TEXT", help="add a note")
    p.add_argument("--note-in", type=number_between(0.0, NOTE_LIMIT_S, "s"), metavar="S",
                   help="the note's in point (seconds)")
    p.add_argument("--note-out", type=number_between(0.0, NOTE_LIMIT_S, "s"), metavar="S",
                   help="the note's out point (seconds)")
    p.add_argument("--track", type=Path, metavar="FILE",
                   help="the post-production track for a replace verdict (with the swap options below)")
    add_swap_options(p)
    p.set_defaults(run=run)


def run(args) -> int:
    library = open_library(args)
    take = library.resolve_take(args.take)
    if (args.note_in is not None or args.note_out is not None) and not args.note:
        raise UsageError("--note-in and --note-out place a note: give the note's text with --note.")
    try:
        note = Note(args.note, args.note_in, args.note_out) if args.note else None
    except ReviewError as exc:
        raise UsageError(str(exc)) from None
    swap = _swap_record(take, args)
    if swap:
        library.save_swap_spec(take.id, *swap)
        if args.track is not None and args.audio is None:
            args.audio = "replace"       # giving a post track is choosing to replace
    if args.flag:
        library.set_flag(take.id, args.flag)
    if args.rating is not None:
        library.set_rating(take.id, args.rating)
    if args.audio:
        library.set_audio_verdict(take.id, args.audio)
    if note:
        library.add_note(take.id, note)
    take = library.take(take.id)
    notes = library.notes(take.id)
    if args.json:
        emit_json({**take_summary(take), "notes": notes})
    else:
        say(f"Take {take.id} ({take.rel_path}): {take.flag}, {take.rating} star(s), "
            f"audio {take.audio_verdict}, {len(notes)} note(s).")
        if swap:
            say(f"Post track: {take.swap.path} ({take.swap.spec.describe()}).")
    return 0


def _swap_record(take: Take, args) -> tuple[str, SwapSpec] | None:
    """(track path, spec) to store, or None when no swap option was given."""
    from soundon.media.streams import read_post_track
    from soundon.media.swap_errors import SourceError
    if args.track is None and not spec_options_given(args):
        return None
    if args.track is not None and args.audio in ("keep", "undecided"):
        raise UsageError("A post track goes with --audio replace (or leave --audio out).")
    stored = take.swap
    track = args.track or (Path(stored.path) if stored else None)
    if track is None:
        raise UserError(f"Take {take.id} has no post track yet; give it with --track FILE "
                        "(the swap options describe how it is laid under the take).")
    # a damaged stored spec is replaced by what is given now
    base = stored.spec if stored and not stored.problem else None
    spec = spec_from_args(args, base)
    try:
        info = read_post_track(track)
        plan_timing(spec, take.duration, info.audio_duration)
    except (SourceError, SwapSpecError) as exc:
        raise UserError(str(exc)) from None
    return str(Path(track).expanduser().resolve()), spec
