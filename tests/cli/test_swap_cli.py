"""`soundon swap`, `soundon review --track` and `soundon export` from the command line."""
import csv
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from soundon.media import destination
from tests.cli.conftest import SOUNDON
from tests.swap_helpers import decode_audio, ffprobe_streams, integrated_lufs, small_filesystem, video_packets


@pytest.fixture
def take(media):
    return media.clip("kling take.mp4", duration=1)


@pytest.fixture
def track(media, tmp_path):
    return media.clip("post.wav", video="", duration=2, audio="anoisesrc=color=pink:amplitude=0.1",
                      folder=tmp_path / "tracks")


def test_swap_json_says_what_was_written_and_how_it_verified(cli, take, track, tmp_path):
    out = tmp_path / "out" / "final.mp4"
    out.parent.mkdir()
    doc = cli.json("swap", str(take), "--audio", str(track), "--out", str(out), "--offset", "0.1",
                   "--target", "social")
    assert doc["output"] == str(out) and not doc["renamed"]
    assert doc["reencoded"] == ["audio"] and doc["video"]["action"].startswith("copied")
    assert doc["verification"]["ok"] and doc["verification"]["video_identical"]
    assert doc["verification"]["offset"]["measured_s"] == pytest.approx(0.1, abs=0.001)
    assert doc["level"]["goal_lufs"] == -14 and doc["spec"]["offset"] == 0.1
    assert video_packets(take) == video_packets(out)
    assert integrated_lufs(out) == pytest.approx(-14, abs=0.5)


def test_swap_text_tells_what_was_re_encoded_and_about_a_renamed_file(cli, take, track, tmp_path):
    out = tmp_path / "final.mov"
    out.write_bytes(b"keep me")
    proc = cli("swap", str(take), "--audio", str(track), "--out", str(out), "--gain", "-3")
    assert proc.returncode == 0, proc.stderr
    assert "copied (not re-encoded)" in proc.stdout and "24-bit PCM" in proc.stdout and "(re-encoded)" in proc.stdout
    assert "final (2).mov" in proc.stdout and "already exists" in proc.stdout
    assert out.read_bytes() == b"keep me"


@pytest.mark.parametrize("case", ["not media", "no video", "track without audio", "bad spec", "pcm in mp4"])
def test_swap_errors_are_plain_sentences(cli, take, track, tmp_path, media, case):
    out = tmp_path / "out.mp4"
    video, audio, extra = str(take), str(track), []
    if case == "not media":
        fake = tmp_path / "notes.mp4"
        fake.write_text("these are my notes, not a video" * 10)
        video = str(fake)
    elif case == "no video":
        video = str(track)
    elif case == "track without audio":
        audio = str(media.clip("mute.mp4", duration=1, audio=""))
    elif case == "bad spec":
        extra = ["--offset", "1.5"]            # a fine value, but past this take's end
    else:
        extra = ["--audio-codec", "pcm"]
    proc = cli("swap", video, "--audio", audio, "--out", str(out), *extra)
    expected = {"not media": "not a video or audio file", "no video": "no video stream",
                "track without audio": "no audio stream", "bad spec": "after the take ends",
                "pcm in mp4": "PCM audio can't go in an MP4"}[case]
    assert proc.returncode == 1 and expected in proc.stderr, proc.stderr
    assert proc.stderr.strip().count("\n") <= 1
    assert not out.exists() and not list(tmp_path.glob(f".*{destination.PART_SUFFIX}"))


