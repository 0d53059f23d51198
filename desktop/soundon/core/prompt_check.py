"""The audio-awareness check of a prompt: how much sound direction it carries, rule by rule.

Seven rules, each worth some points of a 0–100 score (RULES). A rule gives a finding when the prompt
falls short: the words it is based on (spans, for highlighting), what is wrong and a concrete
suggestion — which cue to add and where, and the words "Copy an improved prompt" inserts. A rule that
doesn't apply (no one speaks: no dialogue style to judge) or can't judge (a language without word
lists, a clip of unknown length) says so and is left out of the score, which is then the share of the
points the judged rules could give. No network, no model: the words are data
(resources/prompts/prompt_rules.json, read by core/prompt_words.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from soundon.core.prompt_words import (UNKNOWN_LANGUAGE, Clause, Lexicon, Span, clauses, detect_language, find,
                                       lexicon, quotes, rules_data, tokens)

# (rule, label, points)
RULES = (("environment", "Environment detail", 20), ("dialogue", "Dialogue style", 15),
         ("temporal", "Temporal cues", 15), ("contradictions", "Contradictions", 15),
         ("complexity", "Complexity for the clip length", 10), ("music", "Music direction", 10),
         ("audio_share", "Audio share", 15))
RULE_LABEL = {rule: label for rule, label, _ in RULES}
JUDGED = ("full", "partial", "missing")
AUDIO_SHARE_AIM = 0.4          # "about half": 40 % and more earns every point
SHORT_CLIP_S = 5.0
LAYERED_CLIP_S = 10.0


@dataclass(frozen=True)
class Suggestion:
    text: str           # what to do, in words
    insert: str = ""    # the words an improved prompt gets …
    at: int = -1        # … at this character offset (-1: nothing to insert)


@dataclass(frozen=True)
class Finding:
    rule: str
    message: str
    evidence: tuple[Span, ...]
    suggestion: Suggestion

    def as_dict(self) -> dict:
        s = self.suggestion
        return {"rule": self.rule, "message": self.message, "words": [e.as_dict() for e in self.evidence],
                "suggestion": s.text, "insert": {"text": s.insert, "at": s.at} if s.at >= 0 else None}


@dataclass(frozen=True)
class RuleResult:
    rule: str
    status: str         # full, partial, missing, not_applicable, cannot_judge
    points: int
    out_of: int
    reason: str

    def as_dict(self) -> dict:
        judged = self.status in JUDGED
        return {"rule": self.rule, "label": RULE_LABEL[self.rule], "status": self.status,
                "points": self.points if judged else None, "out_of": self.out_of if judged else None,
                "reason": self.reason}


@dataclass
class Facts:
    """What the prompt says about sound; the rules and the audio need read it."""
    sources: list[Span] = field(default_factory=list)
    events: list[Span] = field(default_factory=list)
    impacts: list[Span] = field(default_factory=list)
    speech: list[Span] = field(default_factory=list)
    lines: list[Span] = field(default_factory=list)          # quoted spoken lines
    delivery: dict = field(default_factory=dict)             # category -> spans
    temporal: list[Span] = field(default_factory=list)
    music: list[Span] = field(default_factory=list)          # empty when the prompt asks for no music
    multilingual: list[Span] = field(default_factory=list)
    multi_shot: list[Span] = field(default_factory=list)
    fast_iteration: list[Span] = field(default_factory=list)
    audio_clauses: list[Clause] = field(default_factory=list)
    audio_share: float = 0.0
    elements: int = 0


@dataclass(frozen=True)
class PromptCheck:
    prompt: str
    language: str                 # a code of the word lists, or 'unknown'
    duration: float | None
    rules: tuple[RuleResult, ...]
    findings: tuple[Finding, ...]
    facts: Facts

    @property
    def score(self) -> int | None:
        judged = [r for r in self.rules if r.status in JUDGED]
        if not judged:
            return None
        return round(100 * sum(r.points for r in judged) / sum(r.out_of for r in judged))

    def explanation(self) -> str:
        """The score in words: each rule's points, or why it was left out."""
        head = f"{self.score}/100" if self.score is not None else "No score"
        reasons = {r.reason for r in self.rules}
        if self.score is None and len(reasons) == 1:
            return f"{head}: {reasons.pop()}."
        parts = []
        for r in self.rules:
            label = RULE_LABEL[r.rule].lower()
            if r.status in JUDGED:
                parts.append(f"{label} {r.points}/{r.out_of} ({r.reason})")
            else:
                parts.append(f"{label} left out ({r.reason})")
        return f"{head}: " + "; ".join(parts) + "."

    def as_dict(self) -> dict:
        return {"prompt": self.prompt, "language": self.language, "duration": self.duration,
                "score": self.score, "explanation": self.explanation(),
                "rules": [r.as_dict() for r in self.rules], "findings": [f.as_dict() for f in self.findings],
                "audio_share": round(self.facts.audio_share, 2), "improved_prompt": improved_prompt(self)}


