"""soundon open PATH... — and plain `soundon`: the app, on these batches or the library."""
from __future__ import annotations

from pathlib import Path



def register(subparsers, common) -> None:
    p = subparsers.add_parser("open", parents=[common], help="open the app on these batch folders or manifests")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.set_defaults(run=lambda args: launch(args.paths, args.library))


def launch(paths: list[str], library_path: Path | str | None) -> int:
    from soundon.commands.common import open_library_at
    from soundon.store.library import default_library_path
    from soundon.ui.app import run_app  # Qt is loaded only when a window is wanted
    library = open_library_at(library_path or default_library_path())
    return run_app(library, [Path(p) for p in paths])
