"""soundon relink BATCH NEW_ROOT — point a moved batch folder at its new place."""
from __future__ import annotations

from soundon.commands.common import emit_json, open_library, say


def register(subparsers, common) -> None:
    p = subparsers.add_parser("relink", parents=[common], help="re-link a batch whose folder moved")
    p.add_argument("batch", metavar="BATCH", help="the batch's name")
    p.add_argument("root", metavar="NEW_ROOT", help="the folder the batch lives in now")
    p.set_defaults(run=run)


def run(args) -> int:
    outcome = open_library(args).relink_batch(args.batch, args.root)
    if args.json:
        emit_json(outcome)
    else:
        say(f"{outcome['batch']} now points at {outcome['root']}: {outcome['found']} take(s) found, "
            f"{outcome['missing']} missing.")
    return 0
