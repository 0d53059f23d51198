"""Takes cut without re-encoding (`ffmpeg -ss 2.3 -i take.mp4 -c copy cut.mp4`): the cut starts at the
keyframe before 2.3 s and an edit list hides the frames before the cut point. The swap must lay the
post track against the first frame a player shows, and its check must agree."""
import dataclasses
import json
import subprocess
from pathlib import Path

import pytest

from soundon.core.swap_spec import SwapSpec
from soundon.jobs.swap_job import SwapJob, SwapRequest
from soundon.media import remux, tools
from soundon.media.swap_errors import VerificationFailed
from tests.swap_helpers import RATE, click_positions, decode_audio, ffmpeg, video_packets

CLICKS = "aevalsrc='if(eq(n,24000)+eq(n,72000),0.9,0)':s=48000"     # clicks at 0.5 s and 1.5 s


def first_shown_s(path: Path, kind: str) -> float:
    """When the first decoded (shown) frame of the stream plays, as a player decodes it."""
    out = subprocess.run([tools.ffprobe().path, "-v", "error", "-select_streams", f"{kind}:0", "-show_entries",
                          "frame=pts_time", "-of", "json", str(path)],
                         capture_output=True, check=True, timeout=60).stdout
    return float(json.loads(out)["frames"][0]["pts_time"])


@pytest.fixture(params=[".mp4", ".mov"])
def cut(request, media, tmp_path):
    # One keyframe at 0 (x264's default GOP is longer than the take): the cut at 2.3 s starts with
    # 2.3 s of frames that are decoded but never shown.
    whole = media.clip("whole" + request.param, duration=4)
    cut = tmp_path / ("cut" + request.param)
    ffmpeg("-ss", "2.3", "-i", str(whole), "-c", "copy", str(cut))
    assert video_packets(cut)[0][0] == 0.0 and len(video_packets(cut)) > 40     # the hidden frames are there
    return cut


@pytest.fixture
def clicks(media):
    return media.clip("clicks.wav", video="", duration=3, audio=CLICKS)


def test_a_cut_take_swaps_verifies_and_the_audio_lands_on_the_shown_picture(cut, clicks, tmp_path):
    offset = 0.1
    outcome = SwapJob(SwapRequest(cut, tmp_path / ("out" + cut.suffix), clicks, SwapSpec(offset=offset))).run()
    assert outcome.verification["ok"], outcome.verification["problems"]
    assert outcome.verification["video_identical"] and video_packets(cut) == video_packets(outcome.output)
    assert outcome.verification["offset"]["measured_s"] == pytest.approx(offset, abs=0.001)
    # Measured from the outside: the clicks sit at 0.6 s and 1.6 s after the first shown frame.
    audio_start = first_shown_s(outcome.output, "a") - first_shown_s(outcome.output, "v")
    found = [audio_start + p / RATE for p in click_positions(decode_audio(outcome.output, channels=1)[:, 0])]
    assert found == pytest.approx([0.5 + offset, 1.5 + offset], abs=0.001)


def test_a_cut_take_whose_audio_really_is_misplaced_still_fails(cut, clicks, tmp_path, monkeypatch):
    real = remux.conform

    def late_by_10_ms(track, timing, *args, **kw):          # the content slips, the stamps don't
        return real(track, dataclasses.replace(timing, delay=timing.delay + 480), *args, **kw)
    monkeypatch.setattr(remux, "conform", late_by_10_ms)
    out = tmp_path / ("slipped" + cut.suffix)
    with pytest.raises(VerificationFailed, match="the offset does not hold"):
        SwapJob(SwapRequest(cut, out, clicks, SwapSpec(offset=0.1))).run()
    assert not out.exists()
    monkeypatch.setattr(remux, "conform", real)
    monkeypatch.setattr(remux, "at_video_start", lambda stream, start: stream.filter("asetpts", "N/SR/TB+0.2/TB"))
    with pytest.raises(VerificationFailed, match=r"the audio starts \+\d+\.\d ms away"):
        SwapJob(SwapRequest(cut, out, clicks, SwapSpec(offset=0.1))).run()
    assert not out.exists()
