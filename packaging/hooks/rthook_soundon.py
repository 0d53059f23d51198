# Runs first in the frozen app: make python-vlc load the bundled libVLC and its plugins, never a
# system copy (python-vlc otherwise searches the system and mixes versions).
import ctypes
import os
import sys
from pathlib import Path

_base = Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent))
_vlc = _base / "vlc"
if _vlc.is_dir():
    if sys.platform == "win32":
        _lib, _core = _vlc / "libvlc.dll", _vlc / "libvlccore.dll"
        os.add_dll_directory(str(_vlc))
    elif sys.platform == "darwin":
        _lib, _core = _vlc / "libvlc.dylib", _vlc / "libvlccore.dylib"
    else:
        _lib, _core = next(_vlc.glob("libvlc.so.*")), next(_vlc.glob("libvlccore.so.*"))
    os.environ["PYTHON_VLC_LIB_PATH"] = str(_lib)
    os.environ["PYTHON_VLC_MODULE_PATH"] = str(_vlc / "plugins")
    os.environ["VLC_PLUGIN_PATH"] = str(_vlc / "plugins")
    # libvlc needs libvlccore already loaded (global symbols) so the bundled one is the one used.
    ctypes.CDLL(str(_core), mode=getattr(ctypes, "RTLD_GLOBAL", 0))
