"""soundon import PATH... [--name NAME]"""
from __future__ import annotations

import sys

from soundon.commands.common import emit_json, open_library, say, warn


def register(subparsers, common) -> None:
    p = subparsers.add_parser("import", parents=[common], help="add batches (folders or manifests) to the library",
                              description="Add batches to the library. A batch is a folder of takes or a "
                                          "manifest (takes.json / takes.csv).")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--name", help="the batch's name (default: its folder's name)")
    p.set_defaults(run=run)


def run(args) -> int:
    from soundon.jobs.importer import Importer
    library = open_library(args)
    show_progress = not args.json and sys.stderr.isatty()

    def progress(done: int, total: int, _path: str) -> None:
        if show_progress:
            print(f"\rImporting {done}/{total}", end="", file=sys.stderr, flush=True)

    result = Importer(library).run(args.paths, name=args.name, progress=progress)
    if show_progress:
        print(file=sys.stderr)
    if args.json:
        emit_json(result.as_json())
    else:
        say(f"Added {len(result.added)} take(s) to {', '.join(result.batches) or 'no batch'}.")
        for take in result.added:
            say(f"  + {take.id:>5}  {take.rel_path}  ({take.model or 'model unknown'}, {take.duration:.2f} s)"
                f"{_sound_verdict(take.analysis_flags)}")
        if result.skipped:
            say(f"Skipped {len(result.skipped)} already in the library.")
    # Refusals are not results: they go to stderr, in both modes (in --json they are in the document too).
    for refusal in result.refused:
        warn(f"refused {refusal.path}: {refusal.reason}")
    # Refused files don't fail the import: the good takes went in. Nothing usable at all does.
    if not result.added and not result.skipped and result.refused:
        return 1
    return 0


def _sound_verdict(flags) -> str:
    """What the import heard in the take's sound: the verdict and its flags ("" when not measured)."""
    from soundon.core.translation import FLAG_TEXT, VERDICT_TEXT, verdict  # noqa: PLC0415
    if flags is None:
        return ""
    said = verdict(list(flags))
    if said in ("ok", "no_audio", "silent"):     # the verdict says it all
        return f"  {VERDICT_TEXT[said]}"
    return f"  {VERDICT_TEXT[said]}: {', '.join(FLAG_TEXT[f] for f in flags)}"
