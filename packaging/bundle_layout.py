"""What goes into Sound-On's one-folder bundle, and the checks a built bundle must pass.

Plain Python (standard library only, no import of soundon or Qt), so the build scripts of every
platform and the release workflow use the same rules, and the unit tests check them on Linux:
- which libVLC plugins are copied: the families a review player needs, less the plugins in them
  that pull in libraries for discs, capture cards, network shares or subtitles it never uses;
- which Qt modules and Qt files are left out;
- the SHA256 check of the pinned native archives listed in packaging/native-archives.txt;
- PyAV's modules relinked to the bundle's own FFmpeg libraries, so one FFmpeg serves PyAV, ffmpeg
  and ffprobe (Linux);
- stripping the bundle's libraries without breaking the ones auditwheel rewrote;
- the layout a built bundle must have (libVLC with a plugin for every need, ffmpeg, ffprobe, no
  second FFmpeg copy for PyAV), and what its frozen self-test must report once installed;
- where the bundle's bytes go (the size report `make package` prints).

Run as a script (`python packaging/bundle_layout.py --help`): copy-plugins, fetch, verify,
relink-pyav, strip, check, check-self-test, sizes.
"""
from __future__ import annotations

import argparse
import hashlib
import re
import os
import shutil
import struct
import subprocess
import sys
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PINS_FILE = HERE / "native-archives.txt"

# libVLC 3 keeps its plugins in family folders on Linux and Windows (plugins/codec/…); VLC.app on
# macOS keeps them in one flat folder. The families a player of local files needs:
VLC_PLUGIN_FAMILIES = (
    "access", "audio_filter", "audio_mixer", "audio_output", "codec", "demux", "logger", "misc",
    "packetizer", "stream_filter", "video_chroma", "video_filter", "video_output",
)

# Plugins inside those families that Sound-On never loads (it plays local files, draws no
# subtitles or on-screen text, records nothing), named without the "lib" prefix and
# "_plugin.<ext>" suffix. Each pulls in libraries of its own (libSDL_image, libmtp, libdvdnav …).
UNUSED_VLC_PLUGINS = frozenset({
    # access: discs, capture, network shares and streaming protocols
    "access_alsa", "access_mms", "access_mtp", "access_realrtsp", "cdda", "dc1394", "dtv", "dv1394",
    "dvb", "dvdnav", "dvdread", "ftp", "http", "https", "libbluray", "linsys_hdsdi", "linsys_sdi",
    "nfs", "pulsesrc", "rist", "rtp", "satip", "sdp", "sftp", "shm", "smb", "tcp", "udp", "v4l2",
    "vcd", "vdr", "vnc", "rdp", "xcb_screen", "screen", "jack", "access_jack", "dshow", "bda",
    "qtsound", "avcapture",
    # codec: subtitles, teletext, images shown as video, encoders
    "aribsub", "kate", "libass", "sdl_image", "zvbi", "telx", "svgdec", "oggspots", "shine",
    "twolame", "x264", "x26410b", "x265", "fluidsynth", "cc", "scte18", "scte27", "dvbsub",
    "cvdsub", "svcdsub", "substx3g", "subsusf", "subsdec", "webvtt", "ttml", "stl", "textst",
    "t140", "cdg", "xwd", "spudec", "uleaddvaudio", "edummy", "ddummy",
    # demux: chiptunes and trackers
    "sid", "mod", "mpc", "gme", "vobsub", "subtitle",
    # audio filters: spatial audio, an mp3 decoder libavcodec already covers, and the resamplers
    # beside SoX's (soxr resamples; libsamplerate alone is 1.4 MB)
    "spatialaudio", "mad", "speex_resampler", "samplerate",
    # video output: terminals, framebuffers, Wayland (the app draws through X11 on Linux)
    "aa", "caca", "fb", "flaschen", "kms", "evas", "wl_shm", "wl_shell", "xdg_shell", "egl_wl",
    "glconv_vaapi_wl", "glconv_vdpau", "xcb_xv",
    # misc: network, scrobbling, fingerprinting; the XML parser (playlists, DASH manifests, skins),
    # which brings libxml2 and with it Debian's ICU (34 MB)
    "audioscrobbler", "fingerprinter", "gnutls", "securetransport", "addonsfsstorage",
    "addonsvorepository", "stats", "export", "vod_rtsp", "xml",
    # streaming (HLS, DASH, Chromecast) and libavformat's network access
    "adaptive", "demux_chromecast", "avio",
    # hardware decoding (the app asks libVLC for none: --avcodec-hw=none) and FFmpeg's
    # post-processing filter, whose libpostproc the bundle's FFmpeg doesn't build
    "vaapi", "vaapi_drm", "glconv_vaapi_x11", "glconv_vaapi_drm", "postproc",
})

