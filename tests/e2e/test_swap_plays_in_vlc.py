"""Swapped files play to their end in libVLC (the player the app uses), audio track included.

A minimal direct use of python-vlc: a dummy audio output and a dummy video output, so the real
demuxers and decoders run without a sound card or a window.
"""
import time

import pytest

from soundon.core.swap_spec import Level, SwapSpec
from soundon.jobs.swap_job import SwapJob, SwapRequest

vlc = pytest.importorskip("vlc")

pytestmark = pytest.mark.e2e


def play_to_end(path, deadline_s: float = 15.0) -> dict:
    instance = vlc.Instance(["--intf=dummy", "--aout=adummy", "--vout=dummy", "--no-video-title-show", "--quiet"])
    player = instance.media_player_new()
    media = instance.media_new_path(str(path))
    player.set_media(media)
    player.play()
    audio_tracks = 0
    furthest_ms = 0
    states = set()
    deadline = time.monotonic() + deadline_s
    try:
        while time.monotonic() < deadline:
            state = player.get_state()
            states.add(state)
            if state == vlc.State.Playing:
                audio_tracks = max(audio_tracks, player.audio_get_track_count())
                furthest_ms = max(furthest_ms, player.get_time())
            if state in (vlc.State.Ended, vlc.State.Error):
                break
            time.sleep(0.02)
        return {"state": player.get_state(), "audio_tracks": audio_tracks, "length_ms": media.get_duration(),
                "furthest_ms": furthest_ms, "states": states}
    finally:
        player.stop()
        player.release()
        media.release()
        instance.release()


@pytest.mark.parametrize("source, codec, channels, out, level", [
    ("take.mp4", "h264", 2, "aac.mp4", Level(target="social")),
    ("take.mov", "prores", 2, "pcm.mov", None),
    ("take.mp4", "hevc", 6, "surround.m4v", Level(gain=-3)),
])
def test_swapped_file_plays_to_the_end(media, tmp_path, source, codec, channels, out, level):
    take = media.clip(source, duration=1, video_codec=codec)
    track = media.clip("post.wav", video="", duration=1.5, channels=channels, audio="anoisesrc=amplitude=0.1")
    outcome = SwapJob(SwapRequest(take, tmp_path / out, track, SwapSpec(level=level))).run()
    result = play_to_end(outcome.output)
    assert result["state"] == vlc.State.Ended, result
    assert result["audio_tracks"] >= 1
    assert abs(result["length_ms"] - 1000) <= 50
    assert result["furthest_ms"] >= 700          # it really played through, not just stopped
