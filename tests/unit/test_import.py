import json

import pytest

from soundon.jobs.importer import Importer
from soundon.media.overview import load_peaks


def test_folder_import_with_broken_files(media, library, tmp_path):
    folder = media.folder
    media.clip("kling_take1.mp4", duration=1)
    media.clip("VEO-take2.mov", duration=1.2)
    media.clip("seedance take 3.webm", duration=1, video_codec="vp9")
    media.clip("sub/-dash name.mkv", duration=1)
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "notes.mp4").write_text("not a video")
    (folder / "photo.png").write_bytes(b"\x89PNG")
    media.clip("post/music.wav", video="", duration=1)

    result = Importer(library).run([folder])
    added = {t.rel_path: t for t in result.added}
    assert set(added) == {"kling_take1.mp4", "VEO-take2.mov", "seedance take 3.webm", "sub/-dash name.mkv"}
    assert added["kling_take1.mp4"].model == "Kling"
    assert added["VEO-take2.mov"].model == "Veo"
    assert added["seedance take 3.webm"].model == "Seedance"
    refused = {r.path.split("/")[-1]: r.reason for r in result.refused}
    assert "empty" in refused["empty.mp4"]
    assert "not a video" in refused["notes.mp4"]
    assert "photo.png" in refused
    assert [p.split("/")[-1] for p in result.post_tracks] == ["music.wav"]
    # Each take has a poster frame and waveform peaks in the library's cache.
    take = added["kling_take1.mp4"]
    assert (library.cache_dir / take.thumbnail).stat().st_size > 500
    peaks = load_peaks(library.cache_dir / take.waveform)
    assert len(peaks) == pytest.approx(100, abs=2)  # 100 peaks a second over 1 s
    assert 0.05 < float(peaks.max()) <= 1.0


def test_reimport_adds_nothing_twice(media, library):
    media.clip("a.mp4", duration=1)
    media.clip("b.mp4", duration=1, audio="sine=frequency=300")
    first = Importer(library).run([media.folder])
    assert len(first.added) == 2
    again = Importer(library).run([media.folder])
    assert again.added == [] and len(again.skipped) == 2
    assert len(library.takes()) == 2


def test_same_content_under_two_names_is_one_take(media, library):
    media.clip("a.mp4", duration=1)
    media.clip("copy of a.mp4", duration=1)
    result = Importer(library).run([media.folder])
    assert len(result.added) == 1 and len(result.skipped) == 1


def test_sidecar_metadata_and_prompt_groups(media, library):
    folder = media.folder
    prompt = "A red kite over  the  sea"
    for i, (name, model) in enumerate([("x1.mp4", "Veo 3.1"), ("x2.mp4", "Kling 3.0")]):
        media.clip(name, duration=1, audio=f"sine=frequency={300 + 100 * i}")
        (folder / name).with_suffix(".json").write_text(json.dumps(
            {"model": model, "prompt": prompt if i == 0 else prompt.lower(), "seed": 7 + i, "variation": "b"}))
    media.clip("other.mp4", duration=1, audio="sine=frequency=900")
    (folder / "other.mp4.json").write_text(json.dumps({"prompt": "Something else"}))
    media.clip("broken_sidecar_kling.mp4", duration=1, audio="sine=frequency=1000")
    (folder / "broken_sidecar_kling.json").write_text("{not json")

    takes = {t.rel_path: t for t in Importer(library).run([folder]).added}
    assert takes["x1.mp4"].model == "Veo 3.1" and takes["x1.mp4"].seed == "7"
    assert takes["x1.mp4"].prompt_group == takes["x2.mp4"].prompt_group != ""
    assert takes["other.mp4"].prompt_group not in ("", takes["x1.mp4"].prompt_group)
    assert takes["broken_sidecar_kling.mp4"].model == "Kling"  # falls back to the name


def test_json_manifest_refuses_paths_outside_its_folder(media, library, tmp_path):
    batch = media.folder / "batch"
    media.clip("batch/one.mp4", duration=1)
    media.clip("batch/clips/two.mp4", duration=1, audio="sine=frequency=500")
    outside = media.clip("secret.mp4", duration=1, audio="sine=frequency=700")
    (batch / "takes.json").write_text(json.dumps([
        {"file": "one.mp4", "model": "Bach", "prompt": "p"},
        {"file": "clips/two.mp4", "model": "HappyHorse", "prompt": "p"},
        {"file": "../secret.mp4"},
        {"file": str(outside)},
        {"file": "missing.mp4"},
    ]))
    result = Importer(library).run([batch / "takes.json"])
    assert sorted(t.rel_path for t in result.added) == ["clips/two.mp4", "one.mp4"]
    assert {t.model for t in result.added} == {"Bach", "HappyHorse"}
    reasons = [r.reason for r in result.refused]
    assert sum("outside the manifest" in r for r in reasons) == 2
    assert any("not found" in r for r in reasons)
    assert all(t.batch == "batch" for t in result.added)


