"""soundon analyze and soundon preview, through the installed command."""
from __future__ import annotations

import wave

DESIGN_KEYS = {"file", "integrated_lufs", "true_peak_dbtp", "lra", "short_term_max_lufs", "mono_loss_lu",
               "correlation_p5", "low_freq_share", "phone_loss_lu", "flags"}


def test_analyze_files_json_and_a_bad_file(cli, media, tmp_path):
    good = media.clip("kling a.mp4", duration=1)
    bass = media.clip("-bass.mp4", duration=1, audio="sine=frequency=60:sample_rate=48000")
    bogus = tmp_path / "bogus.mp4"
    bogus.write_text("nope")
    proc = cli("analyze", str(good), str(bass), str(bogus), "--json", "--library", str(cli.library))
    assert proc.returncode == 1                       # something failed, the rest was reported
    import json
    reports = json.loads(proc.stdout)
    assert [r["file"] for r in reports] == [str(good), str(bass), str(bogus)]
    assert DESIGN_KEYS <= set(reports[0]) and DESIGN_KEYS <= set(reports[1])
    assert "bass_dependent" in reports[1]["flags"]
    assert "error" in reports[2]
    assert "bogus.mp4 could not be analysed" in proc.stderr
    assert not cli.library.exists()                   # loose files don't create a library


def test_analyze_batch_stores_verdicts(cli, media):
    media.clip("kling_a.mp4", duration=1)
    media.clip("veo_b.mp4", duration=1, audio="")
    cli.json("import", str(media.folder), "--name", "Shoot")
    reports = cli.json("analyze", "--batch", "Shoot", "--target", "ebu-r128")
    assert len(reports) == 2 and all(r["target"] == "ebu-r128" for r in reports)
    listed = {t["path"].rsplit("/", 1)[-1]: t for t in cli.json("list", "--batch", "Shoot")}
    assert listed["veo_b.mp4"]["analysis_flags"] == ["no_audio"]
    assert listed["kling_a.mp4"]["integrated_lufs"] is not None
    human = cli("analyze", "--batch", "Shoot", "--library", str(cli.library))
    assert human.returncode == 0 and "kling_a.mp4" in human.stdout and "no audio stream" in human.stdout


def test_analyze_usage_errors(cli, media):
    assert cli("analyze", "--library", str(cli.library)).returncode == 1
    proc = cli("analyze", "--batch", "Nope", "--library", str(cli.library))
    assert proc.returncode == 1 and "no batch named 'Nope'" in proc.stderr
    assert cli("analyze", "x.mp4", "--target", "cinema").returncode == 2


def test_preview_renders_and_never_overwrites(cli, media, tmp_path):
    take = media.clip("take.mp4", duration=1)
    out = tmp_path / "phone.wav"
    first = cli.json("preview", str(take), "--profile", "phone", "--noise", "cafe", "--volume", "-12",
                     "--match-loudness", "--out", str(out))
    assert first["out"] == str(out) and first["label"] == "Phone · Café 62 dBA · −12 dB · matched"
    assert isinstance(first["match_gain_db"], float)
    with wave.open(str(out)) as w:
        assert (w.getnchannels(), w.getframerate()) == (2, 48000)
        assert abs(w.getnframes() / 48000 - 1.0) < 0.05
    second = cli.json("preview", str(take), "--profile", "headphones", "--out", str(out))
    assert second["out"] == str(tmp_path / "phone (2).wav")
    assert out.stat().st_size > 0


def test_preview_refuses_plainly(cli, media, tmp_path):
    take = media.clip("take.mp4", duration=1)
    mute = media.clip("mute.mp4", duration=1, audio="")
    loud = cli("preview", str(take), "--profile", "phone", "--volume", "6", "--out", str(tmp_path / "x.wav"))
    assert loud.returncode == 1 and "Phone volume" in loud.stderr
    silent = cli("preview", str(mute), "--profile", "phone", "--out", str(tmp_path / "y.wav"))
    assert silent.returncode == 1 and "no audio stream" in silent.stderr
    assert cli("preview", str(take), "--profile", "tablet", "--out", str(tmp_path / "z.wav")).returncode == 2
    nowhere = cli("preview", str(take), "--profile", "phone", "--out", str(tmp_path / "no" / "such" / "z.wav"))
    assert nowhere.returncode == 1 and "does not exist" in nowhere.stderr
    ignored = cli("preview", str(take), "--profile", "laptop", "--noise", "train", "--out", str(tmp_path / "l.wav"))
    assert ignored.returncode == 0 and "takes no environment noise" in ignored.stderr


