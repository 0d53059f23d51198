"""What can go wrong in a swap or an export, in the editor's words.

Every message is one or two plain sentences saying what happened and what to do; the command line
prints them as they are (exit status 1) and the app shows them in its job list.
"""
from __future__ import annotations

from soundon.core.errors import SoundOnError


class SwapError(SoundOnError, RuntimeError):
    """A swap or export that could not be done."""


class SourceError(SwapError):
    """The take or the post track can't be used (not media, no video, no audio, …)."""


class DestinationError(SwapError):
    """The output can't be written where the editor asked."""


class DiskFull(DestinationError):
    """The destination's disk has no room for the output."""


class VerificationFailed(SwapError):
    """The written file did not pass its checks; nothing was left under the final name."""


class Cancelled(SwapError):
    """The editor stopped the work; nothing was left behind."""


class FFmpegFailed(SwapError):
    """ffmpeg stopped with an error that has no better explanation."""
