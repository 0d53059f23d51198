import json
import re
from pathlib import Path

from soundon import __version__
from soundon.core.logs import log_file_path

TAKE_KEYS = {"id", "path", "batch", "model", "prompt", "duration", "width", "height", "fps", "video_codec",
             "audio_codec", "has_audio", "audio_channels", "sample_rate", "flag", "rating", "audio_verdict"}


def test_version(cli):
    proc = cli("--version")
    assert proc.returncode == 0 and __version__ in proc.stdout


def test_import_list_review_round_trip(cli, media):
    media.clip("kling_a.mp4", duration=1)
    media.clip("veo b.mov", duration=1, audio="sine=frequency=330")
    (media.folder / "zero.mp4").write_bytes(b"")
    added = cli.json("import", str(media.folder), "--name", "Shoot 1")
    assert set(added) >= {"added", "skipped", "refused"}
    assert len(added["added"]) == 2 and TAKE_KEYS <= set(added["added"][0])
    assert added["refused"] == [{"path": str(media.folder / "zero.mp4"), "reason": "the file is empty (zero bytes)"}]

    again = cli.json("import", str(media.folder), "--name", "Shoot 1")
    assert again["added"] == [] and len(again["skipped"]) == 2
    assert all(set(s) == {"path", "reason"} for s in again["skipped"])

    takes = cli.json("list", "--batch", "Shoot 1")
    assert len(takes) == 2 and all(TAKE_KEYS <= set(t) for t in takes)
    kling = next(t for t in takes if t["model"] == "Kling")
    assert (kling["flag"], kling["rating"], kling["audio_verdict"]) == ("none", 0, "undecided")
    assert kling["width"] == 320 and kling["has_audio"] is True and kling["sample_rate"] == 48000

    reviewed = cli.json("review", str(kling["id"]), "--pick", "--rating", "4", "--audio", "replace",
                        "--note", "gull too loud", "--note-in", "0.2", "--note-out", "0.8")
    assert (reviewed["flag"], reviewed["rating"], reviewed["audio_verdict"]) == ("pick", 4, "replace")
    assert reviewed["notes"][0]["text"] == "gull too loud" and reviewed["notes"][0]["end"] == 0.8
    by_path = cli.json("review", kling["path"], "--reject")
    assert by_path["id"] == kling["id"] and by_path["flag"] == "reject" and by_path["rating"] == 4
    listed = {t["id"]: t for t in cli.json("list")}
    assert listed[kling["id"]]["flag"] == "reject"


def test_library_from_environment(cli, media, tmp_path):
    media.clip("a.mp4", duration=1)
    env_lib = tmp_path / "env" / "lib.sqlite"
    proc = cli("import", str(media.folder), "--json", env={"SOUNDON_LIBRARY": str(env_lib)})
    assert proc.returncode == 0 and env_lib.is_file()
    listed = cli("list", "--json", env={"SOUNDON_LIBRARY": str(env_lib)})
    assert len(json.loads(listed.stdout)) == 1


def test_errors_are_plain_sentences(cli, tmp_path):
    lib = ["--library", str(cli.library)]
    missing = cli("import", str(tmp_path / "nowhere"), *lib)
    assert missing.returncode == 1 and "does not exist" in missing.stdout + missing.stderr
    unknown = cli("review", "12345", "--pick", *lib)
    assert unknown.returncode == 1 and unknown.stderr.count("\n") <= 2 and "No take" in unknown.stderr
    usage = cli("review", "1", "--rating", "9", *lib)
    assert usage.returncode == 2
    no_batch = cli("list", "--batch", "Nope", *lib)
    assert no_batch.returncode == 1 and "no batch named" in no_batch.stderr
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_text("not a database" * 200)
    broken = cli("list", "--library", str(bogus))
    assert broken.returncode == 1 and "not a Sound-On library" in broken.stderr


def test_missing_ffmpeg_says_how_to_install(cli, media, tmp_path):
    media.clip("a.mp4", duration=1)
    proc = cli("import", str(media.folder), "--library", str(cli.library),
               env={"SOUNDON_FFPROBE": str(tmp_path / "no-ffprobe")})
    assert proc.returncode == 1
    assert "SOUNDON_FFPROBE" in proc.stderr