@lru_cache(maxsize=4096)
def check_prompt(prompt: str, duration: float | None = None) -> PromptCheck:
    """Check one prompt; `duration` is the clip's length in seconds when known. The same prompt
    gives the same check: the tree, the inspector and the statistics share them."""
    prompt = prompt or ""
    code = detect_language(prompt) if prompt.strip() else UNKNOWN_LANGUAGE
    lex = lexicon(code) if code != UNKNOWN_LANGUAGE else None
    if not prompt.strip():
        reason = "the take has no prompt"
        return PromptCheck(prompt, code, duration, tuple(RuleResult(r, "cannot_judge", 0, p, reason)
                                                           for r, _, p in RULES), (), Facts())
    if lex is None:
        known = ", ".join(lexicon(c).name for c, d in rules_data()["languages"].items() if len(d) > 2)
        reason = f"the prompt's language is not one Sound-On has word lists for ({known})"
        return PromptCheck(prompt, code, duration, tuple(RuleResult(r, "cannot_judge", 0, p, reason)
                                                           for r, _, p in RULES), (), Facts())
    facts = _facts(prompt, lex)
    results, findings = [], []
    for rule, _label, points in RULES:
        result, finding = _RULE_CHECKS[rule](prompt, lex, facts, points, duration)
        results.append(result)
        if finding is not None:
            findings.append(finding)
    _share_insert_only_alone(prompt, lex, findings)
    return PromptCheck(prompt, code, duration, tuple(results), tuple(findings), facts)


def manifest_entry(prompt: str, duration: float | None) -> dict | None:
    """A take's prompt check as the export manifest carries it (None for a take without a prompt)."""
    if not prompt.strip():
        return None
    check = check_prompt(prompt, duration or None)
    return {"score": check.score, "explanation": check.explanation(), "findings": [f.as_dict() for f in check.findings]}


def improved_prompt(check: PromptCheck) -> str:
    """The prompt with every finding's words in place: words inside the prompt go in from the last
    offset back (so earlier offsets stay right); words at its end are sentences of their own, added
    in rule order."""
    text = check.prompt
    end = len(text)
    inside = [(f.suggestion.at, f.suggestion.insert) for f in check.findings
              if 0 <= f.suggestion.at < end and f.suggestion.insert]
    for at, words in sorted(inside, key=lambda i: i[0], reverse=True):
        text = text[:at] + words + text[at:]
    for f in check.findings:
        if f.suggestion.at == end and f.suggestion.insert:
            text = text.rstrip()
            if text and text[-1] not in ".!?。\"”»":
                text += "."
            text += " " + f.suggestion.insert.strip()
    return text


# -- reading the prompt -----------------------------------------------------------------------------

def _lists(lex: Lexicon, *names: str) -> list[str]:
    return [w for name in names for w in lex.lists.get(name, ())]


def _inside(span: Span, areas: list[Span]) -> bool:
    return any(a.start <= span.start and span.end <= a.end for a in areas)


