"""The schema as a ladder of numbered steps. Each step runs in one transaction; the file is copied
before the first step runs on an existing library. The version lives in PRAGMA user_version."""
from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import sqlite_utils

from soundon.core.errors import SoundOnError

# A step says how far it has got (0–1 of the step, and what it is doing) when it takes a while;
# whoever opens the library hears that with the step's number.
Progress = Callable[[float, str], None]
StepProgress = Callable[[float, str, int], None]


def _v1(db: sqlite_utils.Database, progress: Progress) -> None:
    """The first schema."""
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


def _v2(db: sqlite_utils.Database, progress: Progress) -> None:
    """Prompt groups ignore audio wording from now on: takes whose prompts differ only in what
    they say of the sound join one group (as variations). Every take's group is worked out again."""
    from soundon.core.take import prompt_group_key  # noqa: PLC0415 — the rule of the day, not a copy of it
    rows = db.execute("SELECT id, prompt FROM takes").fetchall()
    for take_id, prompt in rows:
        db.execute("UPDATE takes SET prompt_group = ? WHERE id = ?", [prompt_group_key(prompt), take_id])




def sort_name(rel_path: str) -> str:
    """The key a take is sorted by name with: its file name, case-folded (as the editor reads it)."""
    return rel_path.rsplit("/", 1)[-1].casefold()


def _v3(db: sqlite_utils.Database, progress: Progress) -> None:
    """Browsing in SQL (a library of 50,000 takes is never loaded whole): a stored name key and
    translation verdict to sort and filter by, the indexes the filters use, and a full-text index of
    each take's file name, prompt, model and notes, kept up to date by triggers."""
    from soundon.core.translation import verdict   # noqa: PLC0415 — a pure function of the flags

    db.execute("ALTER TABLE takes ADD COLUMN sort_name TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE analyses ADD COLUMN verdict TEXT")
    total = db.execute("SELECT COUNT(*) FROM takes").fetchone()[0] or 1
    done = 0
    rows = db.execute("SELECT id, rel_path FROM takes").fetchall()
    for start in range(0, len(rows), 5000):
        chunk = rows[start:start + 5000]
        db.conn.executemany("UPDATE takes SET sort_name = ? WHERE id = ?",
                            [(sort_name(rel_path), take_id) for take_id, rel_path in chunk])
        done += len(chunk)
        progress(0.4 * done / total, "naming takes")
    flags = db.execute("SELECT take_id, flags FROM analyses").fetchall()
    db.conn.executemany("UPDATE analyses SET verdict = ? WHERE take_id = ?",
                        [(verdict(json.loads(f or "[]")), take_id) for take_id, f in flags])
    progress(0.5, "indexing")
    for statement in (
            "CREATE INDEX takes_batch_name ON takes(batch_id, sort_name)",
            "CREATE INDEX takes_name ON takes(sort_name)",
            "CREATE INDEX takes_model ON takes(model)",
            "CREATE INDEX reviews_flag ON reviews(flag)",
            "CREATE INDEX reviews_rating ON reviews(rating)",
            "CREATE INDEX reviews_verdict ON reviews(audio_verdict)",
            "CREATE INDEX analyses_verdict ON analyses(verdict)"):
        db.execute(statement)
    # Searched text per take (rowid = take id). The file name's path is split into words by the
    # tokenizer ("take_017.mp4" → take, 017, mp4); accents are folded, so "cafe" finds "café".
    db.execute("""
        CREATE VIRTUAL TABLE take_search USING fts5(
            file, prompt, model, notes, tokenize = 'unicode61 remove_diacritics 2')""")
    db.execute("""
        INSERT INTO take_search (rowid, file, prompt, model, notes)
        SELECT t.id, t.rel_path, t.prompt, t.model,
               COALESCE((SELECT group_concat(n.text, ' ') FROM notes n WHERE n.take_id = t.id), '')
        FROM takes t""")
    progress(0.9, "indexing")
    for statement in _SEARCH_TRIGGERS:
        db.execute(statement)
    progress(1.0, "done")


_NOTES_OF = "COALESCE((SELECT group_concat(n.text, ' ') FROM notes n WHERE n.take_id = {id}), '')"
_SEARCH_TRIGGERS = (
    """CREATE TRIGGER take_search_add AFTER INSERT ON takes BEGIN
         INSERT INTO take_search (rowid, file, prompt, model, notes)
         VALUES (new.id, new.rel_path, new.prompt, new.model, '');
       END""",
    """CREATE TRIGGER take_search_change AFTER UPDATE OF rel_path, prompt, model ON takes BEGIN
         UPDATE take_search SET file = new.rel_path, prompt = new.prompt, model = new.model
         WHERE rowid = new.id;
       END""",
    """CREATE TRIGGER take_search_remove AFTER DELETE ON takes BEGIN
         DELETE FROM take_search WHERE rowid = old.id;
       END""",
    f"""CREATE TRIGGER take_search_note_add AFTER INSERT ON notes BEGIN
         UPDATE take_search SET notes = {_NOTES_OF.format(id="new.take_id")} WHERE rowid = new.take_id;
       END""",
    f"""CREATE TRIGGER take_search_note_change AFTER UPDATE OF text ON notes BEGIN
         UPDATE take_search SET notes = {_NOTES_OF.format(id="new.take_id")} WHERE rowid = new.take_id;
       END""",
    f"""CREATE TRIGGER take_search_note_remove AFTER DELETE ON notes BEGIN
         UPDATE take_search SET notes = {_NOTES_OF.format(id="old.take_id")} WHERE rowid = old.take_id;
       END""",
)


