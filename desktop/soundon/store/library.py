"""The take library: batches, takes, review decisions, notes, analysis results and swap specs.

Every write is committed at once (the connection runs in autocommit mode and multi-statement
changes use an explicit transaction), so a crash or kill never loses a decision already made.
Listeners registered with `subscribe` hear about every change; the UI turns that into a Qt signal.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from soundon.core.decision_time import spelled, stored_time
from soundon.core.paths import data_dir
from soundon.core.review import AudioVerdict, Flag, Note, check_rating
from soundon.core.swap_spec import SwapSpec
from soundon.core.take import NATIVE_SOURCE, SOUND_AT_IMPORT_SOURCE, PostTrack, Take, prompt_group_key
from soundon.core.targets import DEFAULT_TARGET
from soundon.core.translation import verdict as translation_verdict
from soundon.store import migrations
from soundon.store.library_errors import DamagedLibraryError, LibraryError, SortedDatabase, library_faults
from soundon.store.take_query import TakeFilter, ordered_ids

if TYPE_CHECKING:
    from soundon.core.model_stats import DecidedTake

LIBRARY_ENV = "SOUNDON_LIBRARY"
LIBRARY_FILE = "library.sqlite"

ChangeListener = Callable[[str, list[int]], None]


def default_library_path() -> Path:
    override = os.environ.get(LIBRARY_ENV)
    return Path(override) if override else data_dir() / LIBRARY_FILE


def now() -> str:
    # Microseconds: decisions merged from several reviewers are ordered by this.
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# Columns every take listing carries (take + review + analysis), in DESIGN.md's names.
_TAKE_SELECT = """
    SELECT t.*, b.name AS batch, b.root AS batch_root, b.target AS batch_target,
           COALESCE(r.flag, 'none') AS flag, COALESCE(r.rating, 0) AS rating,
           COALESCE(r.audio_verdict, 'undecided') AS audio_verdict,
           a.integrated_lufs, a.true_peak_dbtp, a.lra, a.short_term_max_lufs, a.mono_loss_lu,
           a.correlation_p5, a.low_freq_share, a.phone_loss_lu, a.flags AS analysis_flags,
           json_extract(a.details, '$.av_offset_ms') AS av_offset_ms,
           json_extract(a.details, '$.av_confidence') AS av_confidence,
           json_extract(a.details, '$.speech_share') AS speech_share,
           json_extract(a.details, '$.intelligibility') AS intelligibility,
           json_extract(a.details, '$.intelligibility_volume_db') AS intelligibility_volume_db,
           a.target AS analysis_target, json_extract(a.details, '$.source') AS analysis_source,
           s.track_path AS post_track, s.spec AS swap_spec,
           COALESCE(json_extract(s.spec, '$.nudge_ms'), 0) AS nudge_ms
    FROM takes t
    JOIN batches b ON b.id = t.batch_id
    LEFT JOIN reviews r ON r.take_id = t.id
    LEFT JOIN analyses a ON a.take_id = t.id
    LEFT JOIN swap_specs s ON s.take_id = t.id
