"""soundon review TAKE [--pick|--reject|--unflag] [--rating N] [--audio keep|replace] [--note TEXT]"""
from __future__ import annotations

from soundon.commands.common import UserError, emit_json, open_library, say
from soundon.commands.list_takes import take_summary
from soundon.core.review import Note, ReviewError


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
    p.add_argument("--note-in", type=float, metavar="S", help="the note's in point (seconds)")
    p.add_argument("--note-out", type=float, metavar="S", help="the note's out point (seconds)")
    p.set_defaults(run=run)


def run(args) -> int:
    library = open_library(args)
    take = library.resolve_take(args.take)
    if (args.note_in is not None or args.note_out is not None) and not args.note:
        raise UserError("--note-in and --note-out place a note: give the note's text with --note.")
    try:
        note = Note(args.note, args.note_in, args.note_out) if args.note else None
    except ReviewError as exc:
        raise UserError(str(exc)) from None
    if args.flag:
        library.set_flag(take["id"], args.flag)
    if args.rating is not None:
        library.set_rating(take["id"], args.rating)
    if args.audio:
        library.set_audio_verdict(take["id"], args.audio)
    if note:
        library.add_note(take["id"], note)
    take = library.take(take["id"])
    notes = library.notes(take["id"])
    if args.json:
        emit_json({**take_summary(take), "notes": notes})
    else:
        say(f"Take {take['id']} ({take['rel_path']}): {take['flag']}, {take['rating']} star(s), "
            f"audio {take['audio_verdict']}, {len(notes)} note(s).")
    return 0