def test_csv_manifest(media, library):
    batch = media.folder
    media.clip("a b.mp4", duration=1)
    (batch / "takes.csv").write_text("file,model,prompt,seed\na b.mp4,Veo 3.1,\"Hello, world\",3\n")
    result = Importer(library).run([batch])  # a folder with a manifest uses the manifest
    assert [t.prompt for t in result.added] == ["Hello, world"]


def test_audio_only_file_in_manifest_is_refused(media, library):
    media.clip("voice.mp4", video="", duration=1)
    result = Importer(library).run([media.folder])
    assert result.added == []
    assert "audio only" in result.refused[0].reason


def test_broken_manifest_is_refused_whole(tmp_path, library):
    (tmp_path / "takes.json").write_text("[{]")
    result = Importer(library).run([tmp_path / "takes.json"])
    assert result.added == [] and "not valid JSON" in result.refused[0].reason


def test_progress_reports_every_take(media, library):
    for i in range(5):
        media.clip(f"t{i}.mp4", duration=0.5, audio=f"sine=frequency={200 + 50 * i}")
    seen = []
    Importer(library, workers=2).run([media.folder], progress=lambda d, t, p: seen.append((d, t)))
    assert seen == [(i, 5) for i in range(1, 6)]


def test_an_import_that_adds_nothing_makes_no_batch(media, library, tmp_path):
    nothing = tmp_path / "Nothing usable"
    nothing.mkdir()
    (nothing / "empty.mp4").write_bytes(b"")
    (nothing / "cover.png").write_bytes(b"\x89PNG")
    empty = tmp_path / "Empty"
    empty.mkdir()
    result = Importer(library).run([nothing, empty, tmp_path / "gone"])
    assert result.added == [] and len(result.refused) == 3
    assert result.batches == [] and library.batches() == []
    # Takes already in the library under another batch make no new batch either.
    media.clip("a.mp4", duration=0.5)
    assert len(Importer(library).run([media.folder]).added) == 1
    copy = tmp_path / "Copy"
    copy.mkdir()
    (copy / "a.mp4").write_bytes((media.folder / "a.mp4").read_bytes())
    again = Importer(library).run([copy])
    assert again.added == [] and len(again.skipped) == 1
    assert [b["name"] for b in library.batches()] == ["media"]


def _runs_within(seconds: float, function) -> bool:
    """Run function on a daemon thread; True when it returned in time (a hang fails the test, not the run)."""
    import threading
    thread = threading.Thread(target=function, daemon=True)
    thread.start()
    thread.join(seconds)
    return not thread.is_alive()


def _release(fifo) -> None:
    """Unblock a reader stuck on a FIFO (only ever needed when the code under test hangs)."""
    import os
    try:
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    except OSError:
        pass


@pytest.mark.parametrize("name", ["takes.json", "takes.csv"])
def test_a_fifo_named_like_a_manifest_is_refused_without_blocking(media, library, name):
    import os
    folder = media.folder / "Piped"
    folder.mkdir()
    fifo = folder / name
    os.mkfifo(fifo)
    results = []
    try:
        assert _runs_within(10, lambda: results.append(Importer(library).run([fifo, folder])))
    finally:
        _release(fifo)
    result = results[0]
    assert result.added == [] and library.batches() == []
    assert len(result.refused) == 2
    assert all("FIFO" in r.reason and "ordinary file" in r.reason for r in result.refused)


def test_a_fifo_or_device_among_the_takes_is_refused_alone(media, library):
    import os
    media.clip("good.mp4", duration=0.5)
    os.mkfifo(media.folder / "pipe.mp4")
    (media.folder / "device.mp4").symlink_to("/dev/zero")
    listed = media.folder.parent / "listed"
    listed.mkdir()
    os.mkfifo(listed / "pipe.mov")
    (listed / "takes.json").write_text(json.dumps([{"file": "pipe.mov"}]))
    results = []
    try:
        assert _runs_within(20, lambda: results.append(Importer(library).run([media.folder, listed])))
    finally:
        _release(media.folder / "pipe.mp4")
        _release(listed / "pipe.mov")
    result = results[0]
    assert [t.rel_path for t in result.added] == ["good.mp4"]
    reasons = {r.path.rsplit("/", 1)[-1]: r.reason for r in result.refused}
    assert "FIFO" in reasons["pipe.mp4"] and "device" in reasons["device.mp4"]
    assert "row 1" in reasons["pipe.mov"] and "FIFO" in reasons["pipe.mov"]