def _facts(prompt: str, lex: Lexicon) -> Facts:
    toks = tokens(prompt)
    f = Facts()
    f.lines = quotes(prompt)
    outside = lambda spans: [s for s in spans if not _inside(s, f.lines)]   # noqa: E731 (the quoted words are the line)
    get = lambda *names: outside(find(prompt, _lists(lex, *names), toks))     # noqa: E731
    f.sources, f.events, f.impacts = get("sound_sources"), get("sound_events"), get("impacts")
    f.speech, f.temporal = get("speech"), get("temporal")
    f.delivery = {cat: outside(find(prompt, words, toks)) for cat, words in lex.delivery.items()}
    negated = get("music_negation")
    f.music = [] if negated else get("music")
    f.multilingual, f.multi_shot, f.fast_iteration = get("multilingual"), get("multi_shot"), get("fast_iteration")
    f.audio_clauses = _audio_clauses(prompt, lex, f)
    words = len(toks)
    audio_words = sum(len(tokens(c.text)) for c in f.audio_clauses)
    f.audio_share = audio_words / words if words else 0.0
    sourced = {s.text.casefold() for s in f.sources}
    lonely_events = [e for e in f.events if not any(_same_clause(e, s, f.audio_clauses) for s in f.sources)]
    f.elements = len(sourced) + len({e.text.casefold() for e in lonely_events}) + bool(f.speech or f.lines) \
        + bool(f.music)
    return f


def _same_clause(a: Span, b: Span, audio: list[Clause]) -> bool:
    return any(c.start <= a.start < c.end and c.start <= b.start < c.end for c in audio)


def _audio_clauses(prompt: str, lex: Lexicon, f: Facts) -> list[Clause]:
    """Clauses about sound: they name a sound word, a spoken line or music, sit in a "Sound: …"
    sentence, or continue a list of sounds in the same sentence."""
    labels = set(lex.lists.get("audio_labels", ()))
    # A generic place ("a busy market") is no sound description: the environment rule calls it generic.
    markers = find(prompt, _lists(lex, "audio_markers", "sound_events", "speech", "music", "acoustic_spaces"))
    markers += f.lines
    continuing = f.sources + find(prompt, _lists(lex, "materials", "relative_level", "temporal"))
    found, previous = [], None
    for clause in clauses(prompt):
        touches = lambda spans: any(s.start < clause.end and clause.start < s.end for s in spans)  # noqa: E731
        audio = (clause.labelled in labels or touches(markers)
                 or (previous is not None and previous.sentence == clause.sentence and touches(continuing)))
        if audio:
            found.append(clause)
        previous = clause if audio else None
    return found


def _cannot(rule: str, lex: Lexicon, points: int, *needed: str) -> tuple[RuleResult, None] | None:
    missing = [n for n in needed if not lex.has(n)]
    if not missing:
        return None
    words = " and ".join(n.replace("_", " ") for n in missing)
    return RuleResult(rule, "cannot_judge", 0, points, f"no {words} words for {lex.name} yet"), None


def _quoted(spans) -> str:
    return ", ".join(f"'{s.text}'" for s in spans)


# -- the rules ----------------------------------------------------------------------------------

def _environment(prompt, lex, f, points, duration):
    cannot = _cannot("environment", lex, points, "sound_sources", "materials", "acoustic_spaces",
                     "generic_soundscapes")
    if cannot:
        return cannot
    specific = f.sources + f.events + find(prompt, _lists(lex, "materials", "acoustic_spaces"))
    named = sorted({s.text.casefold() for s in specific})
    generic = find(prompt, _lists(lex, "generic_soundscapes"))
    n = len(named)
    scored = points if n >= 3 else round(points * (0.7 if n == 2 else 0.35 if n == 1 else 0))
    status = "full" if n >= 3 else "partial" if n else "missing"
    reason = (f"names {', '.join(named)}" if n else "no sound source, place or material named") \
        + ("" if n >= 3 else "; three or more make it full")
    result = RuleResult("environment", status, scored, points, reason)
    if n >= 2:
        return result, None
    sources = _place_sounds(prompt, lex)
    if duration is not None and duration < SHORT_CLIP_S:
        sources = sources.split(",")[0]      # a short clip: one sound, not a layered scene
    insert = lex.inserts.get("environment", "Sound: {sources}.").format(sources=sources)
    where = "after the picture's description, at the end"
    if generic:
        message = f"{_quoted(generic)} is generic: it names no sound source, place or material."
    elif n == 1:
        message = f"Only {_quoted(specific[:1])} is named as a sound; the place is otherwise silent."
    else:
        message = "No sound source, place or material is named."
    suggestion = Suggestion(f"Name two or three sound sources and what they touch, {where}: \"{insert}\"",
                            insert, len(prompt))
    return result, Finding("environment", message, tuple(generic or specific), suggestion)


