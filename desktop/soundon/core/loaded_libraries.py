"""The shared libraries this process has loaded, by path, on Linux, macOS and Windows.

The self-test uses it to show that a frozen build plays through its own libVLC and plugins: a system
copy of another version, picked up by python-vlc's search, is the classic failure of a bundled
libVLC. An empty list means the platform gave no answer, not that nothing is loaded.
"""
from __future__ import annotations

import ctypes
import sys
from pathlib import Path


def loaded_libraries() -> list[str]:
    try:
        if sys.platform == "win32":
            return _windows()
        if sys.platform == "darwin":
            return _macos()
        return _linux()
    except (OSError, AttributeError, ValueError):
        return []


def _linux() -> list[str]:
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return []
    found = {line.split(None, 5)[5].strip() for line in maps.read_text().splitlines() if len(line.split(None, 5)) == 6}
    return sorted(path for path in found if path.startswith("/"))


def _macos() -> list[str]:
    dyld = ctypes.CDLL(None)
    dyld._dyld_image_count.restype = ctypes.c_uint32
    dyld._dyld_get_image_name.restype = ctypes.c_char_p
    dyld._dyld_get_image_name.argtypes = [ctypes.c_uint32]
    names = (dyld._dyld_get_image_name(i) for i in range(dyld._dyld_image_count()))
    return sorted({name.decode(errors="replace") for name in names if name})


def _windows() -> list[str]:
    from ctypes import wintypes
    psapi = ctypes.WinDLL("psapi", use_last_error=True)
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetCurrentProcess.restype = wintypes.HANDLE
    process = kernel32.GetCurrentProcess()
    psapi.EnumProcessModules.argtypes = [wintypes.HANDLE, ctypes.POINTER(wintypes.HMODULE),
                                         wintypes.DWORD, ctypes.POINTER(wintypes.DWORD)]
    psapi.GetModuleFileNameExW.argtypes = [wintypes.HANDLE, wintypes.HMODULE, wintypes.LPWSTR, wintypes.DWORD]
    count = 1024
    while True:
        modules = (wintypes.HMODULE * count)()
        needed = wintypes.DWORD()
        if not psapi.EnumProcessModules(process, modules, ctypes.sizeof(modules), ctypes.byref(needed)):
            return []
        if needed.value <= ctypes.sizeof(modules):
            break
        count = needed.value // ctypes.sizeof(wintypes.HMODULE) + 16
    paths = []
    buffer = ctypes.create_unicode_buffer(32768)
    for module in modules[:needed.value // ctypes.sizeof(wintypes.HMODULE)]:
        if psapi.GetModuleFileNameExW(process, module, buffer, len(buffer)):
            paths.append(buffer.value)
    return sorted(set(paths))


def vlc_parts(paths: list[str]) -> list[str]:
    """The libVLC libraries and plugins among loaded paths."""
    return [p for p in paths if "vlc" in Path(p).name.lower()]


def vlc_plugins(paths: list[str]) -> list[str]:
    """The libVLC plugins among loaded paths (lib<name>_plugin.so / .dll / .dylib)."""
    return [p for p in paths if "_plugin." in Path(p).name]
