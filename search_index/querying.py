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
from dataclasses import dataclass, field
from itertools import islice

from whoosh import query as wq

from .analysis import WORD_PATTERN, canonical_term, prefix_term, query_terms_for_word
from .documents import QueryError
from .schema import TEXT_FIELD_BOOSTS

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "MIN_PREFIX_CHARS",
    "MAX_PREFIX_EXPANSIONS",
    "Clause",
    "ParsedQuery",
    "BuiltQuery",
    "parse_query",
    "build_query",
    "word_query",
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
    return "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn") else c for c in q
    )


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


@dataclass
class BuiltQuery:
    """Whoosh queries for one parsed query.

    ``any_query`` matches documents holding at least one clause (None if no
    clause survived stop-word removal: the caller then browses);
    ``all_query`` matches documents holding every clause (None if < 2).
    """

    parsed: ParsedQuery
    any_query: wq.Query | None = None
    all_query: wq.Query | None = None
    clauses: list[tuple[Clause, wq.Query]] = field(default_factory=list)


def _fields_or(make) -> wq.Query:
    subs = [make(fname, boost) for fname, boost in TEXT_FIELD_BOOSTS.items()]
    subs = [s for s in subs if s is not None]
    if not subs:
        return wq.NullQuery
    return subs[0] if len(subs) == 1 else wq.Or(subs)


def word_query(word: str) -> wq.Query | None:
    """Query for one word in every text field, or None for a stop word."""
    terms = query_terms_for_word(word)
    if not terms:
        return None

    def make(fname, boost):
        ts = [wq.Term(fname, t, boost=boost) for t in terms]
        return ts[0] if len(ts) == 1 else wq.Or(ts)

    return _fields_or(make)


def _phrase_query(words: tuple[str, ...]) -> wq.Query | None:
    surviving = [w for w in words if canonical_term(w)]  # stop words dropped
    if not surviving:
        return None
    if len(surviving) == 1:
        return word_query(surviving[0])
    terms = [canonical_term(w) for w in surviving]
    return _fields_or(lambda fname, boost: wq.Phrase(fname, terms, boost=boost))


def _prefix_query(word: str, reader) -> wq.Query:
    prefix = prefix_term(word)
    schema = reader.schema

    def make(fname, boost):
        expansions = islice(reader.expand_prefix(fname, prefix), MAX_PREFIX_EXPANSIONS)
        to_text = schema[fname].from_bytes
        ts = [wq.Term(fname, to_text(b), boost=boost) for b in expansions]
        if not ts:
            return None
        return ts[0] if len(ts) == 1 else wq.Or(ts)

    return _fields_or(make)


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
                f"Søgningen har for mange ord. Brug højst {MAX_QUERY_TERMS} ord "
                "– prøv med nogle få, præcise ord."
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


def build_query(parsed: ParsedQuery, reader) -> BuiltQuery:
    """Translate clauses into Whoosh queries; prefixes are expanded against
    ``reader``'s term list.  Raises QueryError when over MAX_QUERY_TERMS."""
    built = BuiltQuery(parsed)
    counted = plan_clauses(parsed)
    for clause in counted:
        if clause.kind == "word":
            q = word_query(clause.words[0])
        elif clause.kind == "phrase":
            q = _phrase_query(clause.words)
        else:
            q = _prefix_query(clause.words[0], reader)
        if q is not None:
            built.clauses.append((clause, q))

    subs = [q for _, q in built.clauses]
    if len(subs) == 1:
        built.any_query = subs[0]
    elif subs:
        built.any_query = wq.Or(subs)
        built.all_query = wq.And(subs)
    return built


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
