"""packaging/unreachable_libs.py on a bundle-shaped folder of real shared libraries (built here
with gcc): what no root reaches through NEEDED is left out, everything a root reaches stays."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("unreachable_libs", ROOT / "packaging" / "unreachable_libs.py")
unreachable_libs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(unreachable_libs)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux bundle's step")


def _library(folder: Path, name: str, needs: list[Path] = ()) -> Path:
    """A shared library named (and sonamed) `name` whose NEEDED entries are the given libraries."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{name}.c"
    source.write_text(f"int {name.replace('.', '_').replace('-', '_')}(void) {{ return 1; }}\n")
    out = folder / name
    links = [f"-l:{lib.name}" for lib in needs] + [f"-L{d}" for d in sorted({lib.parent for lib in needs})]
    subprocess.run(["gcc", "-shared", "-fPIC", f"-Wl,-soname,{name}", "-Wl,--no-as-needed", "-o", str(out),
                    str(source), *links], check=True, capture_output=True)
    source.unlink()
    return out


def test_libraries_no_root_reaches_are_left_out_and_the_rest_stay(tmp_path):
    internal = tmp_path / "soundon" / "_internal"
    deep = _library(internal / "PySide6" / "Qt" / "lib", "libdeep.so.1")
    shared = _library(internal, "libshared.so.2", [deep])
    _library(internal, "libextension-dep.so.1", [shared])
    extension = _library(internal / "pkg", "mod.cpython-311-x86_64-linux-gnu.so",
                         [internal / "libextension-dep.so.1"])
    plugin_dep = _library(internal, "libplugin-dep.so.0")
    _library(internal / "vlc" / "plugins" / "codec", "libthing_plugin.so", [plugin_dep])
    _library(internal, "libportaudio.so.2")                                 # loaded by name (ctypes)
    theme_dep = _library(internal, "libpango-1.0.so.0")
    _library(internal, "libgtk-leftover.so.3", [theme_dep])                # its user was dropped
    (internal / "libalias.so.1").symlink_to("PySide6/Qt/lib/libdeep.so.1")
    (internal / "liborphan-link.so.3").symlink_to("libgtk-leftover.so.3")

    found = {p.name for p in unreachable_libs.unreachable(tmp_path / "soundon")}
    assert found == {"libgtk-leftover.so.3", "libpango-1.0.so.0"}
    assert extension.exists() and shared.exists() and deep.exists()

    assert unreachable_libs.main([str(tmp_path / "soundon")]) == 0
    left = {p.name for p in (tmp_path / "soundon").rglob("*")}
    assert not left & {"libgtk-leftover.so.3", "libpango-1.0.so.0", "liborphan-link.so.3"}
    assert {"libdeep.so.1", "libshared.so.2", "libextension-dep.so.1", "libplugin-dep.so.0", "libportaudio.so.2",
            "libthing_plugin.so", "libalias.so.1", "mod.cpython-311-x86_64-linux-gnu.so"} <= left
    assert unreachable_libs.unreachable(tmp_path / "soundon") == []


def test_a_library_only_a_kept_name_loads_stays(tmp_path):
    internal = tmp_path / "bundle"
    dep = _library(internal, "libdep.so.1")
    _library(internal, "libloaded-by-dlopen.so.4", [dep])
    assert {p.name for p in unreachable_libs.unreachable(internal)} == {"libloaded-by-dlopen.so.4", "libdep.so.1"}
    assert unreachable_libs.unreachable(internal, keep=("libloaded-by-dlopen.so*",)) == []


def test_a_missing_bundle_is_said(tmp_path, capsys):
    assert unreachable_libs.main([str(tmp_path / "nothing")]) == 1
    assert "build the bundle first" in capsys.readouterr().err
