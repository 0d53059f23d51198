"""The `--nle` choice `soundon export` and `soundon handoff` share, and how their NLE files are reported."""
from __future__ import annotations

from soundon.commands.common import UsageError, say, warn
from typing import TYPE_CHECKING

from soundon.core.handoff.formats import NLE_FORMATS, FormatChoiceError, parse_formats

if TYPE_CHECKING:
    from soundon.jobs.handoff_job import HandoffResult


def add_nle_option(parser) -> None:
    parser.add_argument("--nle", default=",".join(NLE_FORMATS), metavar="FORMATS",
                        help=f"NLE files to write beside the media: {', '.join(NLE_FORMATS)} (comma-separated), "
                             "all or none (default: all four)")


def formats_from(args) -> tuple[str, ...]:
    try:
        return parse_formats(args.nle)
    except FormatChoiceError as exc:
        raise UsageError(str(exc)) from None


def report(result: HandoffResult) -> None:
    """The files on stdout; what was refused, left out or only approximate on stderr."""
    if result.error:
        warn(result.error)
    for name, path in result.files.items():
        say(f"NLE ({name}): {path}")
    for name, why in result.refused.items():
        warn(f"No {name} file: {why}")
    for skipped in result.skipped:
        warn(f"Left out of the NLE files: {skipped['take']} ({skipped['reason']}).")
    for note in result.notes:
        warn(note)
    if result.warnings_file:
        warn(f"{len(result.warnings)} take(s) have a variable frame rate and are placed at their average rate; "
             f"see {result.warnings_file}.")
