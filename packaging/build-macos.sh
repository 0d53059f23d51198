#!/usr/bin/env bash
# Builds dist/Sound-On.app and dist/Sound-On-<version>-macos-<arch>.dmg on macOS.
# Needs: Python 3.11+ (python.org or Homebrew), VLC 3 in /Applications (or SOUNDON_VLC_APP),
#        ffmpeg + ffprobe (brew install ffmpeg, or static builds in SOUNDON_FFMPEG_DIR).
# Signing and notarization run only when their credentials are set:
#   SOUNDON_CODESIGN_IDENTITY  "Developer ID Application: …"
#   SOUNDON_NOTARY_PROFILE     a keychain profile made with `xcrun notarytool store-credentials`
set -euo pipefail
cd "$(dirname "$0")/.."
VLC_APP=${SOUNDON_VLC_APP:-/Applications/VLC.app}
NATIVE=packaging/native/macos
[[ -f "$VLC_APP/Contents/MacOS/lib/libvlc.dylib" ]] || { echo "VLC.app not found at $VLC_APP: install VLC 3 or set SOUNDON_VLC_APP." >&2; exit 1; }

[[ -d .venv ]] || python3 -m venv .venv
.venv/bin/python -m pip install -q -e '.[package]'

rm -rf "$NATIVE" && mkdir -p "$NATIVE/bin" "$NATIVE/vlc/plugins"
FFDIR=${SOUNDON_FFMPEG_DIR:-$(dirname "$(command -v ffmpeg)")}
cp "$FFDIR/ffmpeg" "$FFDIR/ffprobe" "$NATIVE/bin/"
# Homebrew's ffmpeg links Homebrew dylibs; PyInstaller collects them and rewrites their paths.
cp "$VLC_APP/Contents/MacOS/lib/libvlc.dylib" "$VLC_APP/Contents/MacOS/lib/libvlccore.dylib" "$NATIVE/vlc/"
# Only the plugins a review player needs (packaging/bundle_layout.py says which, for every platform).
.venv/bin/python packaging/bundle_layout.py copy-plugins "$VLC_APP/Contents/MacOS/plugins" "$NATIVE/vlc/plugins"

.venv/bin/python -m PyInstaller --noconfirm --clean --workpath build/pyinstaller --distpath dist packaging/soundon.spec
"$VLC_APP/Contents/MacOS/vlc-cache-gen" "dist/Sound-On.app/Contents/Frameworks/vlc/plugins" || true

.venv/bin/python packaging/bundle_layout.py check dist/Sound-On.app

VERSION=$(.venv/bin/python -c 'import soundon; print(soundon.__version__)')
/usr/libexec/PlistBuddy -c "Set :CFBundleShortVersionString $VERSION" -c "Set :CFBundleVersion $VERSION" \
  dist/Sound-On.app/Contents/Info.plist

if [[ -n "${SOUNDON_CODESIGN_IDENTITY:-}" ]]; then
  codesign --force --deep --options runtime --timestamp \
    --entitlements packaging/macos/entitlements.plist --sign "$SOUNDON_CODESIGN_IDENTITY" dist/Sound-On.app
fi

DMG="dist/Sound-On-$VERSION-macos-$(uname -m).dmg"
rm -f "$DMG"
STAGE=$(mktemp -d)
cp -R dist/Sound-On.app "$STAGE/" && ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "Sound-On" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

if [[ -n "${SOUNDON_CODESIGN_IDENTITY:-}" && -n "${SOUNDON_NOTARY_PROFILE:-}" ]]; then
  codesign --sign "$SOUNDON_CODESIGN_IDENTITY" --timestamp "$DMG"
  xcrun notarytool submit "$DMG" --keychain-profile "$SOUNDON_NOTARY_PROFILE" --wait
  xcrun stapler staple "$DMG"
else
  echo "No signing credentials set: the app and dmg are unsigned (fine for local testing)."
fi

echo "Smoke test: the frozen self-test"
QT_QPA_PLATFORM=offscreen dist/Sound-On.app/Contents/MacOS/soundon --self-test
