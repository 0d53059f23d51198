"""Playback: the libVLC player (the only module that touches vlc), the two-slot deck that preloads
the next take, the transport, the shuttle and the scrub bar."""
