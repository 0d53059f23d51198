"""The schema as a ladder of numbered steps. Each step runs in one transaction; the file is copied
before the first step runs on an existing library. The version lives in PRAGMA user_version."""
from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from soundon.core.errors import SoundOnError


def _v1(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE batches (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            root TEXT NOT NULL,              -- absolute folder; take paths are relative to it
            source TEXT NOT NULL DEFAULT '', -- the manifest's name inside root, or '' for a folder
            target TEXT NOT NULL DEFAULT 'social',
            created_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE takes (
            id INTEGER PRIMARY KEY,
            batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
            rel_path TEXT NOT NULL,
            fingerprint TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            model TEXT NOT NULL DEFAULT '',
            prompt TEXT NOT NULL DEFAULT '',
            prompt_group TEXT NOT NULL DEFAULT '',
            seed TEXT NOT NULL DEFAULT '',
            variation TEXT NOT NULL DEFAULT '',
            generated_at TEXT NOT NULL DEFAULT '',
            duration REAL NOT NULL DEFAULT 0,
            width INTEGER NOT NULL DEFAULT 0,
            height INTEGER NOT NULL DEFAULT 0,
            rotation INTEGER NOT NULL DEFAULT 0,
            display_width INTEGER NOT NULL DEFAULT 0,
            display_height INTEGER NOT NULL DEFAULT 0,
            fps REAL NOT NULL DEFAULT 0,
            variable_frame_rate INTEGER NOT NULL DEFAULT 0,
            video_codec TEXT NOT NULL DEFAULT '',
            audio_codec TEXT NOT NULL DEFAULT '',
            has_audio INTEGER NOT NULL DEFAULT 0,
            audio_channels INTEGER NOT NULL DEFAULT 0,
            channel_layout TEXT NOT NULL DEFAULT '',
            sample_rate INTEGER NOT NULL DEFAULT 0,
            bit_rate INTEGER NOT NULL DEFAULT 0,
            creation_time TEXT NOT NULL DEFAULT '',
            container TEXT NOT NULL DEFAULT '',
            thumbnail TEXT NOT NULL DEFAULT '',   -- file name inside the library's cache folder
            waveform TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL,
            UNIQUE (batch_id, rel_path)
        )""")
    db.execute("CREATE INDEX takes_batch ON takes(batch_id)")
    db.execute("CREATE INDEX takes_group ON takes(prompt_group)")
    db.execute("""
        CREATE TABLE reviews (
            take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
            flag TEXT NOT NULL DEFAULT 'none' CHECK (flag IN ('pick', 'reject', 'none')),
            rating INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
            audio_verdict TEXT NOT NULL DEFAULT 'undecided'
                CHECK (audio_verdict IN ('keep', 'replace', 'undecided')),
            updated_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            take_id INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            start REAL,
            end REAL,
            author TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX notes_take ON notes(take_id)")
    db.execute("""
        CREATE TABLE analyses (
            take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
            target TEXT NOT NULL,
            integrated_lufs REAL,
            true_peak_dbtp REAL,
            lra REAL,
            short_term_max_lufs REAL,
            mono_loss_lu REAL,
            correlation_p5 REAL,
            low_freq_share REAL,
            phone_loss_lu REAL,
            flags TEXT NOT NULL DEFAULT '[]',     -- JSON list of flag names
            details TEXT NOT NULL DEFAULT '{}',   -- JSON: anything more the analysis measured
            analyzed_at TEXT NOT NULL
        )""")
    db.execute("""
        CREATE TABLE swap_specs (
            take_id INTEGER PRIMARY KEY REFERENCES takes(id) ON DELETE CASCADE,
            track_path TEXT NOT NULL,             -- absolute path of the post-production track
            spec TEXT NOT NULL DEFAULT '{}',      -- JSON: offset, fit, fades, level, bed
            updated_at TEXT NOT NULL
        )""")


def _v2(db: sqlite_utils.Database) -> None:
    """Prompt groups ignore audio wording from now on: takes whose prompts differ only in what
    they say of the sound join one group (as variations). Every take's group is worked out again."""
    from soundon.core.take import prompt_group_key  # noqa: PLC0415 — the rule of the day, not a copy of it
    rows = db.execute("SELECT id, prompt FROM takes").fetchall()
    for take_id, prompt in rows:
        db.execute("UPDATE takes SET prompt_group = ? WHERE id = ?", [prompt_group_key(prompt), take_id])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2]
LATEST_VERSION = len(MIGRATIONS)


class NewerLibraryError(SoundOnError, RuntimeError):
    pass


class DamagedVersionError(SoundOnError, RuntimeError):
    """The schema version is one no Sound-On writes: the file was changed outside the app."""


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _has_tables(conn: sqlite3.Connection) -> bool:
    # Version 0 is a new, empty file; tables under version 0 mean the version was reset by hand.
    return conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def migrate(db: sqlite_utils.Database, path: Path | None) -> list[int]:
    """Bring the library up to LATEST_VERSION; returns the steps that ran."""
    current = user_version(db.conn)
    if current > LATEST_VERSION:
        raise NewerLibraryError(
            f"This library was written by a newer Sound-On (schema {current}; this version knows up to "
            f"{LATEST_VERSION}). Update Sound-On to open it; the file was left as it is.")
    if current < 0 or (current == 0 and _has_tables(db.conn)):
        raise DamagedVersionError(f"its schema version ({current}) is impossible")
    if current == LATEST_VERSION:
        return []
    if path is not None and current > 0:
        backup = path.with_name(f"{path.name}.before-v{current + 1}.bak")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy2(path, backup)
    ran = []
    for version in range(current + 1, LATEST_VERSION + 1):
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            MIGRATIONS[version - 1](db)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        ran.append(version)
    return ran