def test_missing_ffmpeg_on_path(cli, media, tmp_path):
    import os
    import sys
    media.clip("a.mp4", duration=1)
    empty_path = str(tmp_path / "emptybin")
    (tmp_path / "emptybin").mkdir()
    proc = cli("import", str(media.folder), "--library", str(cli.library),
               env={"PATH": os.path.dirname(sys.executable) + os.pathsep + empty_path})
    assert proc.returncode == 1
    assert "ffprobe" in proc.stderr and "install" in proc.stderr.lower()


def test_relink(cli, media, tmp_path):
    media.clip("a.mp4", duration=1)
    cli.json("import", str(media.folder), "--name", "B")
    moved = tmp_path / "moved"
    media.folder.rename(moved)
    outcome = cli.json("relink", "B", str(moved))
    assert outcome["found"] == 1
    assert cli.json("list")[0]["path"] == str(moved / "a.mp4")


def test_decisions_travel_between_libraries(cli, media, tmp_path):
    from .conftest import Cli
    media.clip("a.mp4", duration=1)
    media.clip("b.mp4", duration=1, audio="sine=frequency=500")
    other = Cli(tmp_path / "reviewer-2" / "library.sqlite")
    for lib in (cli, other):
        lib.json("import", str(media.folder))
    a_id = {t["path"].rsplit("/", 1)[1]: t["id"] for t in other.json("list")}["a.mp4"]
    other.json("review", str(a_id), "--pick", "--rating", "5", "--note", "best wave", "--note-in", "0.1")
    exported = tmp_path / "reviewer-2.json"
    assert other.json("decisions", "export", str(exported))["exported"] == 2
    # Exporting over an existing file is refused.
    again = other("decisions", "export", str(exported), "--library", str(other.library))
    assert again.returncode == 1 and "already exists" in again.stderr

    merged = cli.json("decisions", "merge", str(exported))
    assert merged["notes_added"] == 1 and merged["unknown_takes"] == []
    mine = {t["path"].rsplit("/", 1)[1]: t for t in cli.json("list")}
    assert (mine["a.mp4"]["flag"], mine["a.mp4"]["rating"]) == ("pick", 5)
    # A second merge changes nothing (idempotent).
    assert cli.json("decisions", "merge", str(exported)) == {"updated": 0, "notes_added": 0, "unknown_takes": [],
                                                             "refused": []}
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    refused = cli("decisions", "merge", str(bad), "--library", str(cli.library))
    assert refused.returncode == 1 and "not a Sound-On decisions file" in refused.stderr


