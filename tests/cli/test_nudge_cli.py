"""soundon swap --nudge MS: the take's own audio shifted against its picture, verified to ±1 ms."""
from __future__ import annotations

import pytest

from soundon.media.av_sync import estimate
from tests.swap_helpers import video_packets
from tests.sync_takes import FPS, flash_and_click_take


@pytest.fixture(scope="module")
def in_sync(tmp_path_factory):
    return flash_and_click_take(tmp_path_factory.mktemp("nudge") / "take.mp4", 0)


@pytest.mark.parametrize("nudge_ms", [120, -80])
def test_a_nudge_is_written_by_stream_copy_and_measured_back(cli, in_sync, tmp_path, nudge_ms):
    out = tmp_path / "nudged.mp4"
    doc = cli.json("swap", str(in_sync), "--nudge", str(nudge_ms), "--out", str(out))
    assert doc["reencoded"] == [] and doc["audio"]["route"] == "native-copy"
    assert "copied (not re-encoded)" in doc["audio"]["action"]
    check = doc["verification"]
    assert check["ok"] and check["video_identical"] and check["audio_packets_identical"]
    assert check["offset"]["measured_s"] == pytest.approx(nudge_ms / 1000, abs=0.001)
    assert doc["spec"]["nudge_ms"] == nudge_ms
    assert video_packets(out) == video_packets(in_sync)
    # What the sync estimate reads in the new file is the nudge.
    assert abs(estimate(out, FPS).offset_ms - nudge_ms) <= 1000 / FPS


def test_a_nudge_into_pcm_is_encoded_and_measured_back(cli, in_sync, tmp_path):
    out = tmp_path / "nudged.mov"
    doc = cli.json("swap", str(in_sync), "--nudge", "-40", "--audio-codec", "pcm", "--out", str(out))
    assert doc["reencoded"] == ["audio"] and "native audio nudged -40 ms" in doc["audio"]["action"]
    assert doc["verification"]["ok"]
    assert doc["verification"]["offset"]["measured_s"] == pytest.approx(-0.040, abs=0.001)
    assert video_packets(out) == video_packets(in_sync)


@pytest.mark.parametrize("extra, message", [
    ([], "Give either --audio TRACK"),
    (["--nudge", "9000"], "between -5000 and 5000 ms"),
    (["--nudge", "40", "--offset", "0.1"], "go with --audio"),
])
def test_nudge_usage_errors(cli, in_sync, tmp_path, extra, message):
    proc = cli("swap", str(in_sync), "--out", str(tmp_path / "x.mp4"), *extra, "--library", str(cli.library))
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "x.mp4").exists()
