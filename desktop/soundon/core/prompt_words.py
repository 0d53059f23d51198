"""The words the prompt check looks for (resources/prompts/prompt_rules.json), the prompt's language,
and where each listed word or phrase occurs in a prompt (character spans, for highlighting).

An entry ending in * matches any word starting so; a phrase matches consecutive words. Matching is
case-insensitive and never crosses a sentence end.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from soundon.resources import resource_path

WORD = re.compile(r"\w+(?:['’\-]\w+)*")
SENTENCE_END = re.compile(r"[.!?\n]+|[。！？]")
CLAUSE_END = re.compile(r"[,;:()\u2014]|\s[-\u2013]\s")
QUOTE = re.compile(r"\"[^\"]+\"|“[^”]+”|«[^»]+»|„[^“”]+[“”]|(?<!\w)'[^']{3,}'(?!\w)|「[^」]+」")
LABEL = re.compile(r"^\s*(\w+)\s*:")
UNKNOWN_LANGUAGE = "unknown"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True)
class Lexicon:
    """One language's lists. `lists` holds every flat list; `delivery` the four ways a line is said."""
    code: str
    name: str
    lists: dict
    delivery: dict
    places: dict
    inserts: dict

    def has(self, *names: str) -> bool:
        return all(name in self.lists or (name == "delivery" and self.delivery) for name in names)


@lru_cache(maxsize=1)
def rules_data() -> dict:
    return json.loads(resource_path("prompts", "prompt_rules.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=None)
def lexicon(code: str) -> Lexicon | None:
    data = rules_data()["languages"].get(code)
    if data is None:
        return None
    flat = {k: v for k, v in data.items() if isinstance(v, list)}
    return Lexicon(code, data["name"], flat, data.get("delivery", {}), data.get("places", {}), data.get("inserts", {}))


def detect_language(text: str) -> str:
    """The language whose common small words the prompt uses most; 'unknown' when it uses none of
    any language we list (a Japanese prompt, a bare list of nouns)."""
    words = [w.casefold() for w in WORD.findall(text)]
    best, best_hits = UNKNOWN_LANGUAGE, 0
    for code, data in rules_data()["languages"].items():
        stop = set(data.get("stopwords", ()))
        hits = sum(1 for w in words if w in stop)
        if hits > best_hits:
            best, best_hits = code, hits
    # Words without spaces (Japanese, Chinese) give few tokens: a stray Latin word can't decide.
    letters = sum(1 for ch in text if ch.isalpha())
    latin = sum(1 for ch in text if ch.isalpha() and ch.isascii() or "\u00c0" <= ch <= "\u024f")
    if letters and latin / letters < 0.5:
        return UNKNOWN_LANGUAGE
    return best


@dataclass(frozen=True)
class Token:
    text: str       # case-folded
    start: int
    end: int
    sentence: int


def tokens(text: str) -> list[Token]:
    ends = [m.end() for m in SENTENCE_END.finditer(text)]
    found, sentence = [], 0
    for match in WORD.finditer(text):
        while sentence < len(ends) and ends[sentence] <= match.start():
            sentence += 1
        found.append(Token(match.group().casefold(), match.start(), match.end(), sentence))
    return found


def _entry_words(entry: str) -> list[str]:
    star = entry.endswith("*")
    words = [w.casefold() for w in WORD.findall(entry)]
    if star and words:
        words[-1] += "*"
    return words


def _word_matches(pattern: str, word: str) -> bool:
    return word.startswith(pattern[:-1]) if pattern.endswith("*") else word == pattern


def find(text: str, entries, toks: list[Token] | None = None) -> list[Span]:
    """Where the entries occur (longest entry at each word), in text order."""
    toks = tokens(text) if toks is None else toks
    exact, prefixed = _first_words(tuple(entries))
    spans, covered_until = [], -1
    for i, tok in enumerate(toks):
        if tok.start < covered_until:
            continue
        # Only the entries that can start at this word, longest first (as listed among equals).
        candidates = exact.get(tok.text, []) + [c for c in prefixed.get(tok.text[:2], []) + prefixed.get("", [])
                                                if tok.text.startswith(c[2])]
        for _length, _order, _first, words in sorted(candidates):
            if i + len(words) > len(toks):
                continue
            run = toks[i:i + len(words)]
            if run[-1].sentence != tok.sentence:
                continue
            if all(_word_matches(p, t.text) for p, t in zip(words[1:], run[1:])):
                spans.append(Span(tok.start, run[-1].end, text[tok.start:run[-1].end]))
                covered_until = run[-1].end
                break
    return spans


@lru_cache(maxsize=512)
def _first_words(entries: tuple[str, ...]):
    """The entries indexed by their first word, so that a prompt is read once, not once per entry
    (a prompt check looks up a few thousand entries): whole first words in one table, and first
    words ending in * (prefixes) by their first two letters (shorter ones under "")."""
    exact: dict[str, list] = {}
    prefixed: dict[str, list] = {}
    for order, entry in enumerate(entries):
        words = _entry_words(entry)
        if not words:
            continue
        first = words[0]
        stem = first.rstrip("*")
        key = (-len(words), order, stem, words)
        if first.endswith("*"):
            prefixed.setdefault(stem[:2] if len(stem) >= 2 else "", []).append(key)
        else:
            exact.setdefault(first, []).append(key)
    return exact, prefixed


def quotes(text: str) -> list[Span]:
    """Spoken lines written in quotation marks."""
    return [Span(m.start(), m.end(), m.group()) for m in QUOTE.finditer(text)]


@dataclass(frozen=True)
class Clause:
    start: int
    end: int
    text: str
    sentence: int
    labelled: str     # the label word of a "Sound: …" sentence, or ""


def clauses(text: str) -> list[Clause]:
    """The prompt cut at sentence ends and at commas, semicolons, colons and dashes."""
    found, start, sentence = [], 0, 0
    for piece in SENTENCE_END.split(text) if text else []:
        begin = text.find(piece, start) if piece else start
        start = begin + len(piece)
        if not piece.strip():
            continue
        label = LABEL.match(piece)
        label_word = label.group(1).casefold() if label else ""
        offset = 0
        for part in CLAUSE_END.split(piece):
            at = piece.find(part, offset)
            offset = at + len(part)
            if part.strip():
                found.append(Clause(begin + at, begin + at + len(part), part, sentence, label_word))
        sentence += 1
    return found