# What playback in Sound-On needs from libVLC: each need and the plugins any one of which meets it
# (names differ per platform). A bundle missing one plays nothing, or plays it silently.
PLUGIN_NEEDS: dict[str, tuple[str, ...]] = {
    "reading local files": ("filesystem",),
    "the MP4/QuickTime demuxer": ("mp4",),
    "the Matroska/WebM demuxer": ("mkv",),
    "the WAV demuxer": ("wav",),
    "decoding video and audio (libavcodec)": ("avcodec",),
    "the H.264 packetizer": ("packetizer_h264",),
    "audio handed to the app's own output (amem)": ("amem",),
    "the silent audio output of the self-test": ("adummy",),
    "a video output into the app's window": ("xcb_x11", "gl", "direct3d11", "direct3d9", "glwin32",
                                            "macosx", "caopengllayer"),
    "the window-less video output": ("vdummy",),
    "audio sample-format conversion": ("audio_format",),
    "the audio mixer": ("float_mixer",),
    "picture-format conversion (swscale)": ("swscale",),
}

# Qt modules Sound-On doesn't import: left out of the analysis so PyInstaller bundles none of them.
# (QtNetwork stays: a second start hands its files to the running app over a QLocalSocket.)
UNUSED_QT_MODULES = (
    "Qt3DCore", "QtBluetooth", "QtCharts", "QtConcurrent", "QtDataVisualization", "QtDBus",
    "QtDesigner", "QtHelp", "QtMultimedia", "QtMultimediaWidgets", "QtOpenGL",
    "QtOpenGLWidgets", "QtPdf", "QtPdfWidgets", "QtPositioning", "QtQml", "QtQuick",
    "QtQuickWidgets", "QtRemoteObjects", "QtSensors", "QtSerialPort", "QtSql", "QtSvgWidgets",
    "QtTest", "QtUiTools", "QtWebChannel", "QtWebEngineCore", "QtWebEngineWidgets", "QtXml",
)

# Files of the Qt modules it does use that a desktop review app never loads: translations of Qt's
# own dialogs, the Wayland and EGLFS integrations (and Qt OpenGL, which only EGLFS links), the GTK
# theme (it would pull in GTK), the virtual keyboard, the Qt Quick/QML parts that plugins drag in,
# the framebuffer input drivers (evdev), and image formats it never reads (TIFF, WebP, ICNS, TGA,
# WBMP). Matched on the path as text.
UNUSED_QT_PARTS = (
    "Qt/translations", "wayland", "Wayland", "EglFS", "EglFs", "eglfs", "WlShellIntegration",
    "Qt6OpenGL", "qgtk3", "libqpdf", "virtualkeyboard",
    "VirtualKeyboard", "QtQuick", "QtQml", "Qt6Quick", "Qt6Qml", "Qt6Pdf",
    "libqlinuxfb", "libqminimalegl", "libqvnc", "libqvkkhrdisplay", "libqxdgdesktopportal",
    "libqtuiotouchplugin", "networkinformation", "plugins/tls", "qmltooling", "qmllint",
    "sqldrivers", "plugins/designer", "egldeviceintegrations", "plugins/generic/",
    "libqtiff", "libqwebp", "libqicns", "libqtga", "libqwbmp",
)