def test_bad_manifest_rows_are_refused_alone_with_their_row_number(media, library):
    media.clip("one.mp4", duration=0.5)
    media.clip("two.mp4", duration=0.5, audio="sine=frequency=500")
    media.clip("three.mp4", duration=0.5, audio="sine=frequency=700")
    (media.folder / "takes.json").write_text(json.dumps([
        {"file": "one.mp4", "model": "Veo", "seed": 7},
        "just a string",
        None,
        {"file": ""},
        {"file": 5},
        {"file": "three.mp4", "model": {"k": 1}},
        {"file": "two.mp4", "prompt": "a kite"},
    ]))
    result = Importer(library).run([media.folder])
    added = {t.rel_path: t for t in result.added}
    assert set(added) == {"one.mp4", "two.mp4"}
    assert added["one.mp4"].seed == "7" and added["two.mp4"].prompt == "a kite"
    assert all("{" not in t.model for t in library.takes())   # nothing stored stringified
    reasons = sorted(r.reason for r in result.refused)
    assert len(reasons) == 5
    for row in (2, 3, 4, 5, 6):
        assert sum(f"row {row}:" in r for r in reasons) == 1, reasons
    assert any("'model'" in r for r in reasons) and any("'file'" in r for r in reasons)


def test_a_csv_row_without_a_file_is_refused_alone(media, library):
    media.clip("a.mp4", duration=0.5)
    (media.folder / "takes.csv").write_text("file,model\n,Veo\na.mp4,Kling\n")
    result = Importer(library).run([media.folder])
    assert [t.model for t in result.added] == ["Kling"]
    assert len(result.refused) == 1 and "row 1:" in result.refused[0].reason


def test_a_sidecar_value_of_the_wrong_type_is_not_stored(media, library):
    media.clip("kling_take.mp4", duration=0.5)
    (media.folder / "kling_take.json").write_text(json.dumps({"model": {"k": 1}, "prompt": ["a", "b"]}))
    [take] = Importer(library).run([media.folder]).added
    assert take.model == "Kling" and take.prompt == ""   # the sidecar costs its metadata, not the take


def _bad_name_copy(clip, folder, name: bytes = b"take_\xff.mp4"):
    """A copy of clip under a name that is not valid UTF-8 (made through bytes paths)."""
    import os
    target = os.path.join(os.fsencode(folder), name)
    with open(target, "wb") as fh:
        fh.write(clip.read_bytes())
    return target


def test_a_file_name_that_is_not_utf8_is_refused_and_the_rest_imports(media, library):
    good = media.clip("a.mp4", duration=0.5)
    other = media.clip("b.mp4", duration=0.5, audio="sine=frequency=500")
    _bad_name_copy(media.clip("src.mkv", duration=0.5, audio="sine=frequency=800", folder=media.folder.parent),
                   media.folder)
    _bad_name_copy(good, media.folder, b"cover_\xfe.png")
    result = Importer(library).run([media.folder])
    assert sorted(t.rel_path for t in result.added) == ["a.mp4", "b.mp4"]
    reasons = {r.path.rsplit("/", 1)[-1]: r.reason for r in result.refused}
    assert set(reasons) == {"take_\\xff.mp4", "cover_\\xfe.png"}
    assert all("not valid UTF-8" in r and "rename" in r for r in reasons.values())
    json.dumps(result.as_json(), ensure_ascii=False).encode("utf-8")   # every path is printable
    assert other.exists()


def test_a_batch_folder_whose_name_is_not_utf8_is_refused(media, library, tmp_path):
    import os
    folder = os.path.join(os.fsencode(tmp_path), b"shoot_\xff")
    os.mkdir(folder)
    _bad_name_copy(media.clip("a.mp4", duration=0.5), folder, b"a.mp4")
    result = Importer(library).run([os.fsdecode(folder)])
    assert result.added == [] and library.batches() == []
    assert "not valid UTF-8" in result.refused[0].reason
    result.refused[0].path.encode("utf-8")


def test_a_stopped_import_scans_no_further_batch_and_ends(media, library, tmp_path):
    for i in range(6):
        media.clip(f"t{i}.mp4", duration=0.5, audio=f"sine=frequency={300 + 100 * i}")
    # Stopped while it is still looking at the batches (Stop pressed at once): nothing more is read.
    stopped_early = Importer(library)
    stopped_early.cancel()
    result = stopped_early.run([media.folder, tmp_path / "gone"])
    assert result.cancelled and result.added == [] and result.refused == [] and library.batches() == []
    # Stopped after the first take: the takes in progress finish, no new one starts.
    importer = Importer(library, workers=1)
    seen = []

    def stop_after_the_first(done, total, path):
        seen.append(path)
        importer.cancel()

    outcome = []
    assert _runs_within(30, lambda: outcome.append(importer.run([media.folder], progress=stop_after_the_first)))
    assert outcome[0].cancelled and 1 <= len(outcome[0].added) <= 2
    assert len(library.takes()) == len(outcome[0].added) == len(seen)