def _place_sounds(prompt: str, lex: Lexicon) -> str:
    """Typical sources of the place the prompt names (a market: vendors, coins…), else a default."""
    for place, sounds in lex.places.items():
        if find(prompt, [place, place + "s"]):
            return sounds
    return lex.inserts.get("environment_default", "")


def _dialogue(prompt, lex, f, points, _duration):
    if not lex.has("speech"):
        return _cannot("dialogue", lex, points, "speech")
    spoken = f.speech or f.lines
    if not spoken:
        return RuleResult("dialogue", "not_applicable", 0, points, "no one speaks"), None
    cannot = _cannot("dialogue", lex, points, "delivery")
    if cannot:
        return cannot
    found = {cat: spans for cat, spans in f.delivery.items() if spans}
    missing = [cat for cat in f.delivery if cat not in found]
    if len(found) >= 2:
        words = ", ".join(f"{cat} '{spans[0].text}'" for cat, spans in found.items())
        return RuleResult("dialogue", "full", points, points, f"the line's {words}"), None
    anchor = f.speech[0] if f.speech else f.lines[0]
    insert = lex.inserts.get("dialogue", "")
    if found:
        cat, spans = next(iter(found.items()))
        result = RuleResult("dialogue", "partial", round(points / 2), points,
                            f"only the line's {cat} ('{spans[0].text}') is given")
        message = f"Only the {cat} of the line is given ('{spans[0].text}'): not its {', '.join(missing)}."
    else:
        result = RuleResult("dialogue", "missing", 0, points, "nothing says how the line is spoken")
        message = f"{_quoted([anchor])}: the prompt gives the words but not how they are said " \
                  "(emotion, volume, pace, manner)."
    suggestion = Suggestion(f"Say how the line is spoken, right after {_quoted([anchor])}: \"{insert.strip(' ,')}\"",
                            insert, anchor.end) if insert else Suggestion("Say how the line is spoken.")
    return result, Finding("dialogue", message, (anchor,), suggestion)


def _temporal(prompt, lex, f, points, _duration):
    cannot = _cannot("temporal", lex, points, "temporal", "audio_markers")
    if cannot:
        return cannot
    if not f.audio_clauses:
        return RuleResult("temporal", "not_applicable", 0, points, "no sound described yet"), None
    sentences = {c.sentence for c in f.audio_clauses}
    audio_sentences = [c for c in clauses(prompt) if c.sentence in sentences]
    cues = [t for t in f.temporal if any(c.start <= t.start < c.end for c in audio_sentences)]
    if cues:
        return RuleResult("temporal", "full", points, points, f"the sound changes: {_quoted(cues[:3])}"), None
    # The cue goes after the last sound that can change (a source or an event), else as a sentence
    # of its own at the end.
    sounding = [c for c in f.audio_clauses if any(c.start <= s.start < c.end for s in f.sources + f.events)]
    evidence = tuple(Span(c.start, c.end, c.text) for c in f.audio_clauses[:3])
    result = RuleResult("temporal", "missing", 0, points, "nothing begins, fades, enters or leaves")
    message = "The soundscape is static: no sound begins, fades, enters or leaves."
    if sounding:
        last = sounding[-1]
        insert, at = lex.inserts.get("temporal", ""), last.start + len(last.text.rstrip())
        where = f"after '{last.text.strip()}'"
    else:
        insert = lex.inserts.get("temporal_sentence", "")
        at, where = len(prompt), "at the end"
    suggestion = Suggestion(f"Say how the sound moves over the clip, {where}: \"{insert.strip(' ,')}\"", insert, at)
    return result, Finding("temporal", message, evidence, suggestion)


