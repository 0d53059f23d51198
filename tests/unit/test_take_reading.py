"""The import reads a take in process (PyAV); what it finds must be what ffprobe finds, field by
field, for every kind of take, and its overview must be the one ffmpeg made (poster frame at the
same time, turned upright; waveform peaks of the same length)."""
from pathlib import Path

import numpy as np
import pytest

from soundon.media.overview import load_peaks
from soundon.media.probe import ProbeError, probe
from soundon.media.synth import ClipSpec
from soundon.media.take_reading import read_for_import

# What the import stores of a take (jobs/importer.py).
STORED = ("duration", "width", "height", "rotation", "display_width", "display_height", "fps",
          "variable_frame_rate", "video_codec", "audio_codec", "has_video", "has_audio", "audio_channels",
          "channel_layout", "sample_rate", "bit_rate", "creation_time", "container")

TAKES = {
    "take.mp4": ClipSpec(duration=1.5, size="320x240", fps="30"),
    "take.mov": ClipSpec(duration=1.2, size="320x240", fps="24"),
    "take.webm": ClipSpec(duration=1.0, size="320x240", video_codec="vp9"),
    "take.mkv": ClipSpec(duration=1.0, size="320x240"),
    "portrait.mp4": ClipSpec(duration=1.0, size="320x180", rotation=90),
    "surround.mkv": ClipSpec(duration=1.0, channels=6),
    "mono-8k.mov": ClipSpec(duration=1.0, channels=1, sample_rate=8000),
    "silent.mp4": ClipSpec(duration=1.0, audio=""),
    "long.mp4": ClipSpec(duration=25, size="160x90"),       # peaks reduced every 10 s as they come
    "vfr.mp4": ClipSpec(extra=["-vf", "setpts='if(lt(N,10),N*2/25/TB,PTS+10/25/TB)'", "-fps_mode", "vfr"]),
}


@pytest.mark.parametrize("name", TAKES)
def test_in_process_reading_finds_what_ffprobe_finds(media, tmp_path, name):
    clip = media.clip(name, TAKES[name])
    reading = read_for_import(clip, tmp_path / "poster.jpg", tmp_path / "peaks.npy")
    expected = probe(clip)
    for field in STORED:
        ours, theirs = getattr(reading.info, field), getattr(expected, field)
        if field == "bit_rate":       # the two FFmpeg versions estimate it from slightly different spans
            assert ours == pytest.approx(theirs, rel=0.01), field
        elif isinstance(theirs, float):
            assert ours == pytest.approx(theirs, abs=1e-3), field
        else:
            assert ours == theirs, field
    assert reading.overview is not None and reading.overview.thumbnail == tmp_path / "poster.jpg"
    assert (tmp_path / "poster.jpg").stat().st_size > 500
    if expected.has_audio:
        peaks = load_peaks(reading.overview.waveform)
        one_frame = 100 * 1024 / expected.sample_rate     # the last audio frame may run past the end
        assert len(peaks) == pytest.approx(100 * expected.duration, abs=max(2, one_frame))
        assert 0.01 < float(peaks.max()) <= 1.0
    else:
        assert reading.overview.waveform is None


def test_the_poster_is_turned_upright(media, tmp_path):
    reading = read_for_import(media.clip("portrait.mp4", TAKES["portrait.mp4"]), tmp_path / "p.jpg", tmp_path / "p.npy")
    poster = probe(tmp_path / "p.jpg")
    assert (poster.width, poster.height) == (320, 568)     # 180x320 shown, 320 wide


def test_a_file_that_is_not_media_gets_ffprobes_reason(tmp_path):
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a movie\n" * 20)
    with pytest.raises(ProbeError, match="not a video or audio file"):
        read_for_import(bad, tmp_path / "p.jpg", tmp_path / "p.npy")


def test_audio_only_file_has_no_overview(media, tmp_path):
    reading = read_for_import(media.clip("track.wav", video=""), tmp_path / "p.jpg", tmp_path / "p.npy")
    assert reading.info.has_audio and not reading.info.has_video and reading.overview is None
    assert not (tmp_path / "p.jpg").exists()
