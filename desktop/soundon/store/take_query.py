"""Which takes a view lists, and in what order, as one SQL query over the library.

A library grows by hundreds of takes a day, so browsing never loads it into Python: the scope
(batch, prompt group), the filters (model, flag, rating ≥ N, audio verdict, translation verdict),
the search words and the sort become one query that returns the take ids in view order; the views
then read the rows they show (store/library.py `takes_by_ids`).

Ties always fall back to the take's name, then its id, so the order is stable and ↑/↓ walk it
predictably; a descending sort reverses the whole order. A search ranks by relevance (FTS5's bm25)
before the sort.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from operator import itemgetter

SORT_KEYS = {
    "name": "Name",
    "model": "Model",
    "rating": "Rating",
    "duration": "Duration",
}
_SORT_COLUMN = {"name": None, "model": "t.model COLLATE NOCASE", "rating": "COALESCE(r.rating, 0)",
                "duration": "t.duration"}


@dataclass(frozen=True)
class TakeFilter:
    batch: str | None = None          # None: every batch
    prompt_group: str | None = None   # None: every group of the batch
    model: str | None = None
    flag: str | None = None           # 'pick' | 'reject' | 'none'
    min_rating: int = 0
    audio_verdict: str | None = None  # 'keep' | 'replace' | 'undecided'
    translation: str | None = None    # core/translation.py verdicts; 'unanalysed' for none yet
    search: str = ""                  # words the file name, prompt, model or notes must hold

    def where(self, *, search: bool = True) -> tuple[str, list]:
        """The filter as a WHERE clause over takes t, reviews r, analyses a (without the search words
        when the query joins the search itself, to rank by it)."""
        clauses, params = [], []
        for sql, value in (("t.batch_id = (SELECT id FROM batches WHERE name = ?)", self.batch),
                           ("t.prompt_group = ?", self.prompt_group),
                           ("t.model = ?", self.model), ("COALESCE(r.flag, 'none') = ?", self.flag),
                           ("COALESCE(r.audio_verdict, 'undecided') = ?", self.audio_verdict)):
            if value is not None:
                clauses.append(sql)
                params.append(value)
        if self.min_rating:
            clauses.append("COALESCE(r.rating, 0) >= ?")
            params.append(self.min_rating)
        if self.translation == "unanalysed":
            clauses.append("a.take_id IS NULL")
        elif self.translation is not None:
            clauses.append("a.verdict = ?")
            params.append(self.translation)
        match = match_expression(self.search) if search else ""
        if match:
            clauses.append("t.id IN (SELECT rowid FROM take_search WHERE take_search MATCH ?)")
            params.append(match)
        elif search and self.search.strip():
            clauses.append("0")   # only punctuation: nothing can match it
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params

    def reads_reviews(self) -> bool:
        return self.flag is not None or self.audio_verdict is not None or bool(self.min_rating)


def match_expression(text: str) -> str:
    """What the editor typed as an FTS5 query: every word must appear, each as a prefix ("bel"
    finds "bells"). Quotes and operators are the editor's text, never query syntax."""
    words = re.findall(r"\w+", text, flags=re.UNICODE)
    return " ".join(f'"{word}"*' for word in words)


def ordered_ids_sql(take_filter: TakeFilter, sort_key: str = "name", descending: bool = False, *,
                    with_rating: bool = False) -> tuple[str, list]:
    """The query that lists the filter's take ids in view order (with each take's rating beside it,
    if asked). Only the tables the filter and the sort read are joined: at 50,000 takes each join
    costs as much as the rest of the query."""
    if sort_key not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort_key!r}")
    match = match_expression(take_filter.search)
    where, params = take_filter.where(search=not match)
    direction = " DESC" if descending else ""
    keys = [f"{column}{direction}" for column in (_SORT_COLUMN[sort_key],) if column]
    keys += [f"t.sort_name{direction}", f"t.id{direction}"]
    if match:
        # bm25 over the matched rows only (a sub-select per row would rank every take)
        ranked = ("JOIN (SELECT rowid AS take_id, bm25(take_search) AS score FROM take_search "
                  "WHERE take_search MATCH ?) found ON found.take_id = t.id")
        params = [match, *params]
        keys.insert(0, "found.score")
    else:
        ranked = ""
    joins = [ranked] if ranked else []
    if take_filter.reads_reviews() or sort_key == "rating" or with_rating:
        joins.append("LEFT JOIN reviews r ON r.take_id = t.id")
    if take_filter.translation is not None:
        joins.append("LEFT JOIN analyses a ON a.take_id = t.id")
    columns = "t.id, COALESCE(r.rating, 0)" if with_rating else "t.id"
    sql = f"SELECT {columns} FROM takes t {' '.join(joins)}{where} ORDER BY {', '.join(keys)}"
    return sql, params


def ordered_ids(conn: sqlite3.Connection, take_filter: TakeFilter, sort_key: str = "name",
                descending: bool = False) -> list[int]:
    """The filter's take ids in view order.

    By rating without a search, SQLite would sort every row in a temporary B-tree (the rating is in
    another table than the name, so no index holds both orders): the takes are read in name order
    from its index instead, with their rating, and a stable sort by rating keeps the name order
    within each rating. Descending reverses the whole order, as ORDER BY … DESC does."""
    if sort_key == "rating" and not match_expression(take_filter.search):
        sql, params = ordered_ids_sql(take_filter, "name", with_rating=True)
        rows = conn.execute(sql, params).fetchall()
        rows.sort(key=itemgetter(1))
        ids = list(map(itemgetter(0), rows))
        if descending:
            ids.reverse()
        return ids
    sql, params = ordered_ids_sql(take_filter, sort_key, descending)
    return list(map(itemgetter(0), conn.execute(sql, params).fetchall()))
