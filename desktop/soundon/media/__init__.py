"""Adapters for ffmpeg, ffprobe and libVLC. No Qt widgets here."""
