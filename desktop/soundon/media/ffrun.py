"""Running one ffmpeg process with progress, cancel and a readable failure.

- Progress comes from ffmpeg's `-progress pipe:1` report (`out_time_us` against the known length),
  so it is what ffmpeg has actually written, not a guess.
- Cancel escalates: SIGTERM first (ffmpeg stops at once), SIGKILL if it hasn't gone after
  `KILL_AFTER_S`. Whoever cancels may be another thread; the run raises `Cancelled`.
- On Linux the child is tied to our process with PR_SET_PDEATHSIG (through setpriv), so if
  Sound-On itself is killed ffmpeg dies with it instead of finishing a file nobody will rename.
  (Elsewhere such an orphan finishes its temporary file, which the next run removes; see
  media/destination.py.)
- stderr is drained on a thread (a full pipe would stall ffmpeg) and its tail kept for the message.
"""
from __future__ import annotations

import collections
import functools
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass

from soundon.media.swap_errors import Cancelled, DiskFull, FFmpegFailed

KILL_AFTER_S = 1.0
STDERR_LINES_KEPT = 400

ProgressCallback = Callable[[float], None]      # fraction 0.0 … 1.0


class CancelToken:
    """Shared between a job and the process it is running; `cancel()` is safe from any thread."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen | None = None

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def cancel(self) -> None:
        self._event.set()
        with self._lock:
            proc = self._proc
        if proc is not None:
            _stop(proc)

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled("Stopped; nothing was written.")

    def _attach(self, proc: subprocess.Popen | None) -> None:
        with self._lock:
            self._proc = proc
        if proc is not None and self._event.is_set():
            _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        proc.terminate()
        proc.wait(timeout=KILL_AFTER_S)
    except subprocess.TimeoutExpired:
        proc.kill()
    except OSError:
        pass


@functools.cache
def _die_with_parent() -> tuple[str, ...]:
    """The prefix that makes ffmpeg get SIGKILL when its parent dies (Linux only): util-linux's
    setpriv sets PR_SET_PDEATHSIG and then becomes ffmpeg, which keeps it. Empty where setpriv is
    missing or too old for --pdeathsig.

    Not a preexec hook: Python code run in the child of a process with threads can deadlock before
    exec. Python frees the other threads' thread-local objects there; PyAV keeps a frame reformatter
    in one, and freeing it waits forever for slice threads that exist only in the parent (a swap
    after an import hung so: tests/unit/test_ffmpeg_start_beside_threads.py)."""
    if not sys.platform.startswith("linux"):
        return ()
    setpriv = shutil.which("setpriv")
    prefix = (setpriv, "--pdeathsig", "KILL", "--") if setpriv else ()
    try:
        if prefix and subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
            return prefix
    except (OSError, subprocess.TimeoutExpired):
        pass
    return ()


@dataclass
class RunResult:
    returncode: int
    stderr: str
    stdout: bytes = b""


def run_ffmpeg(args: list[str], *, duration_s: float | None = None, on_progress: ProgressCallback | None = None,
               cancel: CancelToken | None = None, capture_stdout: bool = False, what: str = "ffmpeg") -> RunResult:
    """Run ffmpeg (args[0] is its path). With capture_stdout the caller's output goes to pipe:1 and
    no progress is read; otherwise `-progress pipe:1` is added. Raises Cancelled, DiskFull or
    FFmpegFailed."""
    token = cancel or CancelToken()
    token.check()
    cmd = list(args)
    if not capture_stdout:
        cmd[1:1] = ["-progress", "pipe:1", "-stats_period", "0.1", "-nostats"]
    cmd[:0] = _die_with_parent()
    kwargs = {}
    if sys.platform == "win32":
        kwargs["creationflags"] = getattr(subprocess, "CREATE_NO_WINDOW", 0)
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                **kwargs)
    except OSError as exc:
        raise FFmpegFailed(f"ffmpeg could not be started ({exc.strerror or exc}).") from None
    token._attach(proc)
    tail: collections.deque[str] = collections.deque(maxlen=STDERR_LINES_KEPT)
    reader = threading.Thread(target=_drain, args=(proc.stderr, tail), daemon=True)
    reader.start()
    stdout = b""
    try:
        if capture_stdout:
            stdout = proc.stdout.read()
        else:
            _follow_progress(proc.stdout, duration_s, on_progress)
        proc.wait()
    except BaseException:
        # KeyboardInterrupt or a failing progress callback: never leave ffmpeg running.
        _stop(proc)
        raise
    finally:
        reader.join(timeout=5)
        token._attach(None)
        for stream in (proc.stdout, proc.stderr):
            try:
                stream.close()
            except OSError:
                pass
    stderr = "".join(tail)
    token.check()
    if proc.returncode != 0 or _failed_quietly(stderr):
        raise explain_failure(stderr, what)
    if on_progress and not capture_stdout:
        on_progress(1.0)
    return RunResult(proc.returncode, stderr, stdout)


def _drain(stream, tail: collections.deque) -> None:
    for raw in iter(stream.readline, b""):
        tail.append(raw.decode("utf-8", "replace"))


def _follow_progress(stream, duration_s: float | None, on_progress: ProgressCallback | None) -> None:
    for raw in iter(stream.readline, b""):
        if on_progress is None or not duration_s:
            continue
        key, _, value = raw.decode("ascii", "replace").strip().partition("=")
        if key == "out_time_us":
            try:
                seconds = int(value) / 1_000_000
            except ValueError:
                continue            # "N/A" before the first packet
            on_progress(min(1.0, max(0.0, seconds / duration_s)))


# ffmpeg 5.1 exits with status 0 when writing the trailer fails (e.g. the +faststart pass on a
# full disk), leaving a broken file: these lines mean failure whatever the exit status says.
_QUIET_FAILURES = ("error writing trailer", "error closing file", "no space left on device")


def _failed_quietly(stderr: str) -> bool:
    text = stderr.lower()
    return any(marker in text for marker in _QUIET_FAILURES)


class IndexRoomTooSmall(FFmpegFailed):
    """The room reserved for the MP4 index at the start of the file was not enough."""


def explain_failure(stderr: str, what: str) -> Exception:
    text = stderr.lower()
    if "reserved_moov_size is too small" in text:
        return IndexRoomTooSmall(f"{what}: the room reserved for the file's index was too small.")
    if "no space left on device" in text:
        return DiskFull("The destination disk is full; free some space or choose another folder, then try again.")
    if "not currently supported in container" in text or "could not find tag for codec" in text:
        return FFmpegFailed(f"{what}: a stream's codec can't be stored in this kind of file "
                            "(choose another container: .mov for ProRes, .mp4 for VP9 or AV1).")
    if "permission denied" in text:
        return FFmpegFailed(f"{what}: permission denied while reading or writing a file.")
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    last = lines[-1][:240] if lines else "no message"
    return FFmpegFailed(f"{what} failed ({last}).")
