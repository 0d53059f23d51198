"""`soundon export` run again into the same folder, its pre-flight, and what its manifest records."""
import hashlib
import json
from pathlib import Path

import pytest


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def shoot(cli, media, tmp_path):
    """A batch of two takes with their model and prompt: kling (replace, with a post track) and veo
    (keep), both picks."""
    folder = tmp_path / "batch"
    media.clip("kling_a.mp4", duration=1, folder=folder)
    media.clip("veo_b.mp4", duration=1, folder=folder, audio="sine=frequency=330")
    (folder / "takes.json").write_text(json.dumps([
        {"file": "kling_a.mp4", "model": "Kling 2.1", "prompt": "a door slams in the rain"},
        {"file": "veo_b.mp4", "model": "Veo 3", "prompt": "a kettle whistles"}]))
    added = cli.json("import", str(folder), "--name", "Shoot")
    ids = {Path(t["path"]).stem.split("_")[0]: t["id"] for t in added["added"]}
    track = media.clip("post.wav", video="", duration=2, audio="anoisesrc=color=pink:amplitude=0.1",
                       folder=tmp_path / "tracks")
    cli.json("review", str(ids["kling"]), "--pick", "--rating", "4", "--track", str(track), "--offset", "0.1")
    cli.json("review", str(ids["veo"]), "--pick", "--audio", "keep")
    return ids


def test_an_identical_export_is_skipped_and_reported(cli, shoot, tmp_path):
    dest = tmp_path / "deliver"
    first = cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked")
    outputs = {f["take_id"]: Path(f["output"]) for f in first["files"]}
    before = {take: digest(path) for take, path in outputs.items()}
    proc = cli("export", "--batch", "Shoot", "--to", str(dest), "--picked", "--library", str(cli.library))
    assert proc.returncode == 0, proc.stderr
    assert "kling_a.mp4: already exported with the same content" in proc.stdout
    assert "0 of 2 take(s) written, 2 skipped" in proc.stdout
    assert sorted(p.name for p in dest.glob("*.mp4")) == ["kling_a.mp4", "veo_b.mp4"]
    assert {take: digest(path) for take, path in outputs.items()} == before
    again = cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked")
    assert [f["status"] for f in again["files"]] == ["skipped", "skipped"]
    assert {f["take_id"]: Path(f["output"]) for f in again["files"]} == outputs


def test_a_changed_export_gets_a_new_versioned_name_and_never_overwrites(cli, shoot, tmp_path):
    dest = tmp_path / "deliver"
    cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked")
    first = digest(dest / "kling_a.mp4")
    cli.json("review", str(shoot["kling"]), "--offset", "0.2")            # a new decision on kling
    doc = cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked")
    files = {f["take_id"]: f for f in doc["files"]}
    assert files[shoot["kling"]]["status"] == "written"
    assert Path(files[shoot["kling"]]["output"]).name == "kling_a_v2.mp4"
    assert any("kling_a.mp4 is already there with other content" in n for n in files[shoot["kling"]]["notes"])
    assert files[shoot["veo"]]["status"] == "skipped"
    assert digest(dest / "kling_a.mp4") == first
    # A file changed by hand in the folder is not the export any more: the next one is a version too.
    (dest / "veo_b.mp4").write_bytes(b"trimmed by hand")
    doc = cli.json("export", "--batch", "Shoot", "--to", str(dest), "--picked")
    files = {f["take_id"]: f for f in doc["files"]}
    assert Path(files[shoot["veo"]]["output"]).name == "veo_b_v2.mp4"
    assert files[shoot["kling"]]["status"] == "skipped"
    assert Path(files[shoot["kling"]]["output"]).name == "kling_a_v2.mp4"
    assert (dest / "veo_b.mp4").read_bytes() == b"trimmed by hand"


def test_the_manifest_carries_the_review(cli, shoot, tmp_path):
    cli.json("review", str(shoot["kling"]), "--note", "door late by a frame", "--note-in", "0.48",
             "--note-out", "0.6")
    cli.json("review", str(shoot["veo"]), "--note", "kettle fine")
    cli.json("analyze", "--batch", "Shoot")
    doc = cli.json("export", "--batch", "Shoot", "--to", str(tmp_path / "deliver"), "--picked")
    manifest = json.loads(Path(doc["manifest"]["json"]).read_text())
    files = {f["take_id"]: f for f in manifest["files"]}
    kling = files[shoot["kling"]]["review"]
    assert kling["flag"] == "pick" and kling["rating"] == 4
    assert kling["model"] == "Kling 2.1" and kling["prompt"] == "a door slams in the rain"
    assert kling["audio_verdict"] == "replace"
    assert kling["translation"]["verdict"] in ("ok", "level", "problem")
    assert kling["translation"]["measured_on"] == "post mix"
    assert isinstance(kling["loudness"]["integrated_lufs"], float)
    assert kling["swap_spec"]["offset"] == 0.1 and kling["swap_spec"]["level"] == {"target": "social"}
    [note] = kling["notes"]
    assert note["text"] == "door late by a frame"
    assert note["in"] == "00:00:00:12" and note["out"] == "00:00:00:15"
    veo = files[shoot["veo"]]["review"]
    assert veo["audio_verdict"] == "keep" and veo["swap_spec"] is None
    assert veo["translation"]["measured_on"] == "native audio"
    assert veo["notes"][0]["text"] == "kettle fine" and veo["notes"][0]["in"] is None


def test_the_pre_flight_is_said_before_anything_is_written(cli, shoot, media, tmp_path):
    lib = ["--library", str(cli.library)]
    other = media.clip("other.mp4", duration=1, audio="sine=frequency=1200", folder=tmp_path / "elsewhere")
    veo = json.loads(cli("list", "--batch", "Shoot", "--json", *lib).stdout)
    veo_path = next(Path(t["path"]) for t in veo if t["id"] == shoot["veo"])
    veo_path.write_bytes(other.read_bytes())
    proc = cli("export", "--batch", "Shoot", "--to", str(tmp_path / "deliver"), "--picked", *lib)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[0] == "Pre-flight: 1 take(s) refused, 0 warning(s):"
    assert lines[1].startswith("  ✗ veo_b.mp4: refused:") and "changed on disk" in lines[1]
    assert "1 of 2 take(s) written" in proc.stdout