def test_swap_unwritable_destination_and_full_disk(cli, take, track):
    with small_filesystem("1m", read_only=True) as folder:
        proc = cli("swap", str(take), "--audio", str(track), "--out", str(folder / "out.mp4"))
        assert proc.returncode == 1 and "can't write in" in proc.stderr and "read-only" in proc.stderr
    with small_filesystem("128k") as folder:
        proc = cli("swap", str(take), "--audio", str(track), "--out", str(folder / "out.mp4"))
        assert proc.returncode == 1 and "MB free" in proc.stderr, proc.stderr
        assert list(folder.iterdir()) == []


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def test_killed_run_leaves_nothing_under_the_final_name(media, tmp_path, cli):
    take = media.clip("long.mp4", duration=30, size="64x64", fps="5")
    track = media.clip("long.wav", video="", duration=30, audio="anoisesrc=color=pink:amplitude=0.1")
    folder = tmp_path / "deliver"
    folder.mkdir()
    out = folder / "final.mp4"
    args = [SOUNDON, "swap", str(take), "--audio", str(track), "--out", str(out), "--target", "social", "--json"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    part = None
    while time.monotonic() < deadline and proc.poll() is None:
        parts = list(folder.glob(f".*{destination.PART_SUFFIX}"))
        if parts and parts[0].stat().st_size > 0:      # ffmpeg is writing the file
            part = parts[0]
            break
        time.sleep(0.002)
    assert part is not None, "the run ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert not out.exists()
    # ffmpeg goes down with its parent (PR_SET_PDEATHSIG) instead of finishing an orphan file.
    deadline = time.monotonic() + 10
    while _processes_mentioning(part.name) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _processes_mentioning(part.name)
    assert not out.exists()
    # The next run cleans up after the killed one.
    doc = cli.json("swap", str(take), "--audio", str(track), "--out", str(out), "--gain", "0")
    assert doc["output"] == str(out) and doc["cleaned_leftovers"] == [str(part)]
    assert not list(folder.glob(f".*{destination.PART_SUFFIX}"))


# -- review --track and export ----------------------------------------------------------------------

@pytest.fixture
def takes_by_model(cli, media, tmp_path):
    """A batch of four takes: kling (replace), veo (keep), seedance ProRes (keep), bach (replace,
    but no track), plus a rejected one."""
    folder = tmp_path / "batch"
    media.clip("kling_a.mp4", duration=1, folder=folder)
    media.clip("veo_b.mp4", duration=1, folder=folder, audio="sine=frequency=330", audio_filter="volume=-10dB")
    media.clip("seedance_c.mov", duration=1, video_codec="prores", folder=folder)
    media.clip("bach_d.mp4", duration=1, folder=folder, audio="sine=frequency=550")
    media.clip("happyhorse_e.mp4", duration=1, folder=folder, audio="sine=frequency=660")
    added = cli.json("import", str(folder), "--name", "Shoot")
    return {Path(t["path"]).stem.split("_")[0]: t for t in added["added"]}


def test_review_track_stores_the_spec_the_app_will_edit(cli, takes_by_model, track):
    kling = takes_by_model["kling"]
    doc = cli.json("review", str(kling["id"]), "--track", str(track), "--offset", "-0.2", "--fit", "trim",
                   "--target", "podcast", "--bed", "-20")
    assert doc["audio_verdict"] == "replace" and doc["post_track"] == str(track.resolve())
    assert doc["swap_spec"] == {"offset": -0.2, "fit": "trim", "fade_in": None, "fade_out": None,
                                "level": {"target": "podcast"}, "bed": -20.0}
    # options without --track change only what they name
    doc = cli.json("review", str(kling["id"]), "--fade-out", "0.3")
    assert doc["swap_spec"]["fade_out"] == 0.3 and doc["swap_spec"]["offset"] == -0.2
    # switching to keep keeps the stored track
    doc = cli.json("review", str(kling["id"]), "--audio", "keep")
    assert doc["audio_verdict"] == "keep" and doc["post_track"] == str(track.resolve())
    bad = cli("review", str(kling["id"]), "--track", str(track), "--audio", "keep", "--library", str(cli.library))
    assert bad.returncode == 2 and "--audio replace" in bad.stderr
    too_far = cli("review", str(kling["id"]), "--offset", "5", "--library", str(cli.library))
    assert too_far.returncode == 1 and "after the take ends" in too_far.stderr


def test_export_writes_every_pick_with_a_manifest_and_goes_on_past_a_failure(cli, takes_by_model, track, tmp_path):
    lib = ["--library", str(cli.library)]
    cli.json("review", str(takes_by_model["kling"]["id"]), "--pick", "--track", str(track), "--offset", "0.1")
    cli.json("review", str(takes_by_model["veo"]["id"]), "--pick", "--audio", "keep")
    cli.json("review", str(takes_by_model["seedance"]["id"]), "--pick", "--audio", "keep")
    cli.json("review", str(takes_by_model["bach"]["id"]), "--pick", "--audio", "replace")   # no track: fails
    cli.json("review", str(takes_by_model["happyhorse"]["id"]), "--reject")
    dest = tmp_path / "deliver"
    proc = cli("export", "--batch", "Shoot", "--to", str(dest), "--picked", "--json", *lib)
    assert proc.returncode == 1 and "could not be exported" in proc.stderr
    doc = json.loads(proc.stdout)
    files = {Path(f["source"]).stem.split("_")[0]: f for f in doc["files"]}
    assert set(files) == {"kling", "veo", "seedance", "bach"}
    assert doc["written"] == 3 and doc["failed"] == 1
    assert "no post track" in files["bach"]["error"] and "soundon review" in files["bach"]["error"]

    kling = files["kling"]
    assert kling["audio"] == "post track" and kling["result"]["verification"]["ok"]
    # no level stored: the batch's delivery target (social) applies
    assert kling["result"]["level"]["level"] == {"target": "social"}
    assert integrated_lufs(Path(kling["output"])) == pytest.approx(-14, abs=0.5)
    assert kling["result"]["verification"]["offset"]["measured_s"] == pytest.approx(0.1, abs=0.001)

    veo = files["veo"]
    assert veo["audio"] == "native" and veo["result"]["reencoded"] == []
    assert veo["result"]["verification"]["audio_packets_identical"] is True
    assert any("left as it is" in n and "LUFS" in n for n in veo["notes"])
    assert decode_audio(Path(veo["output"])).shape == decode_audio(Path(veo["source"])).shape

    seedance = files["seedance"]                        # ProRes can't go in MP4
    assert seedance["output"].endswith(".mov") and any("written as .mov" in n for n in seedance["notes"])
    assert video_packets(Path(seedance["source"])) == video_packets(Path(seedance["output"]))

    manifest = json.loads(Path(doc["manifest"]["json"]).read_text())
    assert manifest["written"] == 3 and len(manifest["files"]) == 4
    rows = list(csv.DictReader(Path(doc["manifest"]["csv"]).open()))
    assert {r["status"] for r in rows} == {"written", "failed"} and len(rows) == 4
    kling_row = next(r for r in rows if "kling" in r["source"])
    assert kling_row["video_identical"] == "True" and kling_row["reencoded"] == "audio"
    assert sorted(p.name for p in dest.glob("*.m*")) == ["kling_a.mp4", "seedance_c.mov", "veo_b.mp4"]


def test_export_again_never_overwrites_and_can_normalize_keep_takes(cli, takes_by_model, tmp_path):
    cli.json("review", str(takes_by_model["veo"]["id"]), "--pick", "--audio", "keep")
    dest = tmp_path / "deliver"
    first = cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked")
    second = cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked", "--normalize-keep",
                      "--format", "mov")
    assert first["files"][0]["output"].endswith("veo_b.mp4")
    out = Path(second["files"][0]["output"])
    assert out.name == "veo_b.mov" and second["files"][0]["result"]["reencoded"] == ["audio"]
    assert integrated_lufs(out) == pytest.approx(-14, abs=0.5)
    # The first export again: the same file is already there, so it is skipped, never overwritten.
    third = cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked")
    assert third["files"][0]["status"] == "skipped" and third["files"][0]["output"].endswith("veo_b.mp4")
    assert next(s for s in ffprobe_streams(out) if s["codec_type"] == "audio")["codec_name"] == "pcm_s24le"