def keeps_qt_part(path: str) -> bool:
    """Whether a file (a PyInstaller TOC entry's path) belongs in the bundle: only Qt's own files
    are judged, so a system library whose name happens to say "wayland" is never dropped."""
    path = path.replace("\\", "/")
    if "PySide6" not in path and "Qt6" not in path:
        return True
    return not any(part in path for part in UNUSED_QT_PARTS)


# -- libVLC plugins ---------------------------------------------------------------------------

_PLUGIN_NAME = re.compile(r"^lib(.+)_plugin\.(so|dll|dylib)$")


def plugin_name(path: Path) -> str | None:
    """'avcodec' for libavcodec_plugin.so / .dll / .dylib; None for anything else."""
    match = _PLUGIN_NAME.match(path.name)
    return match.group(1) if match else None


def plugin_files(plugins: Path) -> list[Path]:
    """Every plugin file under a plugins folder, in either layout."""
    if not plugins.is_dir():
        return []
    return sorted(p for p in plugins.rglob("*") if p.is_file() and plugin_name(p))


def selected_plugins(plugins: Path) -> list[Path]:
    """The plugins of a libVLC install that go into the bundle (paths relative to `plugins`).

    In the family layout a plugin goes in when its family is needed and it is not one of the
    unused ones; in VLC.app's flat layout (no families to read) every plugin but the unused ones."""
    chosen = []
    for path in plugin_files(plugins):
        relative = path.relative_to(plugins)
        if len(relative.parts) > 1 and relative.parts[0] not in VLC_PLUGIN_FAMILIES:
            continue
        if plugin_name(path) in UNUSED_VLC_PLUGINS:
            continue
        chosen.append(relative)
    return chosen


def copy_plugins(source: Path, dest: Path) -> list[Path]:
    """Copy the selected plugins, keeping their layout; returns what was copied (relative)."""
    chosen = selected_plugins(source)
    if not chosen:
        raise LayoutProblem(f"No libVLC plugins found in {source}: is libVLC 3 installed there?")
    for relative in chosen:
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / relative, target)
    return chosen


# -- pinned archives --------------------------------------------------------------------------

class ChecksumProblem(Exception):
    """A pinned archive has no SHA256 in the repository yet, or its bytes don't match it."""


_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Pin:
    name: str
    sha256: str        # 64 hex digits, or "" while the published value has not been filled in
    url: str


