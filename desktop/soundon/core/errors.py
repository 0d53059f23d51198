"""The one family every failure Sound-On raises on purpose belongs to.

A SoundOnError's text is the whole message for the editor: one or two plain sentences saying what
went wrong and what to do. Anything else that escapes is a bug, and is reported (and logged) as one.
"""
from __future__ import annotations


class SoundOnError(Exception):
    """A failure the editor can act on; str(error) is the message, fit to show as it stands."""
