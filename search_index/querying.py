"""Our own small, safe query language, and its translation to Whoosh queries.

Whoosh's query parser is never used: users cannot write field names,
operators, ranges or boosts.  The language is:

* words: ``flygtninge kommune``
* phrases in double quotes: ``"tidlig indsats"``
* a trailing ``*`` for a prefix: ``flygt*`` (at least
  ``MIN_PREFIX_CHARS`` letters before the ``*``, at most
  ``MAX_PREFIX_EXPANSIONS`` index terms per field).

Everything else is punctuation and separates words.  Input → parse:

    'flygtninge i "tidlig indsats"'   → word flygtninge, word i, phrase tidlig indsats
    'title:x^1000'                     → words title, x, 1000
    '[a TO z]'                         → words a, to, z
    '((((a))))' / '*a*' / 'a*'         → word a   (prefix needs 3 letters)
    '*'                                → nothing  (browse)

Caps: a query longer than ``MAX_QUERY_CHARS`` characters, or with more than
``MAX_QUERY_TERMS`` searchable words (stop words not counted), raises
:class:`QueryError` with a Danish message — we refuse rather than truncate,
so a user who pasted a paragraph is told why instead of silently getting
results for its first words.

Matching: each word / phrase / prefix becomes a *clause*, matched in title
(x3), kommune names (x2), topics (x1.5) and body.  The clauses are OR-ed (a
document scores the sum of the clauses it holds, so a query never comes back
empty while one of its words matches), and ``SearchIndex`` ranks the
documents holding *all* clauses first (``all_query``).

Whoosh's coordination bonus (``Or(..., scale=0.9)``) is deliberately NOT used:
in whoosh-reloaded 2.7.5 its ``CoordMatcher`` gives a different top-k
depending on the result limit (a higher-scoring document went missing from
``limit=3`` but not from ``limit=None``), which breaks paging.  The explicit
all-words tier gives the preference it was meant to give, exactly.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .analysis import WORD_PATTERN, query_terms_for_word
from .documents import QueryError

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "MIN_PREFIX_CHARS",
    "MAX_PREFIX_EXPANSIONS",
    "Clause",
    "ParsedQuery",
    "parse_query",
    "plan_clauses",
    "clause_terms",
]

MAX_QUERY_CHARS = 500
MAX_QUERY_TERMS = 12
MIN_PREFIX_CHARS = 3
MAX_PREFIX_EXPANSIONS = 50

_WORD_RE = re.compile(WORD_PATTERN)
_PHRASE_RE = re.compile(r'"([^"]*)"')
_WORD_CHAR_RE = re.compile(r"\w")


@dataclass(frozen=True)
class Clause:
    kind: str  # "word" | "phrase" | "prefix"
    words: tuple[str, ...]  # lowercase words as typed (unstemmed)

    def render(self, replacements: dict[str, str] | None = None) -> str:
        r = replacements or {}
        words = [r.get(w, w) for w in self.words]
        if self.kind == "phrase":
            return '"' + " ".join(words) + '"'
        if self.kind == "prefix":
            return words[0] + "*"
        return words[0]


@dataclass(frozen=True)
class ParsedQuery:
    clauses: tuple[Clause, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    def render(self, replacements: dict[str, str] | None = None) -> str:
        """The query as text, optionally with some words replaced."""
        return " ".join(c.render(replacements) for c in self.clauses)


def _clean(q: str) -> str:
    q = unicodedata.normalize("NFC", q)
    # NUL and other control / format / unassigned / surrogate characters → space.
    return "".join(" " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") else c for c in q)


def _plain_clauses(text: str) -> list[Clause]:
    out: list[Clause] = []
    for raw in text.replace('"', " ").split():
        words = [w.lower() for w in _WORD_RE.findall(raw)]
        if not words:
            continue
        core = raw.rstrip("*")
        is_prefix = (
            raw.endswith("*")
            and core
            and _WORD_CHAR_RE.fullmatch(core[-1]) is not None
            and len(words[-1]) >= MIN_PREFIX_CHARS
        )
        if is_prefix:
            out.extend(Clause("word", (w,)) for w in words[:-1])
            out.append(Clause("prefix", (words[-1],)))
        else:
            out.extend(Clause("word", (w,)) for w in words)
    return out


def parse_query(q: str | None) -> ParsedQuery:
    """Parse user text into clauses.  Never raises anything but QueryError."""
    if not q:
        return ParsedQuery()
    if not isinstance(q, str):
        raise QueryError("Søgningen skal være tekst.")
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(
            f"Søgningen er for lang ({len(q)} tegn). Brug højst {MAX_QUERY_CHARS} tegn "
            "– prøv med nogle få, præcise ord."
        )
    text = _clean(q)
    clauses: list[Clause] = []
    pos = 0
    for m in _PHRASE_RE.finditer(text):
        clauses.extend(_plain_clauses(text[pos : m.start()]))
        words = tuple(w.lower() for w in _WORD_RE.findall(m.group(1)))
        if len(words) == 1:
            clauses.append(Clause("word", words))
        elif words:
            clauses.append(Clause("phrase", words))
        pos = m.end()
    clauses.extend(_plain_clauses(text[pos:]))
    # Drop repeats ("a a a ..."), keep order.
    return ParsedQuery(tuple(dict.fromkeys(clauses)))


def plan_clauses(parsed: ParsedQuery) -> list[Clause]:
    """The clauses that can match anything (stop-word-only clauses dropped),
    engine-independent.  Raises QueryError when over MAX_QUERY_TERMS."""
    counted: list[Clause] = []
    n_terms = 0
    for clause in parsed.clauses:
        if clause.kind == "prefix":
            n = 1
        else:
            n = sum(1 for w in clause.words if query_terms_for_word(w))
        if n:
            n_terms += n
            counted.append(clause)
        if n_terms > MAX_QUERY_TERMS:
            raise QueryError(
                f"Søgningen har for mange ord. Brug højst {MAX_QUERY_TERMS} ord – prøv med nogle få, præcise ord."
            )
    return counted


def clause_terms(clause: Clause) -> list[str]:
    """Index terms a word or phrase clause matches (for highlighting and for
    engines that take terms): all forms of a word, the canonical forms of a
    phrase's words.  Prefix clauses: [] (see :func:`prefix_term`)."""
    if clause.kind == "word":
        return query_terms_for_word(clause.words[0])
    if clause.kind == "phrase":
        out: list[str] = []
        for w in clause.words:
            out.extend(query_terms_for_word(w))
        return list(dict.fromkeys(out))
    return []


# -- "did you mean": the engine-neutral part -------------------------------------
MIN_WORD_CHARS = 3  # shorter words are never corrected
MAX_CANDIDATES = 50  # candidate words an engine examines per unknown word


def corrected(parsed: ParsedQuery, is_known, correct, respell=None) -> str | None:
    """The query text with each unknown word replaced by its correction, or None.

    Prefixes, short and non-alphabetic words are left alone; ``is_known(word)``
    and ``correct(word)`` are the engine's (vocabulary of public documents only);
    ``respell(word)``, when given, is asked when ``correct`` has nothing
    (misspelt compounds, ASCII spellings: respelling.py)."""
    replacements: dict[str, str] = {}
    for clause in parsed.clauses:
        if clause.kind == "prefix":
            continue
        for word in clause.words:
            if word in replacements or len(word) < MIN_WORD_CHARS or not word.isalpha() or is_known(word):
                continue
            fixed = correct(word) or (respell(word) if respell is not None else None)
            if fixed:
                replacements[word] = fixed
    return parsed.render(replacements) if replacements else None
