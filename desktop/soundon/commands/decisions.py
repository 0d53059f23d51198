"""soundon decisions export FILE [--batch NAME] | soundon decisions merge FILE

Review decisions travel as a portable JSON file so reviewers can work offline and combine their work.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from soundon.commands.common import UserError, emit_json, open_library, say, warn
from soundon.core.ordinary_files import NotAnOrdinaryFile, read_ordinary


def register(subparsers, common) -> None:
    p = subparsers.add_parser("decisions", parents=[common], help="export or merge review decisions (JSON)")
    p.add_argument("action", choices=("export", "merge"))
    p.add_argument("file", metavar="FILE", type=Path)
    p.add_argument("--batch", metavar="NAME", help="export only this batch")
    p.set_defaults(run=run)


def run(args) -> int:
    from soundon.store.exchange import ExchangeError, export_decisions, merge_decisions
    library = open_library(args)
    if args.action == "export":
        document = export_decisions(library, args.batch)
        target = args.file
        if target.exists():
            raise UserError(f"{target} already exists; choose another name (nothing was overwritten).")
        temporary = target.with_name(f".{target.name}.partial")
        try:
            temporary.write_text(json.dumps(document, indent=2, ensure_ascii=False), encoding="utf-8")
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise UserError(f"{target} could not be written ({exc.strerror}).") from None
        outcome = {"exported": len(document["takes"]), "file": str(target)}
        if args.json:
            emit_json(outcome)
        else:
            say(f"Exported the decisions of {outcome['exported']} take(s) to {target}.")
        return 0
    try:
        document = json.loads(read_ordinary(args.file).decode("utf-8"))
    except FileNotFoundError:
        raise UserError(f"{args.file} does not exist.") from None
    except NotAnOrdinaryFile as exc:
        raise UserError(f"{exc}; Sound-On merges decisions only from an ordinary file.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{args.file} can't be read as a decisions file ({exc}).") from None
    try:
        outcome = merge_decisions(library, document)
    except ExchangeError as exc:
        raise UserError(str(exc)) from None
    for refusal in outcome["refused"]:
        where = f" ({refusal['file']})" if refusal["file"] else ""
        warn(f"refused entry {refusal['entry']}{where}: {refusal['reason']}.")
    if args.json:
        emit_json(outcome)
    elif not outcome["refused"]:
        say(f"Merged: {outcome['updated']} decision(s) taken, {outcome['notes_added']} note(s) added, "
            f"{len(outcome['unknown_takes'])} take(s) not in this library.")
    if outcome["refused"]:
        warn(f"Nothing was merged: {len(outcome['refused'])} entry(ies) of {args.file} refused. "
             "Fix them and merge again.")
        return 1
    return 0
