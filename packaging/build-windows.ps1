# Builds dist\soundon\ (PyInstaller one-folder) and dist\Sound-On-<version>-windows-x64-setup.exe.
# Run from a "Developer PowerShell" or plain PowerShell in the repository root:
#   powershell -ExecutionPolicy Bypass -File packaging\build-windows.ps1
# Needs: Python 3.11+ (64-bit), Inno Setup 6 (iscc.exe on PATH or in its default folder),
#        VLC 3 64-bit installed (C:\Program Files\VideoLAN\VLC) or $env:SOUNDON_VLC_DIR,
#        an ffmpeg "essentials" build unpacked with bin\ffmpeg.exe and bin\ffprobe.exe in $env:SOUNDON_FFMPEG_DIR.
# Optional signing: $env:SOUNDON_SIGN_CERT (path to .pfx) and $env:SOUNDON_SIGN_PASSWORD.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")

$vlc = if ($env:SOUNDON_VLC_DIR) { $env:SOUNDON_VLC_DIR } else { "C:\Program Files\VideoLAN\VLC" }
$ffmpeg = $env:SOUNDON_FFMPEG_DIR
if (-not (Test-Path "$vlc\libvlc.dll")) { throw "libvlc.dll not found in $vlc: install VLC 3 (64-bit) or set SOUNDON_VLC_DIR." }
if (-not $ffmpeg -or -not (Test-Path "$ffmpeg\bin\ffprobe.exe")) { throw "Set SOUNDON_FFMPEG_DIR to an unpacked ffmpeg build (with bin\ffmpeg.exe and bin\ffprobe.exe)." }

if (-not (Test-Path .venv)) { python -m venv .venv }
.\.venv\Scripts\python -m pip install -q -e ".[package]"

$native = "packaging\native\windows"
Remove-Item -Recurse -Force $native -ErrorAction SilentlyContinue
New-Item -ItemType Directory -Force "$native\bin", "$native\vlc\plugins" | Out-Null
Copy-Item "$ffmpeg\bin\ffmpeg.exe", "$ffmpeg\bin\ffprobe.exe" "$native\bin\"
Get-ChildItem "$ffmpeg\bin\*.dll" -ErrorAction SilentlyContinue | Copy-Item -Destination "$native\bin\"
Copy-Item "$vlc\libvlc.dll", "$vlc\libvlccore.dll" "$native\vlc\"
# Only the plugins a review player needs (packaging/bundle_layout.py says which, for every platform).
.\.venv\Scripts\python packaging\bundle_layout.py copy-plugins "$vlc\plugins" "$native\vlc\plugins"
if ($LASTEXITCODE -ne 0) { throw "Copying the libVLC plugins failed." }

.\.venv\Scripts\python -m PyInstaller --noconfirm --clean --workpath build\pyinstaller --distpath dist packaging\soundon.spec
& "$vlc\vlc-cache-gen.exe" "dist\soundon\_internal\vlc\plugins"
.\.venv\Scripts\python packaging\bundle_layout.py check dist\soundon
if ($LASTEXITCODE -ne 0) { throw "The bundle's layout is incomplete." }

$version = .\.venv\Scripts\python -c "import soundon; print(soundon.__version__)"
if ($env:SOUNDON_SIGN_CERT) {
  signtool sign /f $env:SOUNDON_SIGN_CERT /p $env:SOUNDON_SIGN_PASSWORD /fd sha256 /tr http://timestamp.digicert.com /td sha256 dist\soundon\soundon.exe
}
$iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" "/DSourceDir=$PWD\dist\soundon" packaging\windows\soundon.iss

Write-Host "Smoke test: the frozen self-test"
$env:QT_QPA_PLATFORM = "offscreen"
& dist\soundon\soundon.exe --self-test
if ($LASTEXITCODE -ne 0) { throw "The frozen self-test failed." }