def test_analyze_json_gives_the_sync_estimate(cli, tmp_path):
    from tests.sync_takes import flash_and_click_take, steady_noise_take
    late = flash_and_click_take(tmp_path / "late.mp4", 120)
    noise = steady_noise_take(tmp_path / "noise.mp4")
    reports = cli.json("analyze", str(late), str(noise))
    assert abs(reports[0]["av_offset_ms"] - 120) <= 40 and reports[0]["av_confidence"] > 0.5
    assert reports[1]["av_offset_ms"] is None and reports[1]["av_confidence"] < 0.3
    human = cli("analyze", str(late), str(noise), "--library", str(cli.library))
    assert human.returncode == 0
    late_line, noise_line = human.stdout.splitlines()
    assert "sync: sound 120 ms late" in late_line and "noticeable" in late_line
    assert "sync: no sharp events: can't tell" in noise_line


def test_analyze_json_gives_speech_share_and_intelligibility(cli, tmp_path):
    import numpy as np

    from tests.signals import write_wav
    from tests.speech_like import speech_like
    signal, _truth = speech_like(6.0)
    voice = write_wav(tmp_path / "voice.wav", np.repeat((signal / np.abs(signal).max() * 0.03)[:, None], 2, axis=1))
    [report] = cli.json("analyze", str(voice))
    assert 0.4 < report["speech_share"] < 0.95
    assert set(report["intelligibility"]) == {"quiet-room", "office", "cafe", "street", "train"}
    assert report["intelligibility"]["cafe"]["rating"] == "lost" and "dialogue_lost_in_noise" in report["flags"]
    [calm] = cli.json("analyze", str(voice), "--noise", "quiet-room")
    assert "dialogue_lost_in_noise" not in calm["flags"]
    human = cli("analyze", str(voice), "--library", str(cli.library))
    assert "dialogue: quiet-room clear" in human.stdout and "cafe lost (chosen)" in human.stdout
    bad = cli("analyze", str(voice), "--volume", "6", "--library", str(cli.library))
    assert bad.returncode == 2 and "between -60 and 0 dB" in bad.stderr


def test_analyze_plot_writes_the_two_pictures(cli, media, tmp_path):
    from PySide6.QtGui import QImage
    take = media.clip("kling a.mp4", duration=4, audio="anoisesrc=color=pink:amplitude=0.2:sample_rate=48000")
    pictures = tmp_path / "pictures"
    proc = cli("analyze", str(take), "--plot", str(pictures), "--json", "--library", str(cli.library))
    assert proc.returncode == 0, proc.stderr
    import json
    [report] = json.loads(proc.stdout)
    assert len(report["short_term_lufs"]) > 5 and len(report["spectrum"]["native_db"]) == 29
    written = sorted(p.name for p in pictures.iterdir())
    assert written == ["kling a.mp4.loudness.png", "kling a.mp4.spectrum.png"]
    for name in written:
        image = QImage(str(pictures / name))
        assert (image.width(), image.height()) == (900, 320)
        # Something was drawn beyond the background and the grid: the curves' colours.
        colours = {image.pixelColor(x, y).name() for x in range(0, 900, 3) for y in range(0, 320, 3)}
        assert len(colours) > 20
    assert f"Wrote {pictures / written[0]}" in proc.stderr
    blocked = tmp_path / "afile"
    blocked.write_text("x")
    refused = cli("analyze", str(take), "--plot", str(blocked), "--library", str(cli.library))
    assert refused.returncode == 1 and "is a file" in refused.stderr and "Traceback" not in refused.stderr
