"""The library file in trouble, through the real command: a read-only disk, another program holding
the file, a damaged file. Each gives one clear message naming the file, exit status 1, and every
decision already made is still there afterwards."""
from __future__ import annotations

import os
import sqlite3
import subprocess

from tests.swap_helpers import small_filesystem


def _picked_take(cli, media) -> dict:
    media.clip("a.mp4", duration=1)
    take = cli.json("import", str(media.folder), "--name", "Shoot 1")["added"][0]
    cli.json("review", str(take["id"]), "--pick", "--rating", "4")
    return take


def _flag_and_rating(cli, take) -> tuple[str, int]:
    listed = {t["id"]: t for t in cli.json("list")}[take["id"]]
    return listed["flag"], listed["rating"]


def test_a_read_only_library_says_so_and_keeps_the_decisions(cli, media):
    with small_filesystem("4m") as folder:
        cli.library = folder / "library.sqlite"
        take = _picked_take(cli, media)
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        refused = cli("review", str(take["id"]), "--reject", "--library", str(cli.library))
        assert refused.returncode == 1
        assert str(cli.library) in refused.stderr and "read-only" in refused.stderr
        assert refused.stderr.count("\n") <= 2
        subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=True)
        assert _flag_and_rating(cli, take) == ("pick", 4)


def test_a_library_held_by_another_program_says_so_and_keeps_the_decisions(cli, media):
    take = _picked_take(cli, media)
    other = sqlite3.connect(cli.library, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")   # another program in the middle of a write
    try:
        refused = cli("review", str(take["id"]), "--reject", "--rating", "1", "--library", str(cli.library))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert refused.returncode == 1
    assert str(cli.library) in refused.stderr and "in use by another program" in refused.stderr
    assert _flag_and_rating(cli, take) == ("pick", 4)


def test_a_file_of_garbage_bytes_is_refused_untouched(cli, tmp_path):
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(os.urandom(64 * 1024))
    before = garbage.read_bytes()
    refused = cli("list", "--library", str(garbage))
    assert refused.returncode == 1
    assert str(garbage) in refused.stderr and "not a Sound-On library" in refused.stderr
    assert "backup" in refused.stderr
    assert garbage.read_bytes() == before


def test_a_library_damaged_inside_is_refused_untouched(cli, media):
    media.clip("a.mp4", duration=1)
    cli.json("import", str(media.folder), "--name", "Shoot 1")
    conn = sqlite3.connect(cli.library)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    takes_page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'takes'").fetchone()[0]
    conn.close()
    # Only the takes' page is overwritten: the file opens, and the damage turns up while listing.
    data = bytearray(cli.library.read_bytes())
    start = (takes_page - 1) * page_size
    data[start:start + page_size] = bytes((i * 7919) % 256 for i in range(page_size))
    cli.library.write_bytes(bytes(data))
    refused = cli("list", "--library", str(cli.library))
    assert refused.returncode == 1
    assert str(cli.library) in refused.stderr and "damaged" in refused.stderr
    assert cli.library.read_bytes() == bytes(data)
