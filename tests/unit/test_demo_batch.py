"""The demo batch is the same on every machine: generated twice, every take and the post track
decode to the same audio samples, so its verdicts (one take's speech sits near the one-second
minimum for judging dialogue) don't change from one first run to the next."""
from __future__ import annotations

import subprocess

from soundon.media import tools
from soundon.media.demo import ensure_demo_batch, recipe


def audio_md5(path) -> str:
    """ffmpeg's MD5 of the decoded samples (container bytes may differ, the sound must not)."""
    out = subprocess.run([tools.ffmpeg().path, "-v", "error", "-i", str(path), "-map", "0:a", "-f", "md5", "-"],
                         check=True, capture_output=True, text=True).stdout
    return out.strip()


def test_the_demo_batch_sounds_the_same_each_time_it_is_made(tmp_path):
    first, second = ensure_demo_batch(tmp_path / "a"), ensure_demo_batch(tmp_path / "b")
    plan = recipe()
    files = [take["file"] for take in plan["takes"]] + [plan["post_track"]["file"]]
    for name in files:
        assert audio_md5(first / name) == audio_md5(second / name), f"{name} sounds different the second time"
