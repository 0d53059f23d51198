"""The `soundon` command: headless verbs, and launching the app.

Exit status: 0 success, 1 the work failed (one or two plain sentences on stderr say why and what to
do), 2 bad usage. Set SOUNDON_DEBUG=1 to see a traceback for an unexpected failure; the log file in
the data folder (`soundon --self-test` names it) has every refusal and failure.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import platform
import sys

from soundon import APP_NAME, __version__
from soundon.commands.common import UsageError, common_options
from soundon.core.errors import SoundOnError
from soundon.core.logs import start_logging

log = logging.getLogger(__name__)

# Verb modules under soundon.commands, in the order `soundon --help` lists them. Each imports its
# work (jobs, media, the library) only when it runs: one verb's start-up doesn't pay for another's.
VERBS = ("open_app", "import_batch", "list_takes", "review", "relink", "decisions", "sync", "swap", "align", "export",
         "handoff", "analyze", "preview", "prompts", "models")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="soundon",
        description=f"{APP_NAME}: screen AI-generated takes with sound on, pick, and swap in the post track. "
                    "Without a verb, opens the app.")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="check every native part (libVLC, ffmpeg, Qt) and print diagnostics")
    parser.add_argument("--library", metavar="PATH", default=None, help=argparse.SUPPRESS)
    common = common_options()
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB")
    for name in VERBS:
        importlib.import_module(f"soundon.commands.{name}").register(subparsers, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    log_file = start_logging()
    doing = "--self-test" if args.self_test else (args.verb or "open")
    log.info("%s %s: %s (Python %s)", APP_NAME, __version__, doing, platform.python_version())
    try:
        if args.self_test:
            from soundon.commands.self_test import run_self_test
            return run_self_test()
        if not args.verb:
            from soundon.commands.open_app import launch
            return launch([], args.library)
        return args.run(args)
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except UsageError as exc:
        print(f"soundon {args.verb}: error: {exc}", file=sys.stderr)
        return 2
    except SoundOnError as exc:   # every refusal, in the editor's words
        log.warning("%s refused: %s", doing, exc)
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:   # the library's own SQLite problems arrive above, as a LibraryError
        log.warning("%s could not finish: %s", doing, exc)
        print(f"{APP_NAME} could not finish: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # last line of defence: never a traceback for the editor
        log.exception("%s hit an unexpected problem", doing)
        if os.environ.get("SOUNDON_DEBUG"):
            raise
        attach = f", with the log file {log_file}" if log_file else ""
        print(f"{APP_NAME} hit an unexpected problem ({type(exc).__name__}: {exc}). "
              f"Run again with SOUNDON_DEBUG=1 and report the output{attach}.", file=sys.stderr)
        return 1

if __name__ == "__main__":
    raise SystemExit(main())