def test_self_test_passes_and_names_every_part(cli, tmp_path):
    proc = cli("--self-test", env={"SOUNDON_LIBRARY": str(tmp_path / "lib.sqlite"), "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stdout
    for part in ("Qt", "ffmpeg", "ffprobe", "libVLC", "load every module of the app", "read a take of every format",
                 "swap its audio and verify", "play it through libVLC", "libVLC plugins", "open the main window"):
        assert f"ok      {part}" in proc.stdout
    formats = next(line for line in proc.stdout.splitlines() if "read a take of every format" in line)
    assert "7 formats (h264-aac.mp4, prores-pcm.mov, vp9-opus.webm, vp8-vorbis.webm, mpeg4-mp3.mkv, " \
           "mjpeg-alac.mov, h264-flac.mkv): poster, waveform and loudness of each" in formats, formats
    plugins = next(line for line in proc.stdout.splitlines() if line.startswith("ok      libVLC plugins"))
    assert re.search(r": [1-9]\d* loaded from /\S+ \(not a frozen build\)$", plugins), plugins
    assert proc.stdout.rstrip().endswith("self-test passed")
    assert proc.stdout.count(" self-test — ") == 1 and proc.stdout.count("ok      open the main window") == 1
    assert f"log file: {log_file_path()}" in proc.stdout   # bug reports attach it


def test_self_test_reports_the_audio_device_and_its_latency(cli, tmp_path, sound_server):
    import re
    proc = cli("--self-test", env={"SOUNDON_LIBRARY": str(tmp_path / "lib.sqlite"), "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stdout
    line = next(line for line in proc.stdout.splitlines() if "audio output" in line)
    found = re.search(r"latency (\d+) ms reported(?: \([^)]*\))*, ([\d.]+) ms to the DAC compensated, (\d+) buffers, (\d+) underruns",
                      line)
    assert found, line
    latency, to_dac, buffers, underruns = found.groups()
    assert 0 < float(to_dac) < 500 and int(buffers) > 50, line   # the clip's second went through the device


def test_self_test_without_a_sound_server_says_so_and_passes(cli, tmp_path):
    proc = cli("--self-test", env={"SOUNDON_LIBRARY": str(tmp_path / "lib.sqlite"), "QT_QPA_PLATFORM": "offscreen",
                                   "PULSE_SERVER": f"unix:{tmp_path / 'no-server'}"})
    assert proc.returncode == 0, proc.stdout
    line = next(line for line in proc.stdout.splitlines() if "audio output" in line)
    assert "none: no audio output" in line and "the picture plays without sound" in line


def test_self_test_fails_when_a_part_is_missing(cli, tmp_path):
    proc = cli("--self-test", env={"SOUNDON_FFMPEG": str(tmp_path / "no-ffmpeg"), "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 1
    assert "FAILED  ffmpeg" in proc.stdout and "self-test FAILED" in proc.stdout


def test_a_library_with_an_impossible_version_is_reported_damaged(cli, tmp_path):
    import sqlite3
    library = tmp_path / "damaged.sqlite"
    assert cli("list", "--library", str(library)).returncode == 0
    conn = sqlite3.connect(library)
    conn.execute("PRAGMA user_version = -5")
    conn.close()
    proc = cli("list", "--library", str(library))
    assert proc.returncode == 1
    assert "library file is damaged" in proc.stderr and proc.stderr.count("\n") <= 2
    assert "IndexError" not in proc.stderr


def test_import_refusals_go_to_stderr_and_results_to_stdout(cli, media):
    media.clip("good.mp4", duration=1)
    (media.folder / "zero.mp4").write_bytes(b"")
    lib = ["--library", str(cli.library)]
    plain = cli("import", str(media.folder), *lib)
    assert plain.returncode == 0
    assert "good.mp4" in plain.stdout and "zero.mp4" not in plain.stdout
    assert "zero.mp4" in plain.stderr and "empty" in plain.stderr
    (media.folder / "zero2.mp4").write_bytes(b"")
    as_json = cli("import", str(media.folder), "--json", *lib)
    document = json.loads(as_json.stdout)   # stdout is the one JSON document, nothing else
    assert set(document) >= {"added", "skipped", "refused"}
    assert {"path": str(media.folder / "zero2.mp4"), "reason": "the file is empty (zero bytes)"} in document["refused"]
    assert all(set(r) == {"path", "reason"} for r in document["refused"] + document["skipped"])
    assert "zero2.mp4" in as_json.stderr


def test_import_says_what_it_heard_in_each_take(cli, media):
    media.clip("quiet.mp4", duration=2, audio="sine=frequency=1000:sample_rate=48000", audio_filter="volume=-30dB")
    media.clip("mute.mp4", duration=1, audio="")
    plain = cli("import", str(media.folder), "--library", str(cli.library))
    assert plain.returncode == 0
    lines = {line.split()[2]: line for line in plain.stdout.splitlines() if line.lstrip().startswith("+")}
    assert lines["quiet.mp4"].endswith("Level off target: too quiet for the target")
    assert lines["mute.mp4"].endswith("No audio")


def test_import_of_a_fifo_manifest_ends_at_once(cli, tmp_path):
    import os
    import subprocess
    from .conftest import SOUNDON
    fifo = tmp_path / "takes.json"
    os.mkfifo(fifo)
    try:
        proc = subprocess.run([SOUNDON, "import", str(fifo), "--json", "--library", str(cli.library)],
                              capture_output=True, text=True, timeout=30)
    finally:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))   # frees a reader that hung
        except OSError:
            pass
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["refused"][0]["path"] == str(fifo)
    assert "FIFO" in proc.stderr and "Traceback" not in proc.stderr


def test_import_goes_on_past_a_file_name_that_is_not_utf8(cli, media, tmp_path):
    import os
    media.clip("good.mp4", duration=0.5)
    source = media.clip("other.mp4", duration=0.5, audio="sine=frequency=600", folder=tmp_path)
    with open(os.path.join(os.fsencode(media.folder), b"take_\xff.mp4"), "wb") as fh:
        fh.write(source.read_bytes())
    lib = ["--library", str(cli.library)]
    plain = cli("import", str(media.folder), *lib)
    assert plain.returncode == 0, plain.stderr
    assert "good.mp4" in plain.stdout
    assert "take_\\xff.mp4" in plain.stderr and "UTF-8" in plain.stderr
    as_json = cli("import", str(media.folder), "--json", *lib)
    document = json.loads(as_json.stdout)
    assert as_json.returncode == 0 and len(document["skipped"]) == 1
    assert document["refused"][0]["path"] == str(media.folder / "take_\\xff.mp4")


def _decisions_setup(cli, media, tmp_path):
    """Two takes in the library, take a rated 2 just now; returns (ids by name, exported document)."""
    media.clip("a.mp4", duration=0.5)
    media.clip("b.mp4", duration=0.5, audio="sine=frequency=500")
    cli.json("import", str(media.folder))
    ids = {t["path"].rsplit("/", 1)[1]: t["id"] for t in cli.json("list")}
    cli.json("review", str(ids["a.mp4"]), "--rating", "2")
    exported = tmp_path / "mine.json"
    cli.json("decisions", "export", str(exported))
    return ids, json.loads(exported.read_text())


def _merge(cli, tmp_path, document, *extra):
    path = tmp_path / "theirs.json"
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return cli("decisions", "merge", str(path), "--library", str(cli.library), *extra)


def _entry(document, name):
    return next(e for e in document["takes"] if e["file"] == name)


def _ratings(cli):
    return {t["path"].rsplit("/", 1)[1]: (t["flag"], t["rating"]) for t in cli.json("list")}


def test_decisions_merge_refuses_times_that_are_not_times_or_in_the_future(cli, media, tmp_path):
    _ids, document = _decisions_setup(cli, media, tmp_path)
    for bad, why in (("yesterday", "not an ISO 8601 time"), ("2099-01-01", "in the future")):
        _entry(document, "a.mp4").update(rating=5, flag="pick", updated_at=bad)
        proc = _merge(cli, tmp_path, document)
        assert proc.returncode == 1
        assert "entry 1 (a.mp4)" in proc.stderr and why in proc.stderr and bad in proc.stderr
        assert "Nothing was merged" in proc.stderr
        assert _ratings(cli)["a.mp4"] == ("none", 2)   # the newer local rating is kept


def test_decisions_merge_is_all_or_nothing_and_reports_every_refused_entry(cli, media, tmp_path):
    _ids, document = _decisions_setup(cli, media, tmp_path)
    from datetime import datetime, timedelta, timezone
    soon = (datetime.now(timezone.utc) + timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
    _entry(document, "a.mp4").update(rating=5, flag="pick", updated_at=soon)   # valid, newer
    document["takes"].append({**_entry(document, "b.mp4"), "flag": "maybe", "updated_at": soon})
    document["takes"].append({**_entry(document, "b.mp4"), "notes": "text"})
    document["takes"].append({**_entry(document, "b.mp4"), "rating": 9})
    document["takes"].append({**_entry(document, "b.mp4"), "audio_verdict": "loud"})
    document["takes"].append("not an entry")
    proc = _merge(cli, tmp_path, document, "--json")
    assert proc.returncode == 1
    outcome = json.loads(proc.stdout)
    assert outcome["updated"] == 0 and outcome["notes_added"] == 0
    assert [r["entry"] for r in outcome["refused"]] == [3, 4, 5, 6, 7]
    for needle in ("maybe", "notes", "rating 9", "loud", "not an object"):
        assert needle in proc.stderr
    assert "AttributeError" not in proc.stderr
    assert _ratings(cli)["a.mp4"] == ("none", 2)   # the valid entry was not written either
    # A 'takes' that is not a list refuses the file.
    whole = _merge(cli, tmp_path, {**document, "takes": {"a": 1}})
    assert whole.returncode == 1 and "'takes'" in whole.stderr and "AttributeError" not in whole.stderr


def test_decisions_merge_orders_times_by_the_clock_not_by_their_spelling(cli, media, tmp_path):
    from datetime import datetime, timedelta, timezone
    _ids, document = _decisions_setup(cli, media, tmp_path)
    # Later as text, earlier in fact: an hour ago written in UTC+02:00 reads "later" than now in UTC.
    earlier = (datetime.now(timezone(timedelta(hours=2))) - timedelta(hours=1)).isoformat()
    _entry(document, "a.mp4").update(rating=5, updated_at=earlier)
    later_naive = (datetime.now(timezone.utc) + timedelta(minutes=5)).replace(tzinfo=None).isoformat()
    _entry(document, "b.mp4").update(rating=4, flag="pick", updated_at=later_naive)   # naive: UTC
    proc = _merge(cli, tmp_path, document, "--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["updated"] == 1
    assert _ratings(cli) == {"a.mp4": ("none", 2), "b.mp4": ("pick", 4)}
    assert _merge(cli, tmp_path, document, "--json").returncode == 0   # and again: nothing changes
    assert _ratings(cli) == {"a.mp4": ("none", 2), "b.mp4": ("pick", 4)}


def test_decisions_merge_of_a_fifo_ends_at_once(cli, media, tmp_path):
    import os
    import subprocess
    from .conftest import SOUNDON
    fifo = tmp_path / "theirs.json"
    os.mkfifo(fifo)
    try:
        proc = subprocess.run([SOUNDON, "decisions", "merge", str(fifo), "--library", str(cli.library)],
                              capture_output=True, text=True, timeout=30)
    finally:
        try:
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass
    assert proc.returncode == 1 and "FIFO" in proc.stderr and "Traceback" not in proc.stderr
    folder = cli("decisions", "merge", str(tmp_path), "--library", str(cli.library))
    assert folder.returncode == 1 and "is a folder, not an ordinary file" in folder.stderr


def test_list_search_finds_by_prompt_name_model_and_note(cli, media):
    media.clip("kling_harbour.mp4", duration=1)
    media.clip("veo_market.mp4", duration=1, audio="sine=frequency=330")
    (media.folder / "veo_market.json").write_text(json.dumps({"prompt": "A fish market at dawn, gulls and ropes creaking"}))
    cli.json("import", str(media.folder), "--name", "Shoot")
    found = cli.json("list", "--search", "gull")
    assert [Path(t["path"]).name for t in found] == ["veo_market.mp4"]
    assert [Path(t["path"]).name for t in cli.json("list", "--search", "harbour")] == ["kling_harbour.mp4"]
    kling = cli.json("list", "--search", "kling")[0]
    cli.json("review", str(kling["id"]), "--note", "café noise under the cut")
    assert [t["id"] for t in cli.json("list", "--search", "cafe cut")] == [kling["id"]]
    assert cli.json("list", "--search", "cafe", "--batch", "Shoot")[0]["id"] == kling["id"]
    nothing = cli("list", "--search", "zebra", "--library", str(cli.library))
    assert nothing.returncode == 0 and "No take matches 'zebra'" in nothing.stdout


def test_an_older_library_is_upgraded_with_a_word_on_stderr(cli, monkeypatch):
    import sqlite3

    from soundon.store import migrations
    from soundon.store.library import Library
    with monkeypatch.context() as older:
        older.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:1])
        older.setattr(migrations, "LATEST_VERSION", 1)
        Library(cli.library).close()
    with sqlite3.connect(cli.library) as conn:
        conn.execute("INSERT INTO batches (id, name, root, created_at) VALUES (1, 'Old', '/old', '')")
        conn.execute("INSERT INTO takes (batch_id, rel_path, fingerprint, size, prompt, imported_at) "
                     "VALUES (1, 'bells.mp4', 'fp', 1, 'church bells', '')")
    upgraded = cli("list", "--search", "bells", "--json", "--library", str(cli.library))
    assert upgraded.returncode == 0, upgraded.stderr
    assert (f"Updating the library to version {migrations.LATEST_VERSION} (a copy of the file is kept beside it)"
            in upgraded.stderr)
    assert [t["prompt"] for t in json.loads(upgraded.stdout)] == ["church bells"]
    assert list(cli.library.parent.glob("*.before-v2.bak"))
    again = cli("list", "--library", str(cli.library))
    assert "Updating" not in again.stderr
