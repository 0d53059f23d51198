"""SQLite errors sorted by their code: the editor's disk, permissions or another program holding the
library become a LibraryError naming the file; a bug in Sound-On stays the sqlite3 error it was."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from soundon.store.library import Library, LibraryError
from soundon.store.library_errors import library_problem
from tests.swap_helpers import small_filesystem


def _raised(conn: sqlite3.Connection, sql: str) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as raised:
        conn.execute(sql).fetchall()
    return raised.value


def test_a_bug_is_not_the_users_problem_even_when_its_text_says_locked(tmp_path):
    conn = sqlite3.connect(tmp_path / "l.sqlite")
    assert library_problem(_raised(conn, "SELEC 1"), tmp_path / "l.sqlite") is None
    # The old sorting read the message: a missing table called "locked" passed for a busy library.
    assert library_problem(_raised(conn, "SELECT * FROM locked"), tmp_path / "l.sqlite") is None
    conn.execute("CREATE TABLE t (x INTEGER NOT NULL UNIQUE)")
    conn.execute("INSERT INTO t VALUES (1)")
    assert library_problem(_raised(conn, "INSERT INTO t VALUES (1)"), tmp_path / "l.sqlite") is None


def test_a_bug_inside_a_library_transaction_comes_out_as_itself(library):
    with pytest.raises(sqlite3.OperationalError, match="no such table: locked"):
        with library.transaction():
            library.db.execute("INSERT INTO locked VALUES (1)")
    with pytest.raises(sqlite3.OperationalError, match="syntax error"):
        library.db.execute("SELEC 1")


def test_a_busy_library_names_the_file_and_what_to_do(tmp_path):
    path = tmp_path / "l.sqlite"
    Library(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    conn = sqlite3.connect(path, timeout=0.05)
    problem = library_problem(_raised(conn, "BEGIN IMMEDIATE"), path)
    assert problem and str(path) in problem and "another program" in problem and "try again" in problem
    other.execute("ROLLBACK")


def test_a_locked_library_refuses_the_write_and_keeps_the_decisions(tmp_path):
    path = tmp_path / "l.sqlite"
    lib = Library(path)
    kept = lib.add_batch("Shoot 1", tmp_path)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    lib.db.execute("PRAGMA busy_timeout=50")   # the app waits 5 s; the test needn't
    with pytest.raises(LibraryError, match="in use by another program") as refused:
        lib.add_batch("Shoot 2", tmp_path / "two")
    assert str(path) in str(refused.value)
    other.execute("ROLLBACK")
    assert [b["name"] for b in lib.batches()] == [kept["name"]]
    lib.close()


def _damage_the_last_pages(path: Path, pages: int = 3) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(len(data) - page * pages, len(data)):
        data[offset] = (offset * 7919) % 256
    path.write_bytes(bytes(data))


def test_a_damaged_page_met_while_reading_names_the_file(tmp_path):
    path = tmp_path / "l.sqlite"
    lib = Library(path)
    for i in range(60):
        lib.add_batch(f"Shoot {i} " + "x" * 60, tmp_path / f"folder {i} {'y' * 60}")
    lib.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    lib.close()
    _damage_the_last_pages(path)
    before = path.read_bytes()
    lib = Library(path)   # the first page is whole, so the file opens
    with pytest.raises(LibraryError, match="damaged") as refused:
        lib.batches()
    assert str(path) in str(refused.value) and "backup" in str(refused.value)
    lib.close()
    assert path.read_bytes() == before


def test_a_full_disk_refuses_the_write_and_keeps_what_was_saved(tmp_path):
    with small_filesystem("400k") as folder:   # room for the schema and its search index, then a few batches
        path = folder / "library.sqlite"
        lib = Library(path)
        saved = []
        with pytest.raises(LibraryError, match="is full") as refused:
            for i in range(10_000):
                lib.add_batch(f"Shoot {i} " + "x" * 200, tmp_path / f"folder {i} {'y' * 200}")
                saved.append(f"Shoot {i} " + "x" * 200)
        assert str(path) in str(refused.value)
        assert saved and [b["name"] for b in lib.batches()] == sorted(saved)
        lib.close()