def test_export_text_output_and_nothing_to_export(cli, takes_by_model, tmp_path):
    lib = ["--library", str(cli.library)]
    nothing = cli("export", "--batch", "Shoot", "--to", str(tmp_path / "d"), "--picked", *lib)
    assert nothing.returncode == 0 and "Nothing to export" in nothing.stdout
    cli.json("review", str(takes_by_model["kling"]["id"]), "--pick")
    proc = cli("export", "--batch", "Shoot", "--to", str(tmp_path / "d"), "--picked", *lib)
    assert proc.returncode == 0 and "✓ kling_a.mp4" in proc.stdout and "1 of 1 take(s) written" in proc.stdout
    assert "undecided" in proc.stdout
    missing = cli("export", "--batch", "Nope", "--to", str(tmp_path / "d"), *lib)
    assert missing.returncode == 1 and "no batch named" in missing.stderr


def test_export_refuses_a_take_replaced_on_disk_and_writes_the_others(cli, takes_by_model, media, tmp_path):
    lib = ["--library", str(cli.library)]
    cli.json("review", str(takes_by_model["kling"]["id"]), "--pick")
    cli.json("review", str(takes_by_model["bach"]["id"]), "--pick")
    other = media.clip("other.mp4", duration=1, audio="sine=frequency=1200", folder=tmp_path / "elsewhere")
    Path(takes_by_model["bach"]["path"]).write_bytes(other.read_bytes())
    proc = cli("export", "--batch", "Shoot", "--to", str(tmp_path / "d"), "--picked", *lib)
    assert proc.returncode == 1
    assert "✗ bach_d.mp4" in proc.stderr and "changed on disk" in proc.stderr and "Import it again" in proc.stderr
    assert "✓ kling_a.mp4" in proc.stdout and "1 of 2 take(s) written" in proc.stdout
    assert sorted(p.name for p in (tmp_path / "d").glob("*.mp4")) == ["kling_a.mp4"]