def load_pins(path: Path = PINS_FILE) -> dict[str, Pin]:
    """The pinned archives: one `name sha256 url` a line ('#' starts a comment; a sha256 not yet
    filled in is written as FILL-IN)."""
    pins = {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        fields = line.split()
        if len(fields) != 3:
            raise ChecksumProblem(f"{path.name} line {number}: expected 'name sha256 url', got {raw!r}.")
        name, digest, url = fields
        digest = digest.lower()
        if digest != "fill-in" and not _SHA256.match(digest):
            raise ChecksumProblem(f"{path.name} line {number}: {digest!r} is not a SHA256 (64 hex digits).")
        if not url.startswith("https://") or "latest" in url:
            raise ChecksumProblem(f"{path.name} line {number}: {url} is not a pinned https release URL.")
        pins[name] = Pin(name, "" if digest == "fill-in" else digest, url)
    return pins


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _not_filled_in(pin: Pin) -> ChecksumProblem:
    return ChecksumProblem(
        f"{pin.name} has no SHA256 in {PINS_FILE.name} yet. Fill it in from the checksum the "
        f"publisher lists for {pin.url}; an archive is never used unchecked.")


def verify_archive(archive: Path, pin: Pin) -> str:
    """The archive's SHA256 when it is the pinned one; ChecksumProblem otherwise."""
    if not pin.sha256:
        raise _not_filled_in(pin)
    actual = sha256_of(archive)
    if actual != pin.sha256:
        raise ChecksumProblem(f"{archive.name} is not the pinned {pin.name}: its SHA256 is {actual}, "
                              f"{PINS_FILE.name} expects {pin.sha256}. Delete it and download it again.")
    return actual


def fetch(pin: Pin, dest: Path) -> Path:
    """Download a pinned archive into dest (a folder) and check it; a mismatching file is deleted."""
    if not pin.sha256:
        raise _not_filled_in(pin)  # before downloading anything
    dest.mkdir(parents=True, exist_ok=True)
    target = dest / pin.url.rsplit("/", 1)[1]
    if not target.is_file():
        with urllib.request.urlopen(pin.url, timeout=300) as response, target.open("wb") as out:
            shutil.copyfileobj(response, out)
    try:
        verify_archive(target, pin)
    except ChecksumProblem:
        target.unlink()
        raise
    return target


# -- one FFmpeg for PyAV, ffmpeg and ffprobe (Linux) ---------------------------------------------

# The FFmpeg libraries in PyAV's wheel, renamed by auditwheel: libavcodec-5e6b81c2.so.62.28.102.
_WHEEL_FFMPEG = re.compile(
    r"^(lib(?:avcodec|avformat|avutil|avfilter|avdevice|swscale|swresample))-[0-9a-f]{8}(\.so\.\d+)(?:\.\d+)*$")


def shared_ffmpeg_name(wheel_name: str) -> str | None:
    """The name the bundle's own FFmpeg library goes by ('libavcodec.so.62') for one from PyAV's
    wheel ('libavcodec-5e6b81c2.so.62.28.102'); None for any other library."""
    match = _WHEEL_FFMPEG.match(wheel_name)
    return match.group(1) + match.group(2) if match else None


def relink_pyav(internal: Path, patchelf: str = "patchelf") -> list[Path]:
    """Point PyAV's modules in a built bundle at the bundle's FFmpeg libraries in lib/ (the release
    PyAV was built on) instead of the wheel's copy; returns the modules changed."""
    lib = internal / "lib"
    changed = []
    for module in sorted((internal / "av").rglob("*.so")):
        needed = subprocess.run([patchelf, "--print-needed", str(module)], capture_output=True,
                                text=True, check=True).stdout.split()
        swaps = [(name, shared_ffmpeg_name(name)) for name in needed if shared_ffmpeg_name(name)]
        if not swaps:
            continue
        missing = sorted({new for _, new in swaps if not (lib / new).is_file()})
        if missing:
            raise LayoutProblem(f"{module.relative_to(internal)} needs {', '.join(missing)}, which {lib} "
                                f"lacks: build the bundle's FFmpeg first (build-ffmpeg-linux.sh).")
        command = [patchelf]
        for old, new in swaps:
            command += ["--replace-needed", old, new]
        command += ["--set-rpath", "$ORIGIN/" + os.path.relpath(lib, module.parent), str(module)]
        subprocess.run(command, check=True)
        changed.append(module)
    if not changed:
        raise LayoutProblem(f"No PyAV module linked to its wheel's FFmpeg was found in {internal / 'av'}.")
    return changed


# -- stripping --------------------------------------------------------------------------------

def loadable_segments(path: Path) -> bool:
    """Whether every loadable segment of a 64-bit little-endian ELF file lies at an offset the
    dynamic loader accepts (offset ≡ address modulo alignment); glibc refuses the file otherwise
    ("ELF load command address/offset not page-aligned")."""
    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return True   # not a 64-bit little-endian ELF file: nothing to judge
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for index in range(phnum):
        kind, _, offset, vaddr, _, _, _, align = struct.unpack_from("<IIQQQQQQ", data, phoff + index * phentsize)
        if kind == 1 and align > 1 and (offset - vaddr) % align:
            return False
    return True


def strip_libraries(files: Iterable[Path], strip: str = "strip") -> tuple[int, int, list[Path]]:
    """Strip debug information and static symbols from shared libraries (the dynamic symbols stay).

    A library that auditwheel or patchelf rewrote can come out of `strip` with a segment the loader
    refuses: each result is checked, and such a library is kept as it was. Returns (bytes before,
    bytes after, the libraries kept as they were for that reason)."""
    before = after = 0
    refused = []
    for path in files:
        before += path.stat().st_size
        stripped = path.with_name(path.name + ".stripped")
        result = subprocess.run([strip, "--strip-unneeded", "-o", str(stripped), str(path)], capture_output=True)
        if result.returncode == 0 and not loadable_segments(stripped):
            refused.append(path)
        elif result.returncode == 0 and stripped.stat().st_size < path.stat().st_size:
            shutil.copymode(path, stripped)
            stripped.replace(path)
        stripped.unlink(missing_ok=True)
        after += path.stat().st_size
    return before, after, refused


# -- a built bundle ---------------------------------------------------------------------------

class LayoutProblem(Exception):
    """A built bundle lacks a part Sound-On needs."""


_EXE = ".exe" if sys.platform == "win32" else ""


def vlc_folder(bundle: Path) -> Path | None:
    """The bundled libVLC folder (dist/soundon/_internal/vlc, or inside Sound-On.app)."""
    for candidate in sorted(bundle.rglob("vlc")):
        if candidate.is_dir() and (candidate / "plugins").is_dir():
            return candidate
    return None


# The references the tests hold the app's own DSP to (pyproject.toml's test extra): a bundle that
# carries one has an import of it in the app, and MB it does not need (scipy with its OpenBLAS 70,
# pedalboard 21, lxml 10).
TEST_ONLY_PACKAGES = ("scipy", "scipy.libs", "pystoi", "pyloudnorm", "pedalboard", "pedalboard_native",
                      "pedalboard.libs", "lxml")
# The package's compiled loops (desktop/soundon/media/dsp/_loops.c): without them no take plays.
_COMPILED_LOOP = re.compile(r"^_loops\.(cpython-.*\.so|.*\.pyd|so)$")


def layout_problems(bundle: Path, exe_suffix: str = _EXE) -> list[str]:
    """Every missing part of a built bundle, one sentence each (empty: the layout is complete)."""
    if not bundle.is_dir():
        return [f"{bundle} is not a folder: build the bundle first."]
    problems = []
    vlc = vlc_folder(bundle)
    if vlc is None:
        return [f"{bundle} has no libVLC folder (vlc/ with plugins/): the copy step did not run."]
    if not any(re.match(r"libvlc(\.so\.\d+|\.dll|\.dylib)$", p.name) for p in vlc.iterdir()):
        problems.append(f"{vlc} has no libvlc library.")
    if not any(re.match(r"libvlccore(\.so\.\d+|\.dll|\.dylib)$", p.name) for p in vlc.iterdir()):
        problems.append(f"{vlc} has no libvlccore library.")
    found = {plugin_name(p) for p in plugin_files(vlc / "plugins")}
    if not found:
        problems.append(f"The libVLC plugin folder {vlc / 'plugins'} is empty: nothing could be played.")
    else:
        for need, names in PLUGIN_NEEDS.items():
            if not found.intersection(names):
                problems.append(f"No libVLC plugin for {need} ({' or '.join(names)}) in {vlc / 'plugins'}.")
    strays = sorted(p.name for p in vlc.parent.iterdir() if re.match(r"libvlc(core)?\.so\.\d+$", p.name))
    if strays:
        problems.append(f"{vlc.parent} holds a second libVLC ({', '.join(strays)}) beside {vlc.name}/: the system's "
                        f"copy, which would look for the system's plugins if loaded.")
    for tool in ("ffmpeg", "ffprobe"):
        if not any(p.is_file() for p in bundle.rglob(f"bin/{tool}{exe_suffix}")):
            problems.append(f"{bundle} has no bin/{tool}{exe_suffix}.")
    everything = list(bundle.rglob("*"))
    carried = sorted({p.name for p in everything if p.is_dir() and p.name in TEST_ONLY_PACKAGES})
    if carried:
        problems.append(f"{bundle} carries {', '.join(carried)}, which only the tests use: a module of the app "
                        f"imports it (tests/unit/test_dsp_without_scipy.py says which).")
    if not any(_COMPILED_LOOP.match(p.name) and p.parent.name == "dsp" for p in everything):
        problems.append(f"{bundle} has no compiled loops (soundon/media/dsp/_loops): install the project "
                        f"(pip install .) before freezing it.")
    wheel_copies = sorted(p.name for p in everything if shared_ffmpeg_name(p.name))
    if wheel_copies:
        problems.append(f"{bundle} carries PyAV's own FFmpeg copy ({', '.join(wheel_copies[:3])} …) beside "
                        f"its FFmpeg: leave the wheel's av.libs out and relink PyAV (relink-pyav).")
    return problems


def check_bundle(bundle: Path, exe_suffix: str = _EXE) -> None:
    problems = layout_problems(bundle, exe_suffix)
    if problems:
        raise LayoutProblem("\n".join(problems))


# What the frozen `soundon --self-test` of an installed or mounted bundle must report, line by line.
SELF_TEST_MUST_SAY = {
    "the bundled libVLC and its path": r"^ok\s+libVLC \(.*\): .*\(bundled: (?P<path>.+)\)$",
    "libVLC plugins loaded from the bundle": r"^ok\s+libVLC plugins \(.*\): [1-9]\d* loaded, all from the bundle \((?P<path>.+)\)$",
    "every module of the app loaded": r"^ok\s+load every module of the app",
    "a take of every format read (poster, waveform, loudness)": r"^ok\s+read a take of every format",
    "a swapped clip that verified": r"^ok\s+swap its audio and verify \(.*\): \d+ video packets identical",
    "a clip played to its end": r"^ok\s+play it through libVLC \(.*\): played to the end",
    "the main window opened": r"^ok\s+open the main window",
    "a pass": r"^self-test passed$",
}


def self_test_problems(report: str, bundle: Path) -> list[str]:
    """What a frozen self-test report lacks, one sentence each; paths must lie inside `bundle`."""
    lines = [line.rstrip() for line in report.splitlines()]
    problems = []
    root = str(bundle.resolve())
    for what, pattern in SELF_TEST_MUST_SAY.items():
        match = next((m for m in (re.match(pattern, line) for line in lines) if m), None)
        if match is None:
            problems.append(f"The self-test did not report {what}.")
        elif "path" in match.groupdict() and not str(Path(match["path"]).resolve()).startswith(root):
            problems.append(f"The self-test reported {what} at {match['path']}, outside {bundle}.")
    problems += [f"The self-test reported: {line}" for line in lines if line.startswith("FAILED")]
    return problems


# -- where the bytes go -----------------------------------------------------------------------

_FFMPEG_LIBRARY = re.compile(
    r"^(lib/|vlc/)?lib(avcodec|avformat|avutil|avfilter|avdevice|swscale|swresample|postproc)\.")
_PARTS = (  # first match wins: (part, test on the path relative to the bundle's library folder)
    ("PyAV (with its wheel's FFmpeg copy, if any)", lambda p: p.startswith(("av/", "av.libs/"))),
    ("FFmpeg libraries", lambda p: _FFMPEG_LIBRARY.match(p)),
    ("libVLC + plugins", lambda p: p.startswith("vlc/")),
    ("ffmpeg + ffprobe programs", lambda p: p.startswith("bin/")),
    ("Qt (PySide6)", lambda p: p.startswith(("PySide6/", "shiboken6/")) or re.match(r"lib(Qt6|pyside6|shiboken6)", p)),
    ("numpy", lambda p: p.startswith(("numpy/", "numpy.libs/"))),
    ("scipy", lambda p: p.startswith(("scipy/", "scipy.libs/"))),
    ("pedalboard", lambda p: p.startswith(("pedalboard", "pedalboard_native"))),
    ("lxml, cryptography", lambda p: p.startswith(("lxml/", "cryptography/"))),
    ("Python", lambda p: p.startswith(("python3", "base_library.zip", "lib-dynload/")) or p.startswith("libpython")),
    ("other shared libraries", lambda p: ".so" in p or p.endswith((".dll", ".dylib"))),
)


def sizes_by_part(bundle: Path) -> dict[str, int]:
    """Bytes per part of a built bundle, largest first (symlinks not counted twice)."""
    library = next((p for p in (bundle / "_internal", bundle / "Contents" / "Frameworks") if p.is_dir()), bundle)
    totals: dict[str, int] = {}
    for path in bundle.rglob("*"):
        if path.is_symlink() or not path.is_file():
            continue
        relative = path.relative_to(library).as_posix() if path.is_relative_to(library) else path.name
        part = next((name for name, test in _PARTS if test(relative)), "everything else")
        totals[part] = totals.get(part, 0) + path.stat().st_size
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


def format_sizes(sizes: dict[str, int]) -> str:
    lines = [f"{size / 1e6:8.1f} MB  {part}" for part, size in sizes.items()]
    lines.append(f"{sum(sizes.values()) / 1e6:8.1f} MB  the whole bundle")
    return "\n".join(lines)


# -- command line -----------------------------------------------------------------------------

def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bundle_layout.py", description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    copy = verbs.add_parser("copy-plugins", help="copy the libVLC plugins the bundle needs")
    copy.add_argument("source", type=Path)
    copy.add_argument("dest", type=Path)
    get = verbs.add_parser("fetch", help="download a pinned archive and check its SHA256")
    get.add_argument("name")
    get.add_argument("dest", type=Path)
    verify = verbs.add_parser("verify", help="check an archive against its pinned SHA256")
    verify.add_argument("name")
    verify.add_argument("archive", type=Path)
    relink = verbs.add_parser("relink-pyav", help="point PyAV's modules at the bundle's FFmpeg libraries (Linux)")
    relink.add_argument("internal", type=Path, help="the bundle's library folder (dist/soundon/_internal)")
    relink.add_argument("--patchelf", default="patchelf")
    strip_verb = verbs.add_parser("strip", help="strip the shared libraries under a folder, keeping any that would not load")
    strip_verb.add_argument("folder", type=Path)
    strip_verb.add_argument("--skip", action="append", default=[], help="a subfolder to leave alone")
    check = verbs.add_parser("check", help="check a built bundle's layout")
    check.add_argument("bundle", type=Path)
    report = verbs.add_parser("check-self-test", help="check a frozen self-test report of an installed bundle")
    report.add_argument("report", type=Path)
    report.add_argument("bundle", type=Path)
    sizes = verbs.add_parser("sizes", help="bytes per part of a built bundle")
    sizes.add_argument("bundle", type=Path)
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        if args.verb == "copy-plugins":
            print(f"{len(copy_plugins(args.source, args.dest))} libVLC plugins copied to {args.dest}")
        elif args.verb in ("fetch", "verify"):
            pins = load_pins()
            if args.name not in pins:
                print(f"No pinned archive named {args.name!r} in {PINS_FILE.name} "
                      f"(known: {', '.join(sorted(pins))}).", file=sys.stderr)
                return 2
            if args.verb == "fetch":
                print(fetch(pins[args.name], args.dest))
            else:
                print(f"{args.archive.name}: SHA256 {verify_archive(args.archive, pins[args.name])} ok")
        elif args.verb == "relink-pyav":
            changed = relink_pyav(args.internal, args.patchelf)
            print(f"{len(changed)} PyAV modules now use the FFmpeg libraries in {args.internal / 'lib'}")
        elif args.verb == "strip":
            skipped = [args.folder / name for name in args.skip]
            files = [p for p in sorted(args.folder.rglob("*")) if p.is_file() and not p.is_symlink()
                     and re.search(r"\.so(\.\d+)*$", p.name) and not any(p.is_relative_to(s) for s in skipped)]
            before, after, refused = strip_libraries(files)
            print(f"{len(files)} libraries: {before / 1e6:.1f} MB → {after / 1e6:.1f} MB; kept as they "
                  f"were, because stripping left them unloadable: {', '.join(p.name for p in refused) or 'none'}")
        elif args.verb == "check":
            check_bundle(args.bundle)
            print(f"{args.bundle}: libVLC, its plugins for every need, ffmpeg and ffprobe are in place")
        elif args.verb == "check-self-test":
            problems = self_test_problems(args.report.read_text(errors="replace"), args.bundle)
            if problems:
                raise LayoutProblem("\n".join(problems))
            print(f"{args.report}: bundled libVLC and plugins, a swapped and a played clip, the window: all reported")
        else:
            print(format_sizes(sizes_by_part(args.bundle)))
    except (ChecksumProblem, LayoutProblem, OSError, subprocess.CalledProcessError) as problem:
        print(problem, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
