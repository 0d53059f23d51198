"""soundon models [--batch NAME]

How each model's takes fared in this library, per audio need of their prompts: picked, rejected,
average rating, share of native audio kept, translation verdicts; and which model is recommended
for each need — the library's own leader once it has enough decisions, else the dated guidance.
"""
from __future__ import annotations

from soundon.commands.common import UserError, emit_json, open_library, say
from soundon.core.model_stats import pick_statistics


def register(subparsers, common) -> None:
    p = subparsers.add_parser("models", parents=[common],
                              help="how each model's takes fared in this library, per audio need")
    p.add_argument("--batch", metavar="NAME", help="only this batch's takes")
    p.set_defaults(run=run)


def run(args) -> int:
    library = open_library(args)
    if args.batch and not library.batch_named(args.batch):
        names = ", ".join(b["name"] for b in library.batches()) or "none yet"
        raise UserError(f"There is no batch named {args.batch!r} (batches: {names}).")
    document = pick_statistics(library.decided_takes(args.batch)).as_dict()
    if args.json:
        emit_json(document)
        return 0
    for need in document["needs"]:
        rec = need["recommended"]
        source = "this library's picks" if rec["source"] == "library" else "guidance"
        say(f"{need['label']}: {rec['model']} ({source}: {rec['why']})")
        for m in need["models"]:
            say(f"  {m['model']:<16} {m['takes']:>3} takes  {m['picked']:>3} picked  {m['rejected']:>3} rejected  "
                f"rating {_figure(m['average_rating'])}  audio kept {_share(m['audio_kept_share'])}")
    say(f"Guidance of {document['guidance_date']}; the library's figures lead a need after "
        f"{document['min_decisions']} pick or reject decisions.")
    return 0


def _figure(value) -> str:
    return "—" if value is None else f"{value:.1f}"


def _share(value) -> str:
    return "—" if value is None else f"{round(value * 100)}%"
