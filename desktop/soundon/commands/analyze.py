"""soundon analyze FILE...|--batch NAME [--target NAME] [--json]

Loudness and translation report. With --batch, every take of the batch is analysed against the
batch's delivery target (or --target) and the result stored in the library, where the app shows it.
A FILE that is an imported take is stored too; any other file is only reported.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from soundon.commands.common import UserError, emit_json, open_library, say, warn
from soundon.commands.swap_options import number_between
from soundon.core.listening import MAX_PHONE_VOLUME_CUT_DB, NOISE_NAMES
from soundon.core.take import Take
from soundon.core.targets import DEFAULT_TARGET, TARGETS
from soundon.core.translation import DEFAULT_ENVIRONMENT, VERDICT_TEXT


def register(subparsers, common) -> None:
    p = subparsers.add_parser("analyze", parents=[common], help="loudness and translation report",
                              description="Measure loudness (BS.1770 / EBU R128), true peak, loudness range, "
                                          "mono compatibility, bass dependence and phone loss, and judge them "
                                          "against a delivery target.")
    p.add_argument("files", nargs="*", metavar="FILE", help="media files (takes or post tracks)")
    p.add_argument("--batch", metavar="NAME", help="analyse every take of this batch and store the results")
    p.add_argument("--target", choices=sorted(TARGETS), help="delivery target (default: the batch's, else social)")
    p.add_argument("--noise", choices=NOISE_NAMES, default=DEFAULT_ENVIRONMENT,
                   help=f"the noise environment whose dialogue rating raises dialogue_lost_in_noise "
                        f"(default: {DEFAULT_ENVIRONMENT})")
    p.add_argument("--volume", type=number_between(-MAX_PHONE_VOLUME_CUT_DB, 0.0, "dB"), default=0.0, metavar="DB",
                   help="the phone volume the dialogue is judged at, 0 (full) or lower (default: 0)")
    p.add_argument("--plot", type=Path, metavar="DIR",
                   help="also write each file's loudness-over-time and spectrum pictures as PNGs into DIR")
    p.set_defaults(run=run)


def run(args) -> int:
    if bool(args.files) == bool(args.batch):
        raise UserError("Give either files to analyse or --batch NAME (not both).")
    return _run_batch(args) if args.batch else _run_files(args)


def _run_batch(args) -> int:
    from soundon.jobs.analysis_job import AnalysisJob
    library = open_library(args)
    if not library.batch_named(args.batch):
        names = ", ".join(b["name"] for b in library.batches()) or "none yet"
        raise UserError(f"There is no batch named {args.batch!r} (batches: {names}).")
    takes = library.takes(args.batch)
    show_progress = not args.json and sys.stderr.isatty()

    def progress(done: int, total: int, _take: int) -> None:
        if show_progress:
            print(f"\rAnalysing {done}/{total}", end="", file=sys.stderr, flush=True)

    outcome = AnalysisJob(library, [t.id for t in takes], target=args.target, volume_db=args.volume,
                          environment=args.noise).run(progress)
    if show_progress:
        print(file=sys.stderr)
    reports = []
    for take in takes:
        if take.id in outcome.reports:
            reports.append({**outcome.reports[take.id], "file": take.path})
        elif take.id in outcome.failed:
            reports.append({"file": take.path, "take_id": take.id, "error": outcome.failed[take.id]})
    return _emit(args, reports)


def _run_files(args) -> int:
    from soundon.media.analysis import AnalysisError, analyze
    from soundon.media.probe import ProbeError
    library = _existing_library(args)
    reports = []
    for name in args.files:
        take = _take_for(library, name)
        target = args.target or (take.batch_target if take else None) or DEFAULT_TARGET
        try:
            report = analyze(name, target, volume_db=args.volume, environment=args.noise)
        except (ProbeError, AnalysisError) as exc:
            reports.append({"file": name, "error": str(exc)})
            continue
        if take:
            library.save_analysis(take.id, target, report)
            report["take_id"] = take.id
        reports.append(report)
    return _emit(args, reports)


def _existing_library(args):
    """The library, only if it already exists: analysing a loose file must not create one."""
    from soundon.store.library import default_library_path
    path = args.library or default_library_path()
    return open_library(args) if Path(path).is_file() else None


def _take_for(library, name: str) -> Take | None:
    from soundon.store.library import LibraryError
    if library is None:
        return None
    try:
        return library.resolve_take(name)
    except LibraryError:
        return None


def _emit(args, reports: list[dict]) -> int:
    if args.plot is not None:
        _plot(args.plot, [r for r in reports if "error" not in r], warn if args.json else say)
    failures = [r for r in reports if "error" in r]
    if args.json:
        emit_json(reports)
    else:
        for report in reports:
            if "error" in report:
                continue
            say(_line(report))
    for failure in failures:
        warn(f"{failure['file']} could not be analysed: {failure['error']}")
    # Bad files don't stop the others; the exit status still says something failed.
    return 1 if failures else 0


def _plot(folder: Path, reports: list[dict], tell) -> None:
    """The pictures, painted off screen with the inspector's own drawing code. `tell` names each
    file written (stderr under --json, where stdout holds only the JSON)."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"--plot {folder} is a file; give a folder for the pictures.")
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from soundon.ui.views.plots import write_pngs
    _app = QGuiApplication.instance() or QGuiApplication([])
    for report in reports:
        try:
            for path in write_pngs(report, folder, Path(report["file"]).name):
                tell(f"Wrote {path}")
        except OSError as exc:
            warn(f"The pictures of {report['file']} could not be written: {exc}")


def _number(value, unit: str, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f} {unit}"


def _line(report: dict) -> str:
    name = Path(report["file"]).name
    if not report.get("has_audio", True):
        return f"{name}: no audio stream."
    verdict = VERDICT_TEXT[report["verdict"]]
    flags = ", ".join(report["flags"]) or "no flags"
    return (f"{name}: {verdict} ({report['target']}) — {_number(report['integrated_lufs'], 'LUFS')}, "
            f"true peak {_number(report['true_peak_dbtp'], 'dBTP')}, LRA {_number(report['lra'], 'LU')}, "
            f"mono loss {_number(report['mono_loss_lu'], 'LU')}, phone loss {_number(report['phone_loss_lu'], 'LU')}, "
            f"bass {_number(None if report['low_freq_share'] is None else 100 * report['low_freq_share'], '%', 0)}"
            f" — {flags}{_sync_text(report)}{_dialogue_text(report)}")


def _dialogue_text(report: dict) -> str:
    places = report.get("intelligibility")
    if not places:
        return ""
    chosen = report.get("intelligibility_environment") or DEFAULT_ENVIRONMENT
    return "; dialogue: " + ", ".join(f"{name} {value['rating']}" + (" (chosen)" if name == chosen else "")
                                      for name, value in places.items())


def _sync_text(report: dict) -> str:
    if "av_confidence" not in report:
        return ""
    from soundon.media.av_sync import describe as sync_text
    return "; sync: " + sync_text(report.get("av_offset_ms"), report.get("av_confidence"), report.get("av_sync_note"))
