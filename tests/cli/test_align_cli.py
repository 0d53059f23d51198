"""`soundon align`: the post track's offset against the take's own audio, from the command line,
and --apply, which saves it in the take's swap spec only when the match is reliable."""
from __future__ import annotations

import re

import pytest

from soundon.media.dsp.decode import decode
from tests.signals import cut_from, write_wav
from tests.unit.test_align import TAKE_AUDIO


@pytest.fixture
def shoot(cli, media, tmp_path):
    """An imported batch of one 6 s take (25 fps) whose audio has a rhythm; returns the take."""
    media.clip("kling_a.mp4", duration=6, folder=tmp_path / "batch", **TAKE_AUDIO)
    return cli.json("import", str(tmp_path / "batch"), "--name", "Shoot")["added"][0]


@pytest.fixture
def cut(shoot, tmp_path):
    """A post track cut from the take's audio to lie 123.4 ms late, 9 dB quieter, with noise."""
    (tmp_path / "tracks").mkdir()
    samples = cut_from(decode(shoot["path"], 2), 0.1234, 4.0, gain_db=-9, noise_dbfs=-45)
    return write_wav(tmp_path / "tracks" / "mix.wav", samples)


@pytest.fixture
def unrelated(media, tmp_path):
    return media.clip("other.wav", video="", duration=4, folder=tmp_path / "tracks",
                      audio="anoisesrc=color=pink:seed=99:amplitude=0.4:sample_rate=48000",
                      audio_filter="tremolo=f=4:d=0.9")


def _stored(cli, take_id: int) -> dict:
    take = next(t for t in cli.json("list") if t["id"] == take_id)
    return {key: take[key] for key in ("audio_verdict", "post_track", "swap_spec")}


def test_align_prints_the_offset_in_ms_and_frames_and_changes_nothing(cli, shoot, cut):
    before = _stored(cli, shoot["id"])
    proc = cli("align", str(shoot["id"]), "--track", str(cut), "--library", str(cli.library))
    assert proc.returncode == 0, proc.stderr
    assert "lines up with the take's audio when delayed by 123.4 ms" in proc.stdout
    assert re.search(r"Offset \+123\.4 ms, \+3\.08 frames at 25 fps; confidence 0\.\d\d \(reliable from 0\.3\)",
                     proc.stdout), proc.stdout
    assert proc.stderr == ""
    doc = cli.json("align", shoot["path"], "--track", str(cut))
    assert doc["offset_s"] == pytest.approx(0.1234, abs=0.001) and doc["reliable"] and not doc["applied"]
    assert doc["offset_frames"] == pytest.approx(doc["offset_s"] * 25, abs=0.001) and doc["fps"] == 25
    assert doc["confidence"] >= doc["threshold"]
    assert _stored(cli, shoot["id"]) == before


def test_align_apply_saves_exactly_the_found_offset_and_keeps_the_rest_of_the_spec(cli, shoot, cut, unrelated):
    cli.json("review", str(shoot["id"]), "--track", str(unrelated), "--fit", "loop", "--bed", "-18")
    cli.json("review", str(shoot["id"]), "--audio", "keep")
    doc = cli.json("align", str(shoot["id"]), "--track", str(cut), "--apply")
    assert doc["applied"] and doc["offset_s"] == pytest.approx(0.1234, abs=0.001)
    stored = _stored(cli, shoot["id"])
    assert stored["swap_spec"]["offset"] == doc["offset_s"]
    assert stored["swap_spec"]["fit"] == "loop" and stored["swap_spec"]["bed"] == -18
    assert stored["post_track"] == str(cut.resolve()) and stored["audio_verdict"] == "replace"
    # Again without --track: the stored track is aligned, and the same offset found.
    again = cli("align", str(shoot["id"]), "--apply", "--library", str(cli.library))
    assert again.returncode == 0 and "Saved in take" in again.stdout and "fit loop" in again.stdout
    assert _stored(cli, shoot["id"]) == stored


def test_align_refuses_to_apply_a_low_confidence_match_and_changes_nothing(cli, shoot, cut, unrelated):
    cli.json("align", str(shoot["id"]), "--track", str(cut), "--apply")
    before = _stored(cli, shoot["id"])
    proc = cli("align", str(shoot["id"]), "--track", str(unrelated), "--apply", "--library", str(cli.library))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "No reliable match" in proc.stderr and "The swap spec was not changed." in proc.stderr
    assert proc.stderr.strip().count("\n") == 0
    assert _stored(cli, shoot["id"]) == before
    doc = cli("align", str(shoot["id"]), "--track", str(unrelated), "--json", "--library", str(cli.library))
    assert doc.returncode == 1 and '"offset_s": null' in doc.stdout and '"reliable": false' in doc.stdout


def test_align_refuses_silence_and_a_take_without_a_track(cli, shoot, media):
    silent = media.clip("silent.wav", video="", duration=3, audio="anullsrc=r=48000:cl=stereo")
    proc = cli("align", str(shoot["id"]), "--track", str(silent), "--apply", "--library", str(cli.library))
    assert proc.returncode == 1 and "The post track is silent" in proc.stderr
    assert _stored(cli, shoot["id"])["swap_spec"] is None
    proc = cli("align", str(shoot["id"]), "--library", str(cli.library))
    assert proc.returncode == 1 and "has no post track stored: name one with --track FILE" in proc.stderr
    proc = cli("align", "99", "--track", str(silent), "--library", str(cli.library))
    assert proc.returncode == 1 and "No take '99'" in proc.stderr


def test_align_a_loose_file_reports_without_a_library_and_refuses_to_apply(cli, media, tmp_path):
    take = media.clip("loose.mp4", duration=6, **TAKE_AUDIO)
    track = write_wav(tmp_path / "loose-mix.wav", cut_from(decode(take, 2), -0.5, 4.0, gain_db=3))
    doc = cli.json("align", str(take), "--track", str(track))
    assert doc["take_id"] is None and doc["offset_s"] == pytest.approx(-0.5, abs=0.001)
    assert "when played from 500.0 ms into it" in doc["message"]
    assert not cli.library.exists()
    proc = cli("align", str(take), "--track", str(track), "--apply", "--library", str(cli.library))
    assert proc.returncode == 1 and "is not a take in the library" in proc.stderr
