"""soundon export --batch NAME --to DIR [--picked] [--format mp4|mov] [--audio-codec aac|pcm]
                 [--normalize-keep] [--no-verify] [--nle fcpxml,xmeml,edl,otio|none]

Writes a batch's selects with their final audio (see jobs/export_job.py for what each take gets)
and a manifest (JSON + CSV) beside them, then the NLE files for the files written (default: all
four; jobs/handoff_job.py). The pre-flight's findings (jobs/export_preflight.py) go to stderr before
anything is written. Exporting again into a folder skips an identical output and writes a changed
one under a new versioned name (jobs/export_policy.py). Goes on past a failed take; the exit status
is 1 when any take failed (the manifest says why) or an NLE file asked for could not be written.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pathlib import Path

from soundon.commands import nle_option
from soundon.commands.common import UsageError, emit_json, open_library, say, warn
from soundon.commands.progress_line import ProgressLine, bar


if TYPE_CHECKING:
    from soundon.jobs.export_preflight import Finding

def register(subparsers, common) -> None:
    p = subparsers.add_parser("export", parents=[common],
                              help="write a batch's selects with their final audio, plus a manifest")
    p.add_argument("--batch", required=True, metavar="NAME", help="the batch to export")
    p.add_argument("--to", required=True, type=Path, metavar="DIR", help="destination folder (created if needed)")
    p.add_argument("--picked", action="store_true",
                   help="only the picks (default: every take that is not rejected)")
    p.add_argument("--format", choices=("mp4", "mov"), default="mp4", help="container (default mp4)")
    p.add_argument("--audio-codec", choices=("aac", "pcm"),
                   help="audio codec for mov (default: 24-bit PCM in mov, AAC in mp4)")
    p.add_argument("--normalize-keep", action="store_true",
                   help="bring keep takes' native audio to the batch's delivery target (re-encodes it); "
                        "by default it is delivered as it is and its loudness noted in the manifest")
    p.add_argument("--no-verify", action="store_true", help="skip the check after writing each file")
    nle_option.add_nle_option(p)
    p.set_defaults(run=run)


def run(args) -> int:
    from soundon.jobs.export_job import ExportItem, ExportJob, ExportRequest, ExportTick
    from soundon.media.extra_streams import describe
    if args.to.exists() and not args.to.is_dir():
        raise UsageError(f"--to {args.to} is not a folder; give the folder the files go in (it is created "
                         "if needed).")
    if not args.batch.strip():
        raise UsageError("--batch needs a batch's name (soundon list shows them).")
    nle = nle_option.formats_from(args)
    library = open_library(args)
    line = ProgressLine()

    def progress(t: ExportTick) -> None:
        line.update(f"{bar(t.overall_fraction)} {t.overall_fraction * 100:3.0f}% overall  "
                    f"[{t.index}/{t.total}] {t.name} {t.file_fraction * 100:3.0f}%")

    def finished(item: ExportItem) -> None:
        if args.json:
            return
        line.clear()
        name = Path(item.source).name
        if item.status == "skipped":
            say(f"= {name}: {item.notes[-1]}")
        elif item.status == "written":
            verified = (item.outcome or {}).get("verification")
            check = "verified" if verified and verified.get("ok") else "not verified"
            say(f"✓ {name} → {item.output} ({item.audio}, {check})")
            for note in item.notes:
                say(f"    note: {note}")
            for entry in (item.outcome or {}).get("not_carried") or []:
                say(f"    not carried over: {describe(entry)}")
        else:
            warn(f"✗ {name}: {item.error}")

    def preflight(findings: list[Finding]) -> None:
        if not findings:
            return
        refused = sum(f.refused for f in findings)
        warn(f"Pre-flight: {refused} take(s) refused, {len(findings) - refused} warning(s):")
        for finding in findings:
            warn(f"  {finding.line()}")

    job = ExportJob(library, ExportRequest(batch=args.batch, to=args.to, picked_only=args.picked,
                                           format=args.format, audio_codec=args.audio_codec,
                                           normalize_keep=args.normalize_keep, verify=not args.no_verify, nle=nle),
                    on_progress=progress, on_item=finished, on_preflight=preflight)
    try:
        result = job.run()
    finally:
        line.clear()
    if args.json:
        emit_json(result.as_dict())
    elif not result.items:
        say(f"Nothing to export: batch {args.batch!r} has no {'picks' if args.picked else 'takes that are not rejected'}.")
    else:
        skipped = f", {len(result.skipped)} skipped (already there, the same)" if result.skipped else ""
        say(f"{len(result.written)} of {len(result.items)} take(s) written{skipped} to {result.destination}.")
        if result.manifest_json:
            say(f"Manifest: {result.manifest_json} and {Path(result.manifest_csv).name}")
    if result.nle and not args.json:
        nle_option.report(result.nle)
    if result.failed:
        warn(f"{len(result.failed)} take(s) could not be exported; the manifest and the lines above say why.")
        return 1
    if not result.manifest_json and result.items:
        warn(f"The files were written, but the manifest could not be written in {result.destination}.")
        return 1
    if result.nle and (result.nle.refused or result.nle.skipped):
        return 1          # an NLE file asked for was not written (a batch with no picks only warns)
    return 0
