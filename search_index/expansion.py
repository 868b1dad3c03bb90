"""Query expansion: what else a query word should find, and how much less it counts.

Two sources, both applied per clause at query time (the index holds only
what is written, plus compound parts):

* **compound parts**: a compound typed in the query also finds texts that
  write its parts apart (beskæftigelsesindsats → texts with both
  "beskæftigelse" and "indsats"), weighted ``PART_WEIGHT``;
* **the thesaurus** (``data/thesaurus.tsv``, plus entries an index was built
  with from content): synonyms, renamed terms and abbreviations
  (sprogskole → danskuddannelse), weighted ``SYNONYM_WEIGHT`` and named to the
  reader; a search can switch them off (``SearchRequest.expand``).

Lower weights keep exact matches first: a text that says what was typed
outranks one that only says a part or a synonym.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from pathlib import Path

from .analysis import WORD_PATTERN, canonical_term
from .compounds import split_compound
from .querying import Clause

import re

__all__ = [
    "PART_WEIGHT",
    "SYNONYM_WEIGHT",
    "Alternative",
    "Thesaurus",
    "ThesaurusError",
    "shipped_thesaurus",
    "alternatives",
    "parse_thesaurus",
    "expanded_scores",
    "thesaurus_of",
]

log = logging.getLogger(__name__)

#: Alternatives are looked for only while the words typed find fewer texts than
#: this: beyond it, texts found only by a lower-weighted alternative would rank
#: below a page's worth of exact matches anyway, and computing them is most of
#: the cost of a common word (each alternative is a search of its own).
EXPAND_BELOW = 200
PART_WEIGHT = 0.35
SYNONYM_WEIGHT = 0.5
THESAURUS_KINDS = ("synonym", "renamed", "abbreviation")
_WORD_RE = re.compile(WORD_PATTERN)


@dataclass(frozen=True)
class Alternative:
    """Another way to match one clause: ``clauses`` must all match (the parts
    of a compound) or the one clause does (a synonym); ``label`` is what the
    reader is told (None for compound parts, which are not announced)."""

    clauses: tuple[Clause, ...]
    weight: float
    label: str | None = None


def _key(words: tuple[str, ...]) -> tuple[str, ...] | None:
    terms = tuple(t for t in (canonical_term(w) for w in words) if t)
    return terms or None


class Thesaurus:
    """Groups of equivalent terms, looked up by the canonical (stemmed, folded)
    forms of their words, so any inflection of a term finds its group."""

    def __init__(self, groups: list[tuple[str, ...]]) -> None:
        self.groups = [tuple(dict.fromkeys(g)) for g in groups if len(g) > 1]
        self._by_key: dict[tuple[str, ...], list[str]] = {}
        for group in self.groups:
            for term in group:
                key = _key(tuple(_WORD_RE.findall(term.lower())))
                if key is None:
                    continue
                others = self._by_key.setdefault(key, [])
                others.extend(
                    t
                    for t in group
                    if t != term and t not in others and _key(tuple(_WORD_RE.findall(t.lower()))) != key
                )

    def merged(self, extra: "Thesaurus | None") -> "Thesaurus":
        return self if extra is None or not extra.groups else Thesaurus(self.groups + extra.groups)

    def related(self, words: tuple[str, ...]) -> list[str]:
        key = _key(words)
        return list(self._by_key.get(key, ())) if key else []


class ThesaurusError(ValueError):
    """A malformed thesaurus line; ``str()`` is ``source:line: message``."""

    def __init__(self, source: str, line: int, message: str) -> None:
        super().__init__(f"{source}:{line}: {message}")
        self.source, self.line, self.message = source, line, message


def parse_thesaurus(text: str, source: str = "thesaurus.tsv") -> list[tuple[str, ...]]:
    """Lines ``terms<TAB>kind<TAB>explanation`` → groups of terms. A bad line
    raises ThesaurusError (an entry must say why it is there)."""
    groups = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) < 3 or not cols[2].strip():
            raise ThesaurusError(
                source, n, "skriv 'termer<TAB>art<TAB>kilde eller forklaring' (adskilt af tabulatorer)"
            )
        kind = cols[1].strip()
        if kind not in THESAURUS_KINDS:
            raise ThesaurusError(source, n, f"ukendt art {kind!r}; brug {', '.join(THESAURUS_KINDS)}")
        terms = tuple(t.strip().lower() for t in cols[0].split(",") if t.strip())
        if len(terms) < 2:
            raise ThesaurusError(source, n, "en gruppe skal have mindst to termer, adskilt af kommaer")
        groups.append(terms)
    return groups


@functools.cache
def shipped_thesaurus() -> Thesaurus:
    path = Path(__file__).resolve().parent / "data" / "thesaurus.tsv"
    return Thesaurus(parse_thesaurus(path.read_text(encoding="utf-8"), str(path)))


def _as_clause(term: str) -> Clause | None:
    words = tuple(w.lower() for w in _WORD_RE.findall(term))
    if not words:
        return None
    return Clause("word", words) if len(words) == 1 else Clause("phrase", words)


def alternatives(clause: Clause, thesaurus: Thesaurus | None) -> list[Alternative]:
    """The other ways ``clause`` may match. ``thesaurus=None``: compound parts only."""
    out: list[Alternative] = []
    if clause.kind == "prefix":
        return out
    if clause.kind == "word":
        parts = split_compound(clause.words[0])
        if parts:
            out.append(Alternative(tuple(Clause("word", (p,)) for p in parts), PART_WEIGHT))
    if thesaurus is not None:
        for term in thesaurus.related(clause.words):
            alt = _as_clause(term)
            if alt is not None and alt != clause:
                out.append(Alternative((alt,), SYNONYM_WEIGHT, term))
    return out


def expanded_scores(clause_scores, clause: Clause, thesaurus: Thesaurus | None, visible):
    """(document -> score, thesaurus terms that found a visible document) of
    one clause with its alternatives: the parts of a compound (all required)
    and, with a thesaurus, its terms, each weighted below the clause itself.
    ``clause_scores(clause)`` gives one clause's scores (cached by the caller;
    never mutated here)."""
    exact = clause_scores(clause)
    if len(exact) >= EXPAND_BELOW:
        return exact, ()
    alts = alternatives(clause, thesaurus)
    if not alts:
        return exact, ()
    scores = dict(exact)
    used: list[str] = []
    for alt in alts:
        parts = [clause_scores(c) for c in alt.clauses]
        if not all(parts):
            continue
        docs = set(min(parts, key=len))
        if len(parts) > 1:
            for other in parts:
                docs.intersection_update(other.keys())
        if not docs:
            continue
        if alt.label is not None and not visible.isdisjoint(docs - exact.keys()):
            used.append(alt.label)  # it found something the words typed did not
        w = alt.weight
        get = scores.get
        for d in docs:
            scores[d] = get(d, 0.0) + w * sum(p[d] for p in parts)
    return scores, tuple(used)


def thesaurus_of(extra_file: Path) -> Thesaurus:
    """The shipped thesaurus plus the content's entries an index was built with
    (``extra_file``; a damaged one is logged and ignored, never a failed search)."""
    try:
        extra = extra_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        return shipped_thesaurus()
    except (OSError, UnicodeDecodeError):
        log.exception("thesaurus %s ignored", extra_file)
        return shipped_thesaurus()
    try:
        return shipped_thesaurus().merged(Thesaurus(parse_thesaurus(extra, str(extra_file))))
    except ThesaurusError:
        log.exception("thesaurus %s ignored", extra_file)
        return shipped_thesaurus()