def _contradictions(prompt, lex, f, points, _duration):
    cannot = _cannot("contradictions", lex, points, "quiet", "loud", "relative_level")
    if cannot:
        return cannot
    quiet, loud = find(prompt, _lists(lex, "quiet")), find(prompt, _lists(lex, "loud"))
    loud = [s for s in loud if not any(q.start == s.start for q in quiet)]
    if not (quiet and loud):
        return RuleResult("contradictions", "not_applicable", 0, points, "no opposed sound cues"), None
    placed = find(prompt, _lists(lex, "relative_level"))
    if placed:
        return RuleResult("contradictions", "full", points, points,
                          f"{quiet[0].text!r} and {loud[0].text!r} are placed: {_quoted(placed[:2])}"), None
    insert = lex.inserts.get("contradiction", "")
    result = RuleResult("contradictions", "missing", 0, points,
                        f"{quiet[0].text!r} against {loud[0].text!r} with no level or position")
    message = (f"{_quoted(quiet[:1])} and {_quoted(loud[:1])} pull against each other, and nothing says "
               "which is louder or where each comes from.")
    suggestion = Suggestion(f"Give the louder sound a level and a place, right after {_quoted(loud[:1])}: "
                            f"\"{insert.strip()}\"", insert, _clause_end(prompt, loud[0]))
    return result, Finding("contradictions", message, (quiet[0], loud[0]), suggestion)


def _clause_end(prompt: str, span: Span) -> int:
    """Where the clause holding a span ends (before its punctuation): words added there follow
    the whole phrase ("loud construction", not "loud")."""
    for clause in clauses(prompt):
        if clause.start <= span.start < clause.end:
            return clause.start + len(clause.text.rstrip())
    return span.end


def _complexity(prompt, lex, f, points, duration):
    cannot = _cannot("complexity", lex, points, "sound_sources", "sound_events", "dominant")
    if cannot:
        return cannot
    if duration is None or duration <= 0:
        return RuleResult("complexity", "cannot_judge", 0, points, "the clip's length is not known"), None
    if f.elements == 0:
        return RuleResult("complexity", "not_applicable", 0, points, "no sound element yet"), None
    dominant = find(prompt, _lists(lex, "dominant"))
    elements = f"{f.elements} sound element{'s' if f.elements != 1 else ''}"
    evidence = tuple((f.sources + f.events)[:4])
    if duration < SHORT_CLIP_S and f.elements >= 3 and not dominant:
        anchor = (f.sources or f.events)[0]
        insert = lex.inserts.get("complexity_short", "")
        result = RuleResult("complexity", "missing", 0, points, f"{elements} in {duration:.1f} s, none dominant")
        message = f"{elements.capitalize()} in a {duration:.1f} s clip: under {SHORT_CLIP_S:g} s one sound should dominate."
        return result, Finding("complexity", message, evidence, Suggestion(
            f"Make one sound the main one, e.g. after '{anchor.text}': \"{insert.strip()}\"", insert, anchor.end))
    if SHORT_CLIP_S <= duration < LAYERED_CLIP_S and f.elements >= 5 and not dominant:
        anchor = (f.sources or f.events)[0]
        insert = lex.inserts.get("complexity_short", "")
        result = RuleResult("complexity", "partial", round(points / 2), points,
                            f"{elements} in {duration:.1f} s, none dominant")
        message = f"{elements.capitalize()} in a {duration:.1f} s clip, none said to dominate."
        return result, Finding("complexity", message, evidence, Suggestion(
            f"Say which sound leads, e.g. after '{anchor.text}': \"{insert.strip()}\"", insert, anchor.end))
    if duration >= LAYERED_CLIP_S and f.elements <= 1:
        insert = lex.inserts.get("complexity_long", "")
        result = RuleResult("complexity", "partial", round(points / 2), points,
                            f"{elements} for {duration:.1f} s")
        message = f"A {duration:.1f} s clip can carry layers, and the prompt has {elements}."
        return result, Finding("complexity", message, evidence, Suggestion(
            f"Add a quieter layer under it, at the end: \"{insert}\"", insert,
            len(prompt)))
    return RuleResult("complexity", "full", points, points, f"{elements} for {duration:.1f} s"), None