def _v4(db: sqlite_utils.Database, progress: Progress) -> None:
    """Team review: a queue of the changes not yet sent to the team server, filled by triggers so that
    every way a decision is written (the app, `soundon review`, a decisions merge) is queued in the
    same transaction as the change itself. A change pulled from the server is not queued again: the
    sync writes it while `sync_quiet` has a row. Takes the server has already seen are remembered
    (by their comment keys) so a sync knows which of the other reviewers' decisions are new to it."""
    db.execute("""
        CREATE TABLE sync_queue (
            id INTEGER PRIMARY KEY,
            take_id INTEGER NOT NULL REFERENCES takes(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('decision', 'note', 'swap')),
            note_id INTEGER NOT NULL DEFAULT 0,   -- the note, for kind 'note'
            UNIQUE (kind, take_id, note_id)
        )""")
    db.execute("CREATE TABLE sync_quiet (busy INTEGER PRIMARY KEY)")
    db.execute("CREATE TABLE sync_seen (key TEXT PRIMARY KEY)")   # server comments already merged
    quiet = "NOT EXISTS (SELECT 1 FROM sync_quiet)"
    # NOT EXISTS rather than OR IGNORE: an outer statement's own conflict clause (an upsert, an
    # INSERT OR REPLACE) would override the trigger's.
    for statement in (
            f"""CREATE TRIGGER sync_queue_decision_add AFTER INSERT ON reviews
                WHEN new.updated_at != '' AND {quiet} BEGIN
                  INSERT INTO sync_queue (take_id, kind) SELECT new.take_id, 'decision' WHERE NOT EXISTS
                    (SELECT 1 FROM sync_queue WHERE take_id = new.take_id AND kind = 'decision');
                END""",
            f"""CREATE TRIGGER sync_queue_decision_change AFTER UPDATE ON reviews
                WHEN new.updated_at != '' AND {quiet} BEGIN
                  INSERT INTO sync_queue (take_id, kind) SELECT new.take_id, 'decision' WHERE NOT EXISTS
                    (SELECT 1 FROM sync_queue WHERE take_id = new.take_id AND kind = 'decision');
                END""",
            f"""CREATE TRIGGER sync_queue_note_add AFTER INSERT ON notes WHEN {quiet} BEGIN
                  INSERT OR IGNORE INTO sync_queue (take_id, kind, note_id) VALUES (new.take_id, 'note', new.id);
                END""",
            f"""CREATE TRIGGER sync_queue_swap_add AFTER INSERT ON swap_specs WHEN {quiet} BEGIN
                  INSERT INTO sync_queue (take_id, kind) SELECT new.take_id, 'swap' WHERE NOT EXISTS
                    (SELECT 1 FROM sync_queue WHERE take_id = new.take_id AND kind = 'swap');
                END""",
            f"""CREATE TRIGGER sync_queue_swap_change AFTER UPDATE ON swap_specs WHEN {quiet} BEGIN
                  INSERT INTO sync_queue (take_id, kind) SELECT new.take_id, 'swap' WHERE NOT EXISTS
                    (SELECT 1 FROM sync_queue WHERE take_id = new.take_id AND kind = 'swap');
                END"""):
        db.execute(statement)
    # Decisions made before the queue existed are queued too: the first sync shares them.
    db.execute("INSERT INTO sync_queue (take_id, kind) SELECT take_id, 'decision' FROM reviews WHERE updated_at != ''")
    db.execute("INSERT INTO sync_queue (take_id, kind, note_id) SELECT take_id, 'note', id FROM notes")
    db.execute("INSERT INTO sync_queue (take_id, kind) SELECT take_id, 'swap' FROM swap_specs")


def _v5(db: sqlite_utils.Database, progress: Progress) -> None:
    """Sorting 50,000 takes by model or by length reads an index in that order (name and id break
    ties, as the browser's order does) instead of sorting every row in a temporary table."""
    db.execute("CREATE INDEX takes_model_name ON takes(model COLLATE NOCASE, sort_name)")
    progress(0.5, "indexing")
    db.execute("CREATE INDEX takes_duration_name ON takes(duration, sort_name)")


MIGRATIONS: list[Callable[[sqlite_utils.Database, Progress], None]] = [_v1, _v2, _v3, _v4, _v5]
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


def migrate(db: sqlite_utils.Database, path: Path | None, progress: StepProgress | None = None) -> list[int]:
    """Bring the library up to LATEST_VERSION; returns the steps that ran. `progress` hears how far
    each step has got (fraction 0–1 of the step, a word, and the step's number)."""
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
    upgrading = progress if current > 0 else None   # a new file is made, not upgraded: nothing to say
    ran = []
    for version in range(current + 1, LATEST_VERSION + 1):
        conn = db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            if upgrading:
                upgrading(0.0, "starting", version)   # every step is said, whether or not it reports
            MIGRATIONS[version - 1](db, lambda fraction, what, v=version: upgrading and upgrading(fraction, what, v))
            if upgrading:
                upgrading(1.0, "done", version)
            conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            # SQLite rolls back by itself after some failures (a full disk); a second ROLLBACK
            # would fail and hide the error that matters.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        ran.append(version)
    return ran
