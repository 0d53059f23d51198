"""Every program the suite runs must come from what `packaging/bootstrap.sh` installs.

The development machine keeps everything ever installed by hand, so a test that calls such a program
passes here and fails on a fresh machine (ImageMagick's `import` did). This guard records each program
the test process starts and fails the test when its Debian package is neither one that bootstrap.sh
installs nor part of every Debian system (Essential or Priority: required, like coreutils or mount).
Programs of the project itself (the virtual environment, the interpreter) and scripts a test writes
into its temporary folders are always allowed.

Programs are looked up in dpkg's own file lists, not by running dpkg, so the guard starts nothing.
On a machine without dpkg there is nothing to check against and the guard stays quiet.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOOTSTRAP = ROOT / "packaging" / "bootstrap.sh"
DPKG_INFO = Path("/var/lib/dpkg/info")
DPKG_STATUS = Path("/var/lib/dpkg/status")


def bootstrap_packages(script: Path = BOOTSTRAP, array: str = "SYSTEM_PACKAGES") -> set[str]:
    """The Debian packages named in one of bootstrap.sh's arrays (comments stripped):
    SYSTEM_PACKAGES for every test, SLOW_TEST_PACKAGES for the slow tier's."""
    text = script.read_text()
    match = re.search(rf"^{array}=\((.*?)^\)", text, re.S | re.M)
    if not match:
        raise AssertionError(f"{script} has no {array}=( … ) array")
    words = []
    for line in match.group(1).splitlines():
        words += line.split("#", 1)[0].split()
    return set(words)


@cache
def base_system_packages() -> frozenset[str]:
    """Packages every Debian system has: Essential, or of Priority required."""
    found = set()
    if not DPKG_STATUS.exists():
        return frozenset()
    for stanza in DPKG_STATUS.read_text(errors="replace").split("\n\n"):
        fields = dict(line.split(": ", 1) for line in stanza.splitlines() if ": " in line and line[0] != " ")
        if fields.get("Essential") == "yes" or fields.get("Priority") == "required":
            found.add(fields.get("Package", ""))
    return frozenset(found)


@cache
def _owners() -> dict[str, str]:
    """Installed file path -> the package that installed it, from dpkg's file lists."""
    owners: dict[str, str] = {}
    for listing in DPKG_INFO.glob("*.list"):
        package = listing.name[:-len(".list")].split(":", 1)[0]
        for line in listing.read_text(errors="replace").splitlines():
            if "/bin/" in line or "/sbin/" in line:
                owners[line] = package
    return owners


def owning_package(path: str) -> str | None:
    """The Debian package that installed this program (None: not installed by a package). A link is
    its own package's (binutils installs /usr/bin/strip, a link to a file of a package it pulls in),
    so the path as called is looked up before the file it leads to."""
    owners = _owners()
    for found in dict.fromkeys((path, os.path.realpath(path))):   # in that order
        # merged /usr: dpkg may record /bin/mount for /usr/bin/mount
        other = found[len("/usr"):] if found.startswith("/usr/") else "/usr" + found
        for candidate in (found, other):
            if candidate in owners:
                return owners[candidate]
    return None


@dataclass(frozen=True)
class Verdict:
    program: str
    allowed: bool
    why: str


def _project_prefixes() -> tuple[str, ...]:
    return tuple(str(Path(p).resolve()) for p in {sys.prefix, sys.base_prefix, Path(sys.executable).parent}) + (
        str(Path(sys.executable).resolve().parent),)


def judge(program: str, test_folders: tuple[str, ...] = (), slow: bool = False) -> Verdict:
    """May the suite run this program (a resolved absolute path)? A slow test may also run what
    bootstrap.sh's --slow path installs: its packages and the zou environment."""
    real = os.path.realpath(program)
    if any(real.startswith(p + os.sep) or program.startswith(p + os.sep) for p in _project_prefixes()):
        return Verdict(program, True, "the project's own interpreter or virtual environment")
    if slow and program.startswith(str(ROOT / ".venv-zou") + os.sep):
        return Verdict(program, True, "the slow tier's zou environment")
    if any(real.startswith(folder) for folder in test_folders):
        return Verdict(program, True, "written by the test itself")
    if not DPKG_INFO.is_dir():
        return Verdict(program, True, "no dpkg here to check against")
    package = owning_package(program)
    if package is None:
        return Verdict(program, False, "it was not installed by any Debian package (installed by hand?)")
    if package in bootstrap_packages():
        return Verdict(program, True, f"bootstrap.sh installs {package}")
    if slow and _slow_package(package):
        return Verdict(program, True, f"bootstrap.sh --slow installs {package}")
    if package in base_system_packages():
        return Verdict(program, True, f"{package} is part of every Debian system")
    return Verdict(program, False, f"it comes from the Debian package {package}, which bootstrap.sh does not install")


def _slow_package(package: str) -> bool:
    # "postgresql" is a metapackage: its server binaries belong to "postgresql-15" and the like.
    return any(package == name or re.fullmatch(rf"{re.escape(name)}-\d+", package)
               for name in bootstrap_packages(array="SLOW_TEST_PACKAGES"))


def _program_of(args, kwargs) -> str | None:
    executable = kwargs.get("executable")
    if executable is None:
        if isinstance(args, (str, bytes, os.PathLike)):
            if kwargs.get("shell"):
                return "/bin/sh"
            executable = args
        elif args:
            executable = args[0]
        else:
            return None
    executable = os.fsdecode(executable)
    if os.sep in executable:
        return os.path.abspath(executable)
    env = kwargs.get("env") or os.environ
    return shutil.which(executable, path=env.get("PATH", os.defpath)) or executable


class ProgramGuard:
    """Wraps subprocess.Popen for the session; what each test started is judged at its teardown."""

    def __init__(self):
        self.started: list[str] = []
        self._original = None

    def install(self) -> None:
        original = self._original = subprocess.Popen.__init__
        guard = self

        def recording_init(popen, args, *rest, **kwargs):
            program = _program_of(args, kwargs)
            if program:
                guard.started.append(program)
            return original(popen, args, *rest, **kwargs)

        subprocess.Popen.__init__ = recording_init

    def uninstall(self) -> None:
        if self._original is not None:
            subprocess.Popen.__init__ = self._original

    def take_refusals(self, test_folders: tuple[str, ...], slow: bool = False) -> list[Verdict]:
        started, self.started = self.started, []
        verdicts = {program: judge(program, test_folders, slow) for program in started}
        return [v for v in verdicts.values() if not v.allowed]


def temporary_folders(base_temp: Path | None) -> tuple[str, ...]:
    folders = [tempfile.gettempdir() + os.sep + "pytest-of-"]
    if base_temp is not None:
        folders.append(str(base_temp.resolve()) + os.sep)
    return tuple(folders)