def _music(prompt, lex, f, points, _duration):
    if not lex.has("music"):
        return _cannot("music", lex, points, "music")
    if not f.music:
        negated = find(prompt, _lists(lex, "music_negation"))
        return RuleResult("music", "not_applicable", 0, points,
                          "the prompt asks for no music" if negated else "no music asked for"), None
    cannot = _cannot("music", lex, points, "genre", "tempo", "mood")
    if cannot:
        return cannot
    parts = {part: find(prompt, _lists(lex, part)) for part in ("genre", "tempo", "mood")}
    found = {part: spans for part, spans in parts.items() if spans}
    missing = [part for part in parts if part not in found]
    if not missing:
        return RuleResult("music", "full", points, points,
                          ", ".join(f"{p} '{s[0].text}'" for p, s in found.items())), None
    scored = round(points * len(found) / 3)
    result = RuleResult("music", "partial" if found else "missing", scored, points,
                        f"music without its {', '.join(missing)}")
    anchor = f.music[0]
    words = " ".join(lex.inserts.get(f"music_{part}", "") for part in ("tempo", "mood", "genre") if part in missing)
    insert = f" ({words.strip()})" if words.strip() else ""
    message = f"Music is asked for ({_quoted([anchor])}) without its {' or '.join(missing)}."
    suggestion = Suggestion(f"Give the music its {', '.join(missing)}, right after {_quoted([anchor])}: "
                            f"\"{words.strip()}\"", insert, anchor.end if insert else -1)
    return result, Finding("music", message, (anchor,), suggestion)


def _audio_share(prompt, lex, f, points, _duration):
    cannot = _cannot("audio_share", lex, points, "audio_markers", "sound_events", "speech", "music")
    if cannot:
        return cannot
    share = f.audio_share
    percent = round(share * 100)
    scored = points if share >= AUDIO_SHARE_AIM else round(points * (0.67 if share >= 0.25 else 0.33 if share >= 0.1 else 0))
    status = "full" if share >= AUDIO_SHARE_AIM else "partial" if scored else "missing"
    result = RuleResult("audio_share", status, scored, points, f"about {percent}% of the words describe sound")
    if share >= AUDIO_SHARE_AIM:
        return result, None
    insert = lex.inserts.get("environment", "Sound: {sources}.").format(sources=_place_sounds(prompt, lex))
    message = f"About {percent}% of the prompt describes sound; aim for about half."
    evidence = tuple(Span(c.start, c.end, c.text) for c in f.audio_clauses[:3])
    suggestion = Suggestion(f"Describe what we hear in about as many words as what we see, e.g. at the end: "
                            f"\"{insert}\"", insert, len(prompt))
    return result, Finding("audio_share", message, evidence, suggestion)


def _share_insert_only_alone(prompt: str, lex: Lexicon, findings: list[Finding]) -> None:
    """The audio share is raised by the other findings' words when they add any; its own sentence
    is inserted only when nothing else would be (no sentence twice)."""
    others = any(f.suggestion.at >= 0 for f in findings if f.rule != "audio_share")
    for n, finding in enumerate(findings):
        if finding.rule == "audio_share" and others:
            s = finding.suggestion
            findings[n] = Finding(finding.rule, finding.message, finding.evidence, Suggestion(s.text))


_RULE_CHECKS = {"environment": _environment, "dialogue": _dialogue, "temporal": _temporal,
                "contradictions": _contradictions, "complexity": _complexity, "music": _music,
                "audio_share": _audio_share}
