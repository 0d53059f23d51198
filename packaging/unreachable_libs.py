"""Shared libraries in a built Linux bundle that nothing in it can load: left out.

PyInstaller collects the dependencies of every binary its analysis meets, and the spec then drops
some of those binaries (Qt parts and platform themes the app doesn't use, bundle_layout's rules);
their dependencies stay behind (GTK's pango, cairo, gdk-pixbuf, gio …). A library is kept when it
is reachable, through the NEEDED entries of the dynamic section, from a root:
- the programs (the app's executable, bin/ffmpeg, bin/ffprobe);
- every Python extension module (*.cpython-*.so, *.abi3.so), which the interpreter loads;
- everything under a plugins/ folder (Qt's and libVLC's), which their hosts load by scanning;
- the libraries loaded by name at run time (LOADED_BY_NAME: libpython by the bootloader, libVLC by
  python-vlc, PortAudio by sounddevice), and any given with --keep.
A NEEDED name is matched against file names anywhere in the bundle, so a library is never dropped
because it sits in another folder than the one that needs it.

Usage: unreachable_libs.py BUNDLE [--keep GLOB]... [--dry-run]
"""
from __future__ import annotations

import argparse
import fnmatch
import re
import subprocess
import sys
from pathlib import Path

LOADED_BY_NAME = ("libpython3*.so*", "libvlc.so*", "libvlccore.so*", "libportaudio.so*")
_SHARED = re.compile(r"\.so(\.\d+)*$")
_EXTENSION = re.compile(r"\.(cpython-[^.]+|abi3)\.so$")
_NEEDED = re.compile(r"\(NEEDED\)\s+Shared library: \[(.+?)\]")


def _is_elf(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(4) == b"\x7fELF"


def needed(path: Path) -> list[str]:
    out = subprocess.run(["readelf", "-dW", str(path)], capture_output=True, text=True).stdout
    return _NEEDED.findall(out)


def roots_and_libraries(bundle: Path, keep: tuple[str, ...] = ()) -> tuple[list[Path], list[Path]]:
    """(the roots, every other ELF shared library) of a bundle folder."""
    roots, libraries = [], []
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file() or not _is_elf(path):
            continue
        name = path.name
        if (not _SHARED.search(name) or _EXTENSION.search(name) or "plugins" in path.relative_to(bundle).parts
                or any(fnmatch.fnmatch(name, pattern) for pattern in LOADED_BY_NAME + tuple(keep))):
            roots.append(path)
        else:
            libraries.append(path)
    return roots, libraries


def unreachable(bundle: Path, keep: tuple[str, ...] = ()) -> list[Path]:
    """The shared libraries of the bundle that no root reaches."""
    roots, libraries = roots_and_libraries(bundle, keep)
    by_name: dict[str, list[Path]] = {}
    for path in libraries:
        by_name.setdefault(path.name, []).append(path)
    for link in bundle.rglob("*"):            # a library also answers to the names of its symlinks
        if link.is_symlink() and link.resolve() in libraries:
            by_name.setdefault(link.name, []).append(link.resolve())
    reached: set[Path] = set()
    queue = list(roots)
    while queue:
        for name in needed(queue.pop()):
            for library in by_name.get(name, ()):
                if library not in reached:
                    reached.add(library)
                    queue.append(library)
    return [path for path in libraries if path not in reached]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument("--keep", action="append", default=[], help="a file-name pattern loaded by name at run time")
    parser.add_argument("--dry-run", action="store_true", help="only say what would be left out")
    args = parser.parse_args(argv)
    if not args.bundle.is_dir():
        print(f"{args.bundle} is not a folder: build the bundle first.", file=sys.stderr)
        return 1
    dropped = unreachable(args.bundle, tuple(args.keep))
    size = sum(path.stat().st_size for path in dropped)
    links = [link for link in args.bundle.rglob("*") if link.is_symlink() and link.resolve() in dropped]
    for path in dropped:
        print(f"  {path.stat().st_size / 1e6:6.2f} MB  {path.relative_to(args.bundle)}")
    if not args.dry_run:
        for path in links + dropped:
            path.unlink()
    print(f"{len(dropped)} libraries nothing loads, {size / 1e6:.1f} MB: "
          f"{'would be left out' if args.dry_run else 'left out'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
