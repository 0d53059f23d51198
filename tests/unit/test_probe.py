from pathlib import Path

import pytest

from soundon.media.probe import ProbeError, probe
from soundon.media.synth import ClipSpec


@pytest.mark.parametrize("name, codec, acodec", [
    ("take.mp4", "h264", "aac"), ("take.mov", "h264", "aac"),
    ("take.webm", "vp9", "opus"), ("take.mkv", "h264", "aac"),
])
def test_probe_reads_every_container(media, name, codec, acodec):
    clip = media.clip(name, duration=1.5, size="320x240", fps="30",
                      video_codec="vp9" if name.endswith("webm") else "h264")
    info = probe(clip)
    assert info.has_video and info.has_audio
    assert (info.width, info.height) == (320, 240)
    assert info.video_codec == codec and info.audio_codec == acodec
    assert info.fps == pytest.approx(30.0)
    assert info.duration == pytest.approx(1.5, abs=0.05)
    assert info.audio_channels == 2 and info.sample_rate == 48000
    assert not info.variable_frame_rate


def test_no_audio(media):
    info = probe(media.clip("silent.mp4", audio=""))
    assert info.has_video and not info.has_audio and info.audio_channels == 0


def test_surround_and_mono_8k(media):
    surround = probe(media.clip("s.mkv", channels=6))
    assert surround.audio_channels == 6 and surround.channel_layout.startswith("5.1")
    mono = probe(media.clip("m.mov", channels=1, sample_rate=8000))
    assert mono.audio_channels == 1 and mono.sample_rate == 8000


def test_rotation_swaps_display_size(media):
    info = probe(media.clip("portrait.mp4", size="320x180", rotation=90))
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (320, 180)
    assert (info.display_width, info.display_height) == (180, 320)


def test_variable_frame_rate_is_flagged(media):
    spec = ClipSpec(extra=["-vf", "setpts='if(lt(N,10),N*2/25/TB,PTS+10/25/TB)'", "-fps_mode", "vfr"])
    assert probe(media.clip("vfr.mp4", spec)).variable_frame_rate


def test_audio_only_file(media):
    info = probe(media.clip("track.wav", video=""))
    assert info.has_audio and not info.has_video


@pytest.mark.parametrize("content, reason", [
    (b"", "empty"),
    (b"just some text, not a movie\n" * 10, "not a video or audio file"),
])
def test_bad_files_get_a_reason(tmp_path, content, reason):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    with pytest.raises(ProbeError, match=reason):
        probe(bad)


def test_truncated_file(media):
    clip = media.clip("cut.mp4", duration=2)
    clip.write_bytes(clip.read_bytes()[:4000])
    with pytest.raises(ProbeError, match="truncated"):
        probe(clip)


@pytest.mark.parametrize("name", ["-rm -rf.mp4", "name with spaces.mp4", "ünïcødé 映像.mp4", "-i.mp4"])
def test_awkward_names(media, name):
    clip = media.clip(name, duration=1)
    assert probe(clip).has_video


def test_other_protocols_are_refused(tmp_path):
    # A playlist that points at another protocol must not be followed.
    playlist = tmp_path / "evil.mp4"
    playlist.write_text("#EXTM3U\n#EXTINF:1,\nhttp://127.0.0.1:9/x.ts\n")
    with pytest.raises(ProbeError):
        probe(playlist)


def test_missing_file(tmp_path):
    with pytest.raises(ProbeError, match="does not exist"):
        probe(Path(tmp_path / "nope.mp4"))
