"""packaging/icu_trim.py: the bundle's ICU data cut to what Qt reads, answering as the full one.

The real library of the PySide6 wheel is trimmed; then the same questions Qt asks of ICU (codecs,
collation in several languages, case mapping, word breaks with Thai's dictionary) are asked of the
full and the trimmed set in fresh processes (tests/icu_probe.py), and must get the same answers."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("icu_trim", ROOT / "packaging" / "icu_trim.py")
icu_trim = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(icu_trim)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle's step")


@pytest.fixture(scope="module")
def qt_icu() -> tuple[Path, str]:
    import PySide6
    folder = Path(PySide6.__file__).parent / "Qt" / "lib"
    data = sorted(folder.glob("libicudata.so.*"))
    if not data:
        pytest.skip("this PySide6 wheel carries no ICU")
    return folder, data[0].name.rsplit(".", 1)[-1]


def _probe(folder: Path, version: str) -> list[str]:
    out = subprocess.run([sys.executable, str(ROOT / "tests" / "icu_probe.py"), str(folder), version],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.splitlines()


def _items(library: Path, tmp_path: Path) -> set[str]:
    symbol, offset, size = icu_trim.data_symbol(library)
    data = tmp_path / f"{symbol[:-4]}l.dat"
    with open(library, "rb") as f:
        f.seek(offset)
        data.write_bytes(f.read(size))
    listing = subprocess.run(["icupkg", "--list", str(data)], capture_output=True, text=True, check=True).stdout
    return set(listing.split())


def test_the_trimmed_icu_answers_as_the_full_one_at_under_half_the_size(qt_icu, tmp_path):
    folder, version = qt_icu
    trimmed = tmp_path / "trimmed"
    trimmed.mkdir()
    for name in (f"libicuuc.so.{version}", f"libicui18n.so.{version}"):
        shutil.copy(folder / name, trimmed)
    library = folder / f"libicudata.so.{version}"
    before, after, removed = icu_trim.trim(library, trimmed / library.name)
    assert after < before / 2 and removed > 1000, (before, after, removed)
    full = _probe(folder, version)
    assert len(full) == 17 and all(" False" not in line for line in full), full
    assert _probe(trimmed, version) == full

    kept = _items(trimmed / library.name, tmp_path)
    assert {"root.res", "en.res", "pool.res", "res_index.res", "cnvalias.icu", "coll/sv.res", "coll/ucadata.icu",
            "brkitr/thaidict.dict", "brkitr/root.res", "zoneinfo64.res", "supplementalData.res"} <= kept
    assert not kept & {"de.res", "fr_CA.res", "curr/en.res", "zone/root.res", "unit/en.res", "rbnf/en.res",
                       "translit/root.res", "lang/de.res", "region/fr.res"}


def test_a_library_that_is_not_icu_data_is_refused_and_left_alone(tmp_path):
    other = tmp_path / "libother.so"
    shutil.copy(Path(importlib.util.find_spec("soundon.media.dsp._loops").origin), other)
    before = other.read_bytes()
    with pytest.raises(icu_trim.IcuTrimError, match="no icudtNN_dat symbol"):
        icu_trim.trim(other, other)
    assert other.read_bytes() == before
    assert icu_trim.main([str(other)]) == 1
