"""soundon prompts [--batch NAME | --text "..."] [--duration S]

The audio-awareness check of prompts: findings (with the words they are based on and a suggestion),
the explained score, the audio need and the model advice. Without --text, every distinct prompt of
the library (or of one batch), checked against the shortest of its takes.
"""
from __future__ import annotations

from soundon.commands.common import UsageError, UserError, emit_json, open_library, say
from soundon.core.audio_need import need_label
from soundon.core.model_stats import CheckCache, advice_with_library, pick_statistics
from soundon.core.prompt_check import PromptCheck


def register(subparsers, common) -> None:
    p = subparsers.add_parser("prompts", parents=[common],
                              help="audio-awareness check of prompts: findings, score, audio need, model advice")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--batch", metavar="NAME", help="only this batch's prompts")
    which.add_argument("--text", metavar="PROMPT", help="check this prompt (not from the library)")
    p.add_argument("--duration", metavar="S", type=float, default=None,
                   help="the clip length in seconds, for --text (the complexity rule needs it)")
    p.set_defaults(run=run)


def check_document(check: PromptCheck, stats) -> dict:
    document = check.as_dict()
    found = advice_with_library(check, stats)
    document["audio_need"] = found["audio_need"]
    document["advice"] = found
    return document


def run(args) -> int:
    if args.text is not None and not args.text.strip():
        raise UsageError("--text needs a prompt to check.")
    if args.duration is not None and not args.duration > 0:
        raise UsageError(f"--duration is a clip length in seconds, above 0; got {args.duration:g}.")
    if args.duration is not None and args.text is None:
        raise UsageError("--duration goes with --text; a library prompt is checked against its takes' length.")
    library = open_library(args)
    if args.batch and not library.batch_named(args.batch):
        names = ", ".join(b["name"] for b in library.batches()) or "none yet"
        raise UserError(f"There is no batch named {args.batch!r} (batches: {names}).")
    cache = CheckCache()
    stats = pick_statistics(library.decided_takes(), cache)
    if args.text is not None:
        document = check_document(cache.check(args.text.strip(), args.duration), stats)
        emit_json(document) if args.json else _print(document)
        return 0
    entries = prompt_entries(library.takes(args.batch), cache, stats)
    if args.json:
        emit_json(entries)
        return 0
    if not entries:
        say("No take in the library has a prompt yet." if not args.batch else f"No take of {args.batch!r} has a prompt.")
    for entry in entries:
        say(f"{entry['batch']} · {len(entry['takes'])} take(s)")
        _print(entry)
        say()
    return 0


def prompt_entries(takes, cache: CheckCache, stats) -> list[dict]:
    """One entry per distinct prompt of each batch: its takes, its prompt group and its check."""
    groups: dict[tuple[str, str], list] = {}
    for take in takes:
        if take.prompt.strip():
            groups.setdefault((take.batch, take.prompt), []).append(take)
    entries = []
    for (batch, prompt), members in groups.items():
        shortest = min((t.duration for t in members if t.duration), default=None)
        entry = {"batch": batch, "prompt_group": members[0].prompt_group, "takes": [t.id for t in members]}
        entry.update(check_document(cache.check(prompt, shortest), stats))
        entries.append(entry)
    return entries


def _print(document: dict) -> None:
    say(document["prompt"])
    say(f"  {document['explanation']}")
    for finding in document["findings"]:
        words = ", ".join(f"'{w['text']}'" for w in finding["words"])
        say(f"  - {finding['message']}" + (f" [{words}]" if words else ""))
        say(f"    {finding['suggestion']}")
    advice = document["advice"]
    if advice["model"]:
        source = "this library's picks" if advice["source"] == "library" else f"guidance of {advice['guidance_date']}"
        say(f"  Audio need: {need_label(advice['audio_need'])}. Model: {advice['model']} ({source}).")
    else:
        say("  Audio need: can't be told; no model advice.")
