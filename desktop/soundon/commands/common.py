"""What every verb shares: the library option, JSON output, and plain-sentence errors."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from soundon.commands.progress_line import ProgressLine, bar
from soundon.core.errors import SoundOnError

if TYPE_CHECKING:
    from soundon.store.library import Library


class UserError(SoundOnError, RuntimeError):
    """Work that failed for a reason the editor can act on; printed as is, exit status 1."""


class UsageError(UserError):
    """An option value that can't be meant (found past argparse, e.g. two options that don't go
    together); printed as is, exit status 2 like argparse's own refusals."""


def common_options() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--library", metavar="PATH", type=Path, default=None,
                        help="library file (default: $SOUNDON_LIBRARY or the per-user data folder)")
    parent.add_argument("--json", action="store_true", help="print one JSON document on stdout")
    return parent


def open_library(args: argparse.Namespace) -> Library:
    from soundon.store.library import default_library_path
    return open_library_at(args.library or default_library_path())


def open_library_at(path) -> Library:
    """The library, upgraded first when it was written by an older Sound-On (a large one takes a
    few seconds: how far it has got is shown on stderr)."""
    line = ProgressLine()
    said: set[int] = set()

    def upgrading(fraction: float, what: str, step: int) -> None:
        if step not in said:
            said.add(step)
            if not line.enabled:
                print(f"Updating the library to version {step} (a copy of the file is kept beside it)…",
                      file=sys.stderr)
        line.update(f"Updating the library to version {step}: {bar(fraction)} {fraction:4.0%} {what}")
        if fraction >= 1.0:
            line.clear()

    from soundon.store.library import Library
    return Library(path, on_migration=upgrading)


def emit_json(document) -> None:
    json.dump(document, sys.stdout, indent=2, ensure_ascii=False, default=str)
    sys.stdout.write("\n")


def say(text: str = "") -> None:
    print(text)


def warn(text: str) -> None:
    print(text, file=sys.stderr)