"""


class Library:
    def __init__(self, path: str | os.PathLike | None = None, on_migration: migrations.StepProgress | None = None):
        """`on_migration` hears how far an upgrade of an older library file has got."""
        self.path = Path(path) if path else default_library_path()
        self._listeners: list[ChangeListener] = []
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with library_faults(self.path):
                conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA foreign_keys=ON")
                conn.execute("PRAGMA busy_timeout=5000")
                self.db = SortedDatabase(conn, self.path)
                migrations.migrate(self.db, self.path, on_migration)
        except migrations.NewerLibraryError as exc:
            raise LibraryError(str(exc)) from None
        except migrations.DamagedVersionError as exc:
            self.db.conn.close()
            raise DamagedLibraryError(
                f"The library file is damaged ({exc}): {self.path}. Restore it from a backup (a .bak copy "
                "beside it, if there is one) or point --library at another file; it was left as it is.") from None
        except OSError as exc:
            raise LibraryError(f"The library folder {self.path.parent} can't be used ({exc.strerror}).") from None

    # -- plumbing ---------------------------------------------------------------------------------

    @property
    def cache_dir(self) -> Path:
        """Thumbnails and waveform peaks, beside the library file."""
        folder = self.path.with_name(self.path.stem + ".cache")
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def close(self) -> None:
        self.db.conn.close()

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def unsubscribe(self, listener: ChangeListener) -> None:
        """Stop telling a listener (a window that closes while the library stays open)."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _changed(self, kind: str, ids: list[int]) -> None:
        for listener in list(self._listeners):
            listener(kind, ids)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            conn = self.db.conn
            with library_faults(self.path):
                conn.execute("BEGIN IMMEDIATE")
            try:
                yield
                with library_faults(self.path):
                    conn.execute("COMMIT")
            except BaseException:
                # SQLite rolls back by itself after some failures (a full disk); a second
                # ROLLBACK would then fail and hide the error that matters.
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def _write(self, sql: str, params=()) -> sqlite3.Cursor:
        with self._lock:
            return self.db.execute(sql, params)

    # -- batches ----------------------------------------------------------------------------------

    def batch_named(self, name: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM batches WHERE name = ?", [name]))
        return rows[0] if rows else None

    def batch_for_root(self, root: Path, source: str = "") -> dict | None:
        rows = list(self.db.query("SELECT * FROM batches WHERE root = ? AND source = ?",
                                  [str(root), source]))
        return rows[0] if rows else None

    def batches(self) -> list[dict]:
        return list(self.db.query(
            "SELECT b.*, (SELECT COUNT(*) FROM takes t WHERE t.batch_id = b.id) AS take_count "
            "FROM batches b ORDER BY b.name"))

    def add_batch(self, name: str, root: Path, source: str = "") -> dict:
        existing = self.batch_named(name)
        if existing:
            if Path(existing["root"]) != root or existing["source"] != source:
                raise LibraryError(f"A batch named {name!r} already exists at {existing['root']}. "
                                   "Choose another name with --name.")
            return existing
        self._write("INSERT INTO batches (name, root, source, created_at) VALUES (?, ?, ?, ?)",
                    (name, str(root), source, now()))
        self._changed("batches", [])
        return self.batch_named(name)

    def relink_batch(self, name: str, new_root: str | os.PathLike) -> dict:
        """Point a moved batch at its new root. Refused when none of its takes are there."""
        batch = self.batch_named(name)
        if not batch:
            raise LibraryError(f"There is no batch named {name!r}.")
        root = Path(new_root).resolve()
        rel_paths = [r["rel_path"] for r in self.db.query(
            "SELECT rel_path FROM takes WHERE batch_id = ?", [batch["id"]])]
        found = sum(1 for rel in rel_paths if (root / rel).is_file())
        if rel_paths and found == 0:
            raise LibraryError(f"None of the {len(rel_paths)} takes of {name!r} are in {root}; "
                               "the batch was not re-linked.")
        self._write("UPDATE batches SET root = ? WHERE id = ?", (str(root), batch["id"]))
        self._changed("batches", [])
        return {"batch": name, "root": str(root), "found": found, "missing": len(rel_paths) - found}

    def rename_batch(self, name: str, new_name: str) -> str:
        """Give a batch another name (its takes follow). Returns the name it now has."""
        batch = self.batch_named(name)
        if not batch:
            raise LibraryError(f"There is no batch named {name!r}.")
        new_name = " ".join(new_name.split())
        if not new_name:
            raise LibraryError("A batch needs a name; it was not renamed.")
        if new_name == name:
            return name
        other = self.batch_named(new_name)
        if other and other["id"] != batch["id"]:
            raise LibraryError(f"There is already a batch named {new_name!r}; choose another name.")
        self._write("UPDATE batches SET name = ? WHERE id = ?", (new_name, batch["id"]))
        self._changed("batches", [])
        return new_name

    def remove_batch(self, name: str) -> int:
        """Take a batch out of the library: its takes and everything decided about them. The media
        files stay where they are, untouched. Returns how many takes were removed."""
        batch = self.batch_named(name)
        if not batch:
            raise LibraryError(f"There is no batch named {name!r}.")
        with self.transaction():
            count = self.db.execute("SELECT COUNT(*) FROM takes WHERE batch_id = ?", [batch["id"]]).fetchone()[0]
            # The takes' reviews, notes, analyses and swap specs go with them (ON DELETE CASCADE).
            self.db.execute("DELETE FROM takes WHERE batch_id = ?", [batch["id"]])
            self.db.execute("DELETE FROM batches WHERE id = ?", [batch["id"]])
        self._changed("batches", [])
        return count

    def set_batch_target(self, name: str, target: str) -> None:
        self._write("UPDATE batches SET target = ? WHERE name = ?", (target, name))
        self._changed("batches", [])

    # -- takes ------------------------------------------------------------------------------------

    def take_by_fingerprint(self, fingerprint: str) -> Take | None:
        rows = list(self.db.query(_TAKE_SELECT + " WHERE t.fingerprint = ?", [fingerprint]))
        return _take_row(rows[0]) if rows else None

    def fingerprints(self) -> set[str]:
        return {r["fingerprint"] for r in self.db.query("SELECT fingerprint FROM takes")}

    def add_take(self, batch_id: int, record: dict) -> int:
        """Insert a take (columns of the takes table) and its empty review. Returns its id."""
        record = {**record, "batch_id": batch_id, "imported_at": now(),
                  "sort_name": migrations.sort_name(record["rel_path"])}
        columns = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        with self.transaction():
            cur = self.db.execute(f"INSERT INTO takes ({columns}) VALUES ({marks})", list(record.values()))
            take_id = cur.lastrowid
            # An untouched review has no time, so it never wins a merge against a real decision.
            self.db.execute("INSERT INTO reviews (take_id, updated_at) VALUES (?, '')", (take_id,))
        self._changed("takes", [take_id])
        return take_id

    def set_model(self, take_ids: list[int], model: str) -> None:
        """The model that made these takes, as the editor says (a sidecar may have had none)."""
        self._set_metadata(take_ids, {"model": " ".join(model.split())})

    def set_prompt(self, take_ids: list[int], prompt: str) -> None:
        """These takes' prompt, and so their prompt group (the takes Compare shows together)."""
        prompt = prompt.strip()
        self._set_metadata(take_ids, {"prompt": prompt, "prompt_group": prompt_group_key(prompt)})

    def _set_metadata(self, take_ids: list[int], values: dict) -> None:
        for take_id in take_ids:
            self._require_take(take_id)
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self.transaction():
            for take_id in take_ids:
                self.db.execute(f"UPDATE takes SET {assignments} WHERE id = ?", [*values.values(), take_id])
        self._changed("metadata", list(take_ids))

    def takes(self, batch: str | None = None) -> list[Take]:
        if batch is None:
            rows = self.db.query(_TAKE_SELECT + " ORDER BY b.name, t.rel_path")
        else:
            rows = self.db.query(_TAKE_SELECT + " WHERE b.name = ? ORDER BY t.rel_path", [batch])
        return [_take_row(r) for r in rows]

    def analysis_candidates(self, batch: str | None = None) -> list[tuple[int, bool]]:
        """(take id, surely due) for each take that is or may be due an analysis, in the order
        `takes` lists them.

        Due without reading the take: no analysis yet, one against another target than the
        batch's, or the import's report of the sound alone. To look at: a replace take with a post
        track, or one whose analysis measured a post mix (its delivered sound depends on the post
        track and its spec). Every other take's analysis is current, so a library of 50,000
        analysed takes is checked without loading one."""
        where, params = (" WHERE b.name = ?", [batch]) if batch is not None else ("", [])
        found = []
        for take_id, missing, other_target, at_import, replace, post_mix in self.db.execute(
                "SELECT t.id, a.take_id IS NULL, a.target IS NOT COALESCE(NULLIF(b.target, ''), ?), "
                "COALESCE(json_extract(a.details, '$.source'), '') = ?, "
                "COALESCE(r.audio_verdict, '') = 'replace' AND s.take_id IS NOT NULL, "
                "COALESCE(json_extract(a.details, '$.source'), ?) != ? "
                "FROM takes t JOIN batches b ON b.id = t.batch_id LEFT JOIN reviews r ON r.take_id = t.id "
                f"LEFT JOIN analyses a ON a.take_id = t.id LEFT JOIN swap_specs s ON s.take_id = t.id{where} "
                "ORDER BY b.name, t.rel_path",
                [DEFAULT_TARGET, SOUND_AT_IMPORT_SOURCE, NATIVE_SOURCE, NATIVE_SOURCE, *params]):
            if missing or other_target or at_import or replace or post_mix:
                # The import's report (the sound alone) is surely due its dialogue and sync.
                found.append((take_id, bool(missing or other_target or at_import)))
        return found

    def decided_takes(self, batch: str | None = None) -> list[DecidedTake]:
        """Each take's model, prompt, length, decisions and analysis flags: what the pick statistics
        count, read without making whole takes of the library."""
        from soundon.core.model_stats import DecidedTake  # noqa: PLC0415 — the prompt checks load only when counted

        where, params = (" WHERE b.name = ?", [batch]) if batch is not None else ("", [])
        parsed: dict[str, tuple[str, ...]] = {}   # a few distinct flag lists among thousands of takes
        found = []
        for model, prompt, duration, flag, rating, audio_verdict, flags in self.db.execute(
                "SELECT t.model, t.prompt, t.duration, COALESCE(r.flag, 'none'), COALESCE(r.rating, 0), "
                "COALESCE(r.audio_verdict, 'undecided'), a.flags FROM takes t JOIN batches b ON b.id = t.batch_id "
                f"LEFT JOIN reviews r ON r.take_id = t.id LEFT JOIN analyses a ON a.take_id = t.id{where} "
                "ORDER BY b.name, t.rel_path", params):
            if flags and flags not in parsed:
                parsed[flags] = tuple(json.loads(flags))
            found.append(DecidedTake(model, prompt, duration, flag, rating, audio_verdict,
                                     parsed[flags] if flags else None))
        return found

    # -- browsing: a view reads the ids in its order, then only the rows it shows ----------------

    def take_ids(self, take_filter: TakeFilter = TakeFilter(), sort_key: str = "name",
                 descending: bool = False) -> list[int]:
        return ordered_ids(self.db.conn, take_filter, sort_key, descending)

    def takes_by_ids(self, take_ids: list[int]) -> dict[int, Take]:
        found: dict[int, Take] = {}
        for start in range(0, len(take_ids), 500):   # SQLite's limit on parameters is far above; stay modest
            chunk = take_ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for row in self.db.query(_TAKE_SELECT + f" WHERE t.id IN ({marks})", chunk):
                take = _take_row(row)
                found[take.id] = take
        return found

    def take_paths(self, take_ids: list[int]) -> dict[int, str]:
        """Each take's file path, without reading the rest of it."""
        found: dict[int, str] = {}
        for start in range(0, len(take_ids), 500):
            chunk = take_ids[start:start + 500]
            marks = ", ".join("?" for _ in chunk)
            for take_id, root, rel_path in self.db.execute(
                    f"SELECT t.id, b.root, t.rel_path FROM takes t JOIN batches b ON b.id = t.batch_id "
                    f"WHERE t.id IN ({marks})", chunk):
                found[take_id] = os.path.join(root, rel_path)   # a tenth of Path's cost, for thousands
        return found

    def take_count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM takes").fetchone()[0]

    def models(self) -> list[str]:
        """Every model name in the library, A–Z."""
        names = [row[0] for row in self.db.execute("SELECT DISTINCT model FROM takes WHERE model != ''")]
        return sorted(names, key=str.casefold)

    def prompt_groups(self, batch: str | None = None) -> list[dict]:
        """Each batch's prompt groups (or one batch's) with their take count and prompt (the batch tree)."""
        where, params = (" WHERE b.name = ?", [batch]) if batch is not None else ("", [])
        return list(self.db.query(
            "SELECT b.name AS batch, t.prompt_group, COUNT(*) AS takes, MIN(t.prompt) AS prompt "
            f"FROM takes t JOIN batches b ON b.id = t.batch_id{where} GROUP BY t.batch_id, t.prompt_group", params))

    def prompt_variations(self, batch: str | None = None) -> list[dict]:
        """Each prompt group's distinct prompts (its variations), with the shortest take's length."""
        where, params = (" AND b.name = ?", [batch]) if batch is not None else ("", [])
        return list(self.db.query(
            "SELECT b.name AS batch, t.prompt_group, t.prompt, MIN(t.duration) AS duration "
            f"FROM takes t JOIN batches b ON b.id = t.batch_id WHERE t.prompt != ''{where} "
            "GROUP BY t.batch_id, t.prompt_group, t.prompt", params))

    def takes_in_group(self, batch: str, prompt_group: str) -> list[Take]:
        rows = self.db.query(_TAKE_SELECT + " WHERE b.name = ? AND t.prompt_group = ? ORDER BY t.sort_name, t.id",
                             [batch, prompt_group])
        return [_take_row(r) for r in rows]

    def take(self, take_id: int) -> Take | None:
        rows = list(self.db.query(_TAKE_SELECT + " WHERE t.id = ?", [take_id]))
        return _take_row(rows[0]) if rows else None

    def resolve_take(self, ref: str) -> Take:
        """A TAKE on the command line: its library id, or its path."""
        if ref.isdigit():
            found = self.take(int(ref))
            if found:
                return found
        path = Path(ref).expanduser().resolve()
        for batch in self.db.query("SELECT id, root FROM batches"):
            root = Path(batch["root"])
            if path.is_relative_to(root):
                rel = path.relative_to(root).as_posix()
                rows = list(self.db.query(_TAKE_SELECT + " WHERE t.batch_id = ? AND t.rel_path = ?",
                                          [batch["id"], rel]))
                if rows:
                    return _take_row(rows[0])
        raise LibraryError(f"No take {ref!r} in the library. Use a take id from `soundon list` or the path "
                           "of an imported file.")

    # -- review decisions -------------------------------------------------------------------------

    def set_flag(self, take_id: int, flag: Flag | str) -> None:
        flag = Flag(flag)
        self._review(take_id, "flag", flag.value)

    def set_rating(self, take_id: int, rating: int) -> None:
        self._review(take_id, "rating", check_rating(rating))

    def set_audio_verdict(self, take_id: int, verdict: AudioVerdict | str) -> None:
        self._review(take_id, "audio_verdict", AudioVerdict(verdict).value)

    def review_state(self, take_id: int) -> dict:
        rows = list(self.db.query("SELECT flag, rating, audio_verdict FROM reviews WHERE take_id = ?",
                                  [take_id]))
        return rows[0] if rows else {"flag": "none", "rating": 0, "audio_verdict": "undecided"}

    def review_updated_at(self, take_id: int) -> str:
        """When the take's decision was last made ('' when it never was)."""
        row = self.db.execute("SELECT updated_at FROM reviews WHERE take_id = ?", [take_id]).fetchone()
        return row[0] if row else ""

    def _review(self, take_id: int, column: str, value) -> None:
        self._require_take(take_id)
        self._write(
            f"INSERT INTO reviews (take_id, {column}, updated_at) VALUES (?, ?, ?) "
            f"ON CONFLICT(take_id) DO UPDATE SET {column} = excluded.{column}, updated_at = excluded.updated_at",
            (take_id, value, now()))
        self._changed("review", [take_id])

    def add_note(self, take_id: int, note: Note, author: str = "") -> int:
        self._require_take(take_id)
        cur = self._write("INSERT INTO notes (take_id, text, start, end, author, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?)", (take_id, note.text, note.start, note.end, author, now()))
        self._changed("notes", [take_id])
        return cur.lastrowid

    def delete_note(self, note_id: int) -> None:
        rows = list(self.db.query("SELECT take_id FROM notes WHERE id = ?", [note_id]))
        self._write("DELETE FROM notes WHERE id = ?", (note_id,))
        if rows:
            self._changed("notes", [rows[0]["take_id"]])

    def notes(self, take_id: int) -> list[dict]:
        return list(self.db.query("SELECT * FROM notes WHERE take_id = ? ORDER BY COALESCE(start, 0), id",
                                  [take_id]))

    def merge_reviews(self, decisions: list) -> tuple[int, int]:
        """Other reviewers' decisions, checked beforehand: (take id, MergedDecision) pairs. Written in
        one transaction; a decision is taken when it is newer than ours. Returns (decisions taken,
        notes added)."""
        with self.transaction():
            taken, added = self._merge_reviews_here(decisions)
        self._tell_merged(taken, added, [])
        return len(taken), len(added)

    def _merge_reviews_here(self, decisions: list) -> tuple[list[int], list[int]]:
        taken, added = [], []
        for take_id, decision in decisions:
            rows = list(self.db.query("SELECT updated_at FROM reviews WHERE take_id = ?", [take_id]))
            ours = stored_time(rows[0]["updated_at"]) if rows else None
            if decision.updated_at is not None and (ours is None or decision.updated_at > ours):
                self.db.execute(
                    "INSERT INTO reviews (take_id, flag, rating, audio_verdict, updated_at) VALUES (?, ?, ?, ?, ?) "
                    "ON CONFLICT(take_id) DO UPDATE SET flag = excluded.flag, rating = excluded.rating, "
                    "audio_verdict = excluded.audio_verdict, updated_at = excluded.updated_at",
                    (take_id, decision.flag, decision.rating, decision.verdict, spelled(decision.updated_at)))
                taken.append(take_id)
            existing = {(n["text"], n["start"], n["end"]) for n in self.notes(take_id)}
            for note in decision.notes:
                key = (note["text"], note["start"], note["end"])
                if key not in existing:
                    self.db.execute(
                        "INSERT INTO notes (take_id, text, start, end, author, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                        (take_id, note["text"], note["start"], note["end"], note["author"],
                         note["created_at"] or now()))
                    existing.add(key)
                    added.append(take_id)
        return taken, added

    def _tell_merged(self, taken: list[int], added: list[int], swapped: list[int]) -> None:
        if taken:
            self._changed("review", taken)
        if added:
            self._changed("notes", sorted(set(added)))
        if swapped:
            self._changed("swap", swapped)

    # -- the team server's queue (store/team_sync.py pushes it) -----------------------------------

    def queued_changes(self) -> list[dict]:
        """Changes not yet on the team server, oldest first, with their take's batch and fingerprint."""
        return list(self.db.query(
            "SELECT q.id, q.kind, q.take_id, q.note_id, t.fingerprint, t.rel_path, b.name AS batch "
            "FROM sync_queue q JOIN takes t ON t.id = q.take_id JOIN batches b ON b.id = t.batch_id "
            "ORDER BY q.id"))

    def drop_queued(self, queue_id: int) -> None:
        """The change is on the server (its own transaction, so a sync stopped later keeps it done)."""
        self._write("DELETE FROM sync_queue WHERE id = ?", (queue_id,))

    def swap_row(self, take_id: int) -> dict | None:
        """The take's stored swap spec as it is kept: track path (relative to its batch folder when
        inside it), the spec, and when it was set."""
        rows = list(self.db.query("SELECT track_path, spec, updated_at FROM swap_specs WHERE take_id = ?", [take_id]))
        return rows[0] if rows else None

    def seen_on_server(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT key FROM sync_seen")}

    def merge_pulled(self, decisions: list, swaps: list, seen: set[str]) -> tuple[list[int], list[int], list[int]]:
        """Decisions pulled from the team server, merged as merge_reviews does, and swap specs
        ((take id, track path, spec dict, time) — the newer wins), in one transaction that doesn't
        queue them again; `seen` are the server comments merged. Returns the takes whose decision,
        notes and swap spec changed."""
        with self.transaction():
            self.db.execute("INSERT INTO sync_quiet (busy) VALUES (1)")
            taken, added = self._merge_reviews_here(decisions)
            swapped = []
            for take_id, track, spec, moment in swaps:
                row = self.swap_row(take_id)
                ours = stored_time(row["updated_at"]) if row else None
                if ours is None or moment > ours:
                    self.db.execute(
                        "INSERT OR REPLACE INTO swap_specs (take_id, track_path, spec, updated_at) VALUES (?, ?, ?, ?)",
                        (take_id, track, json.dumps(spec, sort_keys=True), spelled(moment)))
                    swapped.append(take_id)
            self.db.conn.executemany("INSERT OR IGNORE INTO sync_seen (key) VALUES (?)", [(k,) for k in seen])
            self.db.execute("DELETE FROM sync_quiet")
        self._tell_merged(taken, added, swapped)
        return taken, added, swapped

    def _require_take(self, take_id: int) -> None:
        if not list(self.db.query("SELECT 1 FROM takes WHERE id = ?", [take_id])):
            raise LibraryError(f"There is no take with id {take_id}.")

    # -- analysis and swap specs ------------------------------------------------------------------

    def save_analysis(self, take_id: int, target: str, result: dict) -> None:
        columns = ("integrated_lufs", "true_peak_dbtp", "lra", "short_term_max_lufs", "mono_loss_lu",
                   "correlation_p5", "low_freq_share", "phone_loss_lu")
        values = [result.get(c) for c in columns]
        details = {k: v for k, v in result.items() if k not in columns and k not in ("flags", "file")}
        if not list(self.db.query("SELECT 1 FROM takes WHERE id = ?", [take_id])):
            return   # its batch was removed while the take was being analysed
        self._write(
            f"INSERT OR REPLACE INTO analyses (take_id, target, {', '.join(columns)}, flags, verdict, details, "
            f"analyzed_at) VALUES (?, ?, {', '.join('?' for _ in columns)}, ?, ?, ?, ?)",
            (take_id, target, *values, json.dumps(result.get("flags", [])),
             translation_verdict(list(result.get("flags", []))), json.dumps(details), now()))
        self._changed("analysis", [take_id])

    def analysis(self, take_id: int) -> dict | None:
        """A take's stored translation report: the measured columns, flags and details merged."""
        rows = list(self.db.query("SELECT * FROM analyses WHERE take_id = ?", [take_id]))
        if not rows:
            return None
        row = dict(rows[0])
        details = json.loads(row.pop("details") or "{}")
        row["flags"] = json.loads(row["flags"] or "[]")
        return {**details, **row}

    def save_swap_spec(self, take_id: int, track_path: str | os.PathLike, spec: SwapSpec) -> None:
        """The take's post track and how it is laid under the take; the take's `swap` from now on.
        A spec without a nudge keeps the native audio's stored one (set_nudge changes it)."""
        self._require_take(take_id)
        if not spec.nudge_ms:
            spec = spec.with_changes(nudge_ms=self._stored_nudge(take_id))
        self._write("INSERT OR REPLACE INTO swap_specs (take_id, track_path, spec, updated_at) VALUES (?, ?, ?, ?)",
                    (take_id, self._stored_track_path(take_id, track_path),
                     json.dumps(spec.to_dict(), sort_keys=True), now()))
        self._changed("swap", [take_id])

    def delete_swap_spec(self, take_id: int) -> None:
        """The take has no post track any more (its verdict and its native audio's nudge are left as
        they are)."""
        self._require_take(take_id)
        nudge = self._stored_nudge(take_id)
        with self.transaction():
            self._write("DELETE FROM swap_specs WHERE take_id = ?", (take_id,))
            if nudge:
                self._write("INSERT INTO swap_specs (take_id, track_path, spec, updated_at) VALUES (?, '', ?, ?)",
                            (take_id, json.dumps({"nudge_ms": nudge}), now()))
        self._changed("swap", [take_id])

    def set_nudge(self, take_id: int, nudge_ms: float) -> None:
        """Shift the take's native audio by nudge_ms (positive: later) on export; 0 takes it away.
        Kept in the take's swap spec: beside its post track when it has one, on its own otherwise
        (a row without a track path, which lists as no post track)."""
        self._require_take(take_id)
        nudge = SwapSpec(nudge_ms=nudge_ms).nudge_ms     # the spec's range check
        rows = list(self.db.query("SELECT track_path, spec FROM swap_specs WHERE take_id = ?", [take_id]))
        if rows and rows[0]["track_path"]:
            stored = json.loads(rows[0]["spec"] or "{}")
            stored.pop("nudge_ms", None)
            if nudge:
                stored["nudge_ms"] = nudge
            self._write("UPDATE swap_specs SET spec = ?, updated_at = ? WHERE take_id = ?",
                        (json.dumps(stored, sort_keys=True), now(), take_id))
        elif nudge:
            self._write("INSERT OR REPLACE INTO swap_specs (take_id, track_path, spec, updated_at) "
                        "VALUES (?, '', ?, ?)", (take_id, json.dumps({"nudge_ms": nudge}), now()))
        else:
            self._write("DELETE FROM swap_specs WHERE take_id = ?", (take_id,))
        self._changed("swap", [take_id])

    def _stored_nudge(self, take_id: int) -> float:
        row = self.db.execute("SELECT json_extract(spec, '$.nudge_ms') FROM swap_specs WHERE take_id = ?",
                              [take_id]).fetchone()
        return float(row[0]) if row and row[0] is not None else 0.0

    def _stored_track_path(self, take_id: int, track_path: str | os.PathLike) -> str:
        """A track inside the take's batch folder is stored relative to it, like the take, so a moved
        and re-linked batch keeps its tracks; any other track is stored as an absolute path."""
        path = Path(track_path).expanduser().resolve()
        root = Path(self.db.execute("SELECT b.root FROM takes t JOIN batches b ON b.id = t.batch_id "
                                    "WHERE t.id = ?", [take_id]).fetchone()[0])
        return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def _take_row(row: dict) -> Take:
    """A take as callers see it: absolute path, booleans, the analysis flags and the post track
    with its spec decoded."""
    row = dict(row)
    flags = row.pop("analysis_flags", None)
    track, spec = row.pop("post_track", None), row.pop("swap_spec", None)
    row["intelligibility"] = _intelligibility(row.get("intelligibility"))
    values = {name: row[name] for name in _TAKE_FIELDS}
    return Take(**values, path=str(Path(row["batch_root"]) / row["rel_path"]),
                has_audio=bool(row["has_audio"]), variable_frame_rate=bool(row["variable_frame_rate"]),
                analysis_flags=tuple(json.loads(flags)) if flags else None,
                swap=_post_track(str(Path(row["batch_root"]) / track), spec) if track else None)


_TAKE_FIELDS = tuple(f.name for f in fields(Take)
                     if f.name not in ("path", "has_audio", "variable_frame_rate", "analysis_flags", "swap"))


def _intelligibility(stored: str | None) -> tuple | None:
    """The stored per-environment figures as (environment, figure, rating) rows."""
    if not stored:
        return None
    try:
        places = json.loads(stored)
        return tuple((name, value.get("stoi"), value.get("rating")) for name, value in places.items())
    except (ValueError, AttributeError):
        return None


def _post_track(track: str, stored_spec: str | None) -> PostTrack:
    try:
        return PostTrack(track, SwapSpec.from_dict(json.loads(stored_spec or "{}")))
    except (ValueError, TypeError) as exc:     # SwapSpecError and JSONDecodeError are ValueErrors
        return PostTrack(track, SwapSpec(), problem=str(exc))
