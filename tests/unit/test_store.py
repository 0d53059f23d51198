import hashlib
import json
import shutil
import sqlite3

import pytest

from soundon.core.review import Note
from soundon.jobs.importer import Importer
from soundon.store import migrations
from soundon.store.library import DamagedLibraryError, Library, LibraryError


def test_new_library_is_at_latest_version_in_wal(tmp_path):
    lib = Library(tmp_path / "l.sqlite")
    assert lib.db.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST_VERSION
    assert lib.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_library_is_refused_untouched(tmp_path):
    path = tmp_path / "l.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.LATEST_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="newer Sound-On"):
        Library(path)
    assert path.read_bytes() == before


def test_migration_copies_the_file_first_and_runs_each_step_once(tmp_path, monkeypatch):
    path = tmp_path / "l.sqlite"
    Library(path).close()
    steps_run = []

    def v_next(db, progress):
        steps_run.append(next_version)
        db.execute("ALTER TABLE takes ADD COLUMN colour_label TEXT NOT NULL DEFAULT ''")

    next_version = migrations.LATEST_VERSION + 1
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, v_next])
    monkeypatch.setattr(migrations, "LATEST_VERSION", next_version)
    lib = Library(path)
    assert steps_run == [next_version]
    assert (tmp_path / f"l.sqlite.before-v{next_version}.bak").is_file()
    assert "colour_label" in lib.db["takes"].columns_dict
    lib.close()
    Library(path).close()
    assert steps_run == [next_version]


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    path = tmp_path / "l.sqlite"
    Library(path).close()

    def broken(db, progress):
        db.execute("ALTER TABLE takes ADD COLUMN half_done TEXT")
        raise RuntimeError("boom")

    last = len(migrations.MIGRATIONS)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken])
    monkeypatch.setattr(migrations, "LATEST_VERSION", migrations.LATEST_VERSION + 1)
    with pytest.raises(RuntimeError):
        Library(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST_VERSION - 1
    assert "half_done" not in [r[1] for r in conn.execute("PRAGMA table_info(takes)")]


@pytest.mark.parametrize("version", [-5, 0])
def test_impossible_schema_version_says_the_library_is_damaged(tmp_path, version):
    """A negative version, or version 0 on a file that already has the tables, can't come from Sound-On."""
    path = tmp_path / "l.sqlite"
    Library(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(DamagedLibraryError, match="library file is damaged") as refused:
        Library(path)
    assert isinstance(refused.value, LibraryError)
    assert str(path) in str(refused.value)
    assert path.read_bytes() == before


def test_not_a_library(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"hello, this is not sqlite" * 100)
    with pytest.raises(LibraryError, match="not a Sound-On library"):
        Library(path)


def test_review_state_survives_reopen(media, tmp_path):
    path = tmp_path / "l.sqlite"
    media.clip("a.mp4", duration=1)
    lib = Library(path)
    take_id = Importer(lib).run([media.folder]).added[0].id
    changes = []
    lib.subscribe(lambda kind, ids: changes.append((kind, ids)))
    lib.set_flag(take_id, "pick")
    lib.set_rating(take_id, 4)
    lib.set_audio_verdict(take_id, "replace")
    lib.add_note(take_id, Note("hiss at the start", 0.5, 1.25))
    assert changes == [("review", [take_id])] * 3 + [("notes", [take_id])]
    lib.close()
    # Simulate a crash: no clean close of a second connection; the WAL holds the commits.
    reopened = Library(path)
    take = reopened.take(take_id)
    assert (take.flag, take.rating, take.audio_verdict) == ("pick", 4, "replace")
    notes = reopened.notes(take_id)
    assert [(n["text"], n["start"], n["end"]) for n in notes] == [("hiss at the start", 0.5, 1.25)]


def test_bad_review_values_are_refused(media, library):
    media.clip("a.mp4", duration=1)
    take_id = Importer(library).run([media.folder]).added[0].id
    with pytest.raises(ValueError):
        library.set_rating(take_id, 6)
    with pytest.raises(ValueError):
        library.set_flag(take_id, "maybe")
    with pytest.raises(LibraryError):
        library.set_flag(9999, "pick")
    assert library.review_state(take_id) == {"flag": "none", "rating": 0, "audio_verdict": "undecided"}


def test_moved_batch_is_relinked(media, library, tmp_path):
    media.clip("a.mp4", duration=1)
    media.clip("sub/b.mp4", duration=1, audio="sine=frequency=600")
    takes = Importer(library).run([media.folder]).added
    library.set_flag(takes[0].id, "pick")
    moved = tmp_path / "elsewhere" / "batch"
    moved.parent.mkdir()
    shutil.move(media.folder, moved)
    name = takes[0].batch
    with pytest.raises(LibraryError, match="None of the 2 takes"):
        library.relink_batch(name, tmp_path)
    outcome = library.relink_batch(name, moved)
    assert outcome["found"] == 2 and outcome["missing"] == 0
    relinked = library.take(takes[0].id)
    assert relinked.path == str(moved / takes[0].rel_path) and relinked.flag == "pick"
    # Importing the moved folder again adds nothing.
    assert Importer(library).run([moved]).added == []


def test_resolve_take_by_id_and_path(media, library):
    clip = media.clip("-odd name.mp4", duration=1)
    take = Importer(library).run([media.folder]).added[0]
    assert library.resolve_take(str(take.id)).id == take.id
    assert library.resolve_take(str(clip)).id == take.id
    with pytest.raises(LibraryError):
        library.resolve_take("/no/such/take.mp4")


def _two_batches(media, library, tmp_path):
    for batch, names in (("One", ("a.mp4", "b.mp4")), ("Two", ("c.mp4",))):
        for name in names:   # a different length each: distinct takes
            media.clip(name, folder=tmp_path / batch, duration=0.4 + "abc".index(name[0]) / 10, size="64x36")
        Importer(library).run([tmp_path / batch])


def test_a_batch_is_renamed_and_keeps_its_takes_and_decisions(media, library, tmp_path):
    _two_batches(media, library, tmp_path)
    take = library.takes("One")[0]
    library.set_flag(take.id, "pick")
    assert library.rename_batch("One", "  Harbour   day ") == "Harbour day"
    assert [b["name"] for b in library.batches()] == ["Harbour day", "Two"]
    assert [t.rel_path for t in library.takes("Harbour day")] == ["a.mp4", "b.mp4"]
    assert library.take(take.id).flag == "pick"
    assert library.rename_batch("Harbour day", "Harbour day") == "Harbour day"


@pytest.mark.parametrize("new_name, message", [("", "needs a name"), ("   ", "needs a name"),
                                               ("Two", "already a batch named 'Two'")])
def test_a_rename_to_an_empty_or_taken_name_is_refused(media, library, tmp_path, new_name, message):
    _two_batches(media, library, tmp_path)
    with pytest.raises(LibraryError, match=message):
        library.rename_batch("One", new_name)
    assert [b["name"] for b in library.batches()] == ["One", "Two"]
    with pytest.raises(LibraryError, match="no batch named 'Three'"):
        library.rename_batch("Three", "Four")


def test_removing_a_batch_drops_its_rows_and_never_its_files(media, library, tmp_path):
    _two_batches(media, library, tmp_path)
    take = library.takes("One")[0]
    library.set_rating(take.id, 4)
    library.add_note(take.id, Note("too loud", 0.1, None))
    library.save_analysis(take.id, "social", {"integrated_lufs": -14.0, "flags": []})
    files = sorted(p.name for p in (tmp_path / "One").iterdir())
    assert library.remove_batch("One") == 2
    assert [b["name"] for b in library.batches()] == ["Two"]
    assert [t.rel_path for t in library.takes()] == ["c.mp4"]
    assert library.take(take.id) is None and library.notes(take.id) == []
    assert library.analysis(take.id) is None
    for table in ("reviews", "notes", "analyses", "swap_specs"):
        assert library.db.execute(f"SELECT COUNT(*) FROM {table} WHERE take_id = ?", [take.id]).fetchone()[0] == 0
    assert sorted(p.name for p in (tmp_path / "One").iterdir()) == files
    # A report that arrives for a removed take is dropped, not an error.
    library.save_analysis(take.id, "social", {"integrated_lufs": -14.0, "flags": []})
    assert library.analysis(take.id) is None
    # The batch can be imported again, as new.
    Importer(library).run([tmp_path / "One"])
    assert [t.rel_path for t in library.takes("One")] == ["a.mp4", "b.mp4"]
    with pytest.raises(LibraryError, match="no batch named 'One x'"):
        library.remove_batch("One x")


def test_takes_whose_prompts_differ_only_in_audio_wording_join_one_group_after_the_upgrade(tmp_path, media,
                                                                                        monkeypatch):
    """A version-1 library grouped by the whole prompt; the upgrade regroups by the picture's words."""
    plain = "A woman walks through a market at dusk."
    sounded = plain + " Sound: vendors calling, coins clinking, then a scooter passes."
    for n, prompt in enumerate((plain, sounded, "A train at night.")):
        clip = media.clip(f"t{n}.mp4", duration=1, audio=f"sine=frequency={300 + 50 * n}")
        clip.with_suffix(".json").write_text(json.dumps({"prompt": prompt}), encoding="utf-8")
    path = tmp_path / "old.sqlite"
    lib = Library(path)
    Importer(lib).run([media.folder])
    # As version 1 stored it: one group per prompt.
    for take in lib.takes():
        lib.db.execute("UPDATE takes SET prompt_group = ? WHERE id = ?",
                       [hashlib.sha1(" ".join(take.prompt.split()).casefold().encode()).hexdigest()[:12], take.id])
    lib.db.execute("PRAGMA user_version = 1")
    lib.close()
    monkeypatch.setattr(migrations, "MIGRATIONS", migrations.MIGRATIONS[:2])   # the regrouping step alone
    monkeypatch.setattr(migrations, "LATEST_VERSION", 2)
    lib = Library(path)
    groups = {t.prompt: t.prompt_group for t in lib.takes()}
    assert groups[plain] == groups[sounded] != groups["A train at night."]
    assert (tmp_path / "old.sqlite.before-v2.bak").is_file()
    lib.close()