BAD_VALUES = [
    (["--lufs", "50"], "--lufs"), (["--lufs", "nan"], "--lufs"), (["--offset", "nan"], "--offset"),
    (["--offset", "inf"], "--offset"), (["--offset", "1e9"], "--offset"), (["--fade-in", "-1"], "--fade-in"),
    (["--fade-out", "inf"], "--fade-out"), (["--fade-out", "40"], "--fade-out"), (["--gain", "nan"], "--gain"),
    (["--gain", "-inf"], "--gain"), (["--lufs", "-14", "--true-peak", "3"], "--true-peak"),
    (["--true-peak", "-2"], "--true-peak"), (["--bed", "10"], "--bed"), (["--offset", "ten"], "--offset"),
]


@pytest.mark.parametrize("args, option", BAD_VALUES, ids=[" ".join(a) for a, _ in BAD_VALUES])
def test_a_bad_swap_option_value_is_bad_usage(cli, take, track, tmp_path, args, option):
    out = tmp_path / "out.mp4"
    proc = cli("swap", str(take), "--audio", str(track), "--out", str(out), *args)
    assert proc.returncode == 2, proc.stderr
    assert option in proc.stderr.strip().splitlines()[-1], proc.stderr
    assert not out.exists() and not list(tmp_path.glob(f".*{destination.PART_SUFFIX}"))


@pytest.mark.parametrize("args, option", BAD_VALUES[:6] + [
    (["--note", "x", "--note-in", "nan"], "--note-in"), (["--note", "x", "--note-in", "-1"], "--note-in"),
    (["--note", "x", "--note-in", "0.8", "--note-out", "0.2"], "out point"),
    (["--note", "x", "--note-out", "inf"], "--note-out"), (["--rating", "9"], "--rating")])
def test_a_bad_review_value_is_bad_usage_and_changes_nothing(cli, takes_by_model, track, args, option):
    lib = ["--library", str(cli.library)]
    kling = takes_by_model["kling"]
    proc = cli("review", str(kling["id"]), "--track", str(track), *args, *lib)
    assert proc.returncode == 2, proc.stderr
    assert option in proc.stderr.strip().splitlines()[-1], proc.stderr
    doc = cli.json("list", "--batch", "Shoot")
    assert next(t for t in doc if t["id"] == kling["id"])["audio_verdict"] == "undecided"


def test_bad_export_and_swap_destinations_are_bad_usage(cli, takes_by_model, take, track, tmp_path):
    lib = ["--library", str(cli.library)]
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    proc = cli("export", "--batch", "Shoot", "--to", str(a_file), *lib)
    assert proc.returncode == 2 and "--to" in proc.stderr and "not a folder" in proc.stderr, proc.stderr
    assert a_file.read_text() == "mine"
    proc = cli("swap", str(take), "--audio", str(track), "--out", str(tmp_path))
    assert proc.returncode == 2 and "--out" in proc.stderr and "is a folder" in proc.stderr, proc.stderr
