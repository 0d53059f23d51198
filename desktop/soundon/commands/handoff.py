"""soundon handoff --batch NAME --to DIR [--nle fcpxml,xmeml,edl,otio|none]

The batch's decisions for an NLE, on the original media: no audio swap, nothing copied. For an
editor who wants the selects in the NLE before the post audio is ready (`soundon export` writes
the same files for the delivered media). Every take is in the bin, rejects rated as such; the picks
make the timeline. A batch with no picks writes nothing. Exit status 1 when a file could not be
written (mixed frame rates, a take that can't be read); the others are written.
"""
from __future__ import annotations

from pathlib import Path

from soundon.commands import nle_option
from soundon.commands.common import UsageError, UserError, emit_json, open_library


def register(subparsers, common) -> None:
    p = subparsers.add_parser("handoff", parents=[common],
                              help="the selects for an NLE on the original media (no swap)")
    p.add_argument("--batch", required=True, metavar="NAME", help="the batch to hand off")
    p.add_argument("--to", required=True, type=Path, metavar="DIR", help="folder for the NLE files (created if needed)")
    nle_option.add_nle_option(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from soundon.jobs.handoff_job import hand_off, original_media
    formats = nle_option.formats_from(args)
    if not formats:
        raise UsageError("--nle none leaves nothing to hand off; name the NLE files to write.")
    if args.to.exists() and not args.to.is_dir():
        raise UsageError(f"--to {args.to} is not a folder; give the folder the NLE files go in.")
    library = open_library(args)
    if not library.batch_named(args.batch):
        names = ", ".join(b["name"] for b in library.batches()) or "none yet"
        raise UserError(f"There is no batch named {args.batch!r} (batches: {names}).")
    # A batch with no picks (NothingToHandOff) is refused as a whole: cli.py prints it, exit 1.
    result = hand_off(library, args.batch, original_media(library, args.batch), args.to, formats)
    if args.json:
        emit_json(result.as_dict())
    else:
        nle_option.report(result)
    return 0 if result.complete else 1
