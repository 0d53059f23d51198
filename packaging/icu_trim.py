"""ICU's data library, cut to what Qt reads from it: the Linux bundle's largest single file.

PySide6's Qt links ICU, whose data library (libicudata.so.NN, 32 MB) carries every locale's names
of languages, regions, currencies, units and time zones, number spell-outs, transliterators and
collations. Qt formats dates, numbers and names from its own CLDR tables (compiled into QtCore);
it calls ICU for collation, case mapping, text codecs, IDNA and break iteration only. So the
trimmed library keeps:
- everything that is not locale data: converters (.cnv), normalisation, case mapping, the
  collation base (ucadata), confusables, the time-zone database, supplemental data;
- the break iterators' rules and dictionaries, all of them (root's rules read the dictionaries);
- every locale's collation (3.6 MB: a list sorted for a Swedish editor sorts as in Swedish);
- the top-level locale data of root and English (the fallback of every lookup);
and drops the rest: the trees curr/ lang/ region/ unit/ zone/ translit/ rbnf/, and every other
locale's top-level data (Qt's own tables answer what they held).

How: the data package is read out of the library (the bytes of its `icudtNN_dat` symbol, found
with nm and mapped to the file with readelf), items are removed with ICU's own `icupkg -r`, and
the result is linked back into a library with the same soname and symbol (gcc, one `.incbin`).

Usage: icu_trim.py LIBRARY [--out OUT]   (in place without --out)
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DROPPED_TREES = ("curr", "lang", "region", "unit", "zone", "translit", "rbnf")
KEPT_LOCALES = ("root", "en", "en_US", "en_US_POSIX")
# Named like a locale, but the index of the installed locales.
_NOT_LOCALES = ("res_index",)
# Top-level locale data: "de.res", "zh_Hant_TW.res", "de_.res" (an alias); not res_index.res,
# pool.res, supplementalData.res …
_LOCALE_ITEM = re.compile(r"^(?P<locale>[a-z]{2,3}(_[A-Za-z0-9]*)*)\.res$")
_DATA_SYMBOL = re.compile(r"^icudt\d+_dat$")


class IcuTrimError(Exception):
    """The library is not an ICU data library this step can read, or a tool failed."""


def _run(*argv: str) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    except FileNotFoundError:
        raise IcuTrimError(f"{argv[0]} is not installed (packaging/bootstrap.sh installs it).") from None
    except subprocess.CalledProcessError as exc:
        raise IcuTrimError(f"{' '.join(argv[:2])} … failed: {exc.stderr.strip()[-400:]}") from None


def data_symbol(library: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the library's ICU common data."""
    for line in _run("nm", "-D", "-S", "--defined-only", str(library)).splitlines():
        fields = line.split()
        if len(fields) == 4 and _DATA_SYMBOL.match(fields[3]):
            name, address, size = fields[3], int(fields[0], 16), int(fields[1], 16)
            break
    else:
        raise IcuTrimError(f"{library} has no icudtNN_dat symbol: it is not ICU's data library.")
    for line in _run("readelf", "-lW", str(library)).splitlines():
        fields = line.split()
        if fields[:1] == ["LOAD"]:
            offset, vaddr, filesz = (int(v, 16) for v in (fields[1], fields[2], fields[4]))
            if vaddr <= address and address + size <= vaddr + filesz:
                return name, address - vaddr + offset, size
    raise IcuTrimError(f"{library}: the data symbol lies outside every loaded segment.")


def dropped(items: list[str]) -> list[str]:
    """The items of a data package that the trimmed library leaves out."""
    out = []
    for item in items:
        tree = item.split("/", 1)[0] if "/" in item else ""
        locale = _LOCALE_ITEM.match(item)
        if tree in DROPPED_TREES or (locale and locale["locale"] not in KEPT_LOCALES + _NOT_LOCALES):
            out.append(item)
    return out


def trim(library: Path, out: Path) -> tuple[int, int, int]:
    """Write the trimmed library to `out`: (bytes before, bytes after, items removed)."""
    symbol, offset, size = data_symbol(library)
    package = symbol[:-len("_dat")] + "l"            # icudt73 → icudt73l, little-endian
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with open(library, "rb") as f:
            f.seek(offset)
            (work / f"{package}.dat").write_bytes(f.read(size))
        items = [line.strip() for line in _run("icupkg", "--list", str(work / f"{package}.dat")).splitlines()
                 if line.strip()]
        removed = dropped(items)
        (work / "removed.txt").write_text("\n".join(removed) + "\n")
        (work / "trimmed").mkdir()
        trimmed = work / "trimmed" / f"{package}.dat"
        _run("icupkg", "-r", str(work / "removed.txt"), str(work / f"{package}.dat"), str(trimmed))
        soname = next((m[1] for m in re.finditer(r"\(SONAME\)\s+Library soname: \[(.+?)\]",
                                                  _run("readelf", "-dW", str(library)))), library.name)
        (work / "data.s").write_text(
            f'.section .rodata\n.balign 64\n.globl {symbol}\n.type {symbol}, @object\n{symbol}:\n'
            f'.incbin "{trimmed}"\n.size {symbol}, . - {symbol}\n.section .note.GNU-stack,"",@progbits\n')
        _run("gcc", "-shared", "-nostdlib", f"-Wl,-soname,{soname}", "-o", str(work / soname), str(work / "data.s"))
        before = library.stat().st_size
        shutil.copyfile(work / soname, out)
        out.chmod(0o755)
    return before, out.stat().st_size, len(removed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--out", type=Path, help="write here instead of replacing the library")
    args = parser.parse_args(argv)
    try:
        before, after, removed = trim(args.library, args.out or args.library)
    except IcuTrimError as exc:
        print(f"icu_trim: {exc}", file=sys.stderr)
        return 1
    print(f"{args.library.name}: {before / 1e6:.1f} MB → {after / 1e6:.1f} MB ({removed} locale items left out)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
