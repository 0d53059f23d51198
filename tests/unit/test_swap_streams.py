"""Takes with more than one picture and one sound: several audio tracks, subtitles, a timecode
track. The native track is the one marked default; subtitles and timecode are kept where the
container holds them; whatever is not carried over is named in the result."""
import subprocess
from pathlib import Path

import numpy as np
import pytest

from soundon.core.swap_spec import SwapSpec
from soundon.jobs.swap_job import SwapJob, SwapRequest
from soundon.media import tools
from tests.swap_helpers import RATE, decode_audio, ffprobe_streams, video_packets

SUBTITLES = "1\n00:00:00,000 --> 00:00:00,500\nHello\n\n2\n00:00:00,500 --> 00:00:01,000\nWorld\n"


def make_take(path: Path, tmp_path: Path, subtitle_codec: str = "mov_text", timecode: bool = True) -> Path:
    """1 s of testsrc2 with two audio tracks, 440 Hz (first, not default) and 880 Hz (second,
    marked default), a subtitle track and (mp4/mov) a timecode track."""
    srt = tmp_path / "lines.srt"
    srt.write_text(SUBTITLES)
    path.parent.mkdir(parents=True, exist_ok=True)
    args = [tools.ffmpeg().path, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
            "-f", "lavfi", "-i", "sine=frequency=880", "-i", str(srt),
            "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3", "-t", "1",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-c:s", subtitle_codec,
            "-disposition:a:0", "0", "-disposition:a:1", "default", "-metadata:s:a:1", "language=fra"]
    if timecode:
        args += ["-timecode", "01:00:00:00"]
    subprocess.run(args + [str(path)], check=True, capture_output=True, timeout=120)
    return path


def dominant_hz(path: Path) -> float:
    mono = decode_audio(path, channels=1)[:, 0]
    spectrum = np.abs(np.fft.rfft(mono))
    return float(np.argmax(spectrum) * RATE / len(mono))


def kinds(path: Path) -> list[tuple[str, str]]:
    return [(s["codec_type"], s.get("codec_tag_string") if s["codec_type"] == "data" else s["codec_name"])
            for s in ffprobe_streams(path)]


@pytest.mark.parametrize("suffix", [".mp4", ".mov"])
def test_the_default_audio_track_is_the_native_one_and_subtitles_and_timecode_stay(tmp_path, suffix):
    take = make_take(tmp_path / ("take" + suffix), tmp_path)
    kept = SwapJob(SwapRequest(take, tmp_path / ("kept" + suffix), None)).run()
    assert kept.verification["ok"] and kept.verification["audio_packets_identical"]
    assert dominant_hz(kept.output) == pytest.approx(880, abs=5)       # the default track, not the first
    assert kinds(kept.output) == [("video", "h264"), ("audio", "aac"), ("subtitle", "mov_text"), ("data", "tmcd")]
    streams = ffprobe_streams(kept.output)
    assert streams[3]["tags"]["timecode"] == "01:00:00:00"
    assert next(s for s in streams if s["codec_type"] == "audio")["tags"]["language"] == "fra"
    assert video_packets(take) == video_packets(kept.output)
    lines = subprocess.run([tools.ffmpeg().path, "-loglevel", "error", "-i", str(kept.output), "-map", "0:s",
                            "-f", "srt", "-"], capture_output=True, text=True, check=True).stdout
    assert "Hello" in lines and "World" in lines
    assert kept.not_carried == [{"index": 1, "type": "audio", "codec": "aac", "language": "",
                                 "why": "only the take's main audio track (the one marked default) is delivered"}]


def test_a_swap_names_every_track_it_could_not_carry(tmp_path, media):
    take = make_take(tmp_path / "take.mkv", tmp_path, subtitle_codec="subrip", timecode=False)
    track = media.clip("post.wav", video="", duration=1, audio="anoisesrc=color=pink:amplitude=0.1")
    outcome = SwapJob(SwapRequest(take, tmp_path / "out.mp4", track, SwapSpec())).run()
    assert outcome.verification["ok"]
    assert kinds(outcome.output) == [("video", "h264"), ("audio", "aac")]
    dropped = {(d["index"], d["type"], d["codec"]): d["why"] for d in outcome.not_carried}
    # stream 2, the default audio track, is the one the post track replaces: not listed
    assert set(dropped) == {(1, "audio", "aac"), (3, "subtitle", "subrip")}
    assert "MP4" in dropped[(3, "subtitle", "subrip")]
    assert outcome.as_dict()["not_carried"] == outcome.not_carried


def test_the_cli_and_the_app_name_what_was_not_carried_over(tmp_path, media, library):
    from soundon.jobs.export_job import ExportJob, ExportRequest
    from soundon.jobs.importer import Importer
    from soundon.ui.controllers.export import summary
    from tests.cli.conftest import SOUNDON
    take = make_take(tmp_path / "takes" / "kling.mkv", tmp_path, subtitle_codec="subrip", timecode=False)
    track = media.clip("post.wav", video="", duration=1, audio="anoisesrc=color=pink:amplitude=0.1")
    proc = subprocess.run([SOUNDON, "swap", str(take), "--audio", str(track), "--out", str(tmp_path / "o.mp4")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "not carried over: stream 3 (subtitle subrip): subrip subtitles can't go in MP4 files" in proc.stdout
    assert "not carried over: stream 1 (audio aac): only the take's main audio track" in proc.stdout

    Importer(library).run([tmp_path / "takes"], name="B")
    result = ExportJob(library, ExportRequest("B", tmp_path / "out")).run()
    assert [i.status for i in result.items] == ["written"]
    assert "Not carried over: kling.mkv: stream 1 (audio aac)" in summary(result)
    assert "stream 3 (subtitle subrip)" in summary(result)
    rows = (Path(result.manifest_csv).read_text())
    assert "stream 3 (subtitle subrip)" in rows
