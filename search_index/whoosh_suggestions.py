""" "Did you mean" suggestions from the vocabulary of PUBLIC documents.

The vocabulary is the ``spell`` field: real lowercase words, unstemmed and
unfolded, filled only for audience "public" (see ``schema.py``), so a
suggestion is always a word a reader could have typed and never leaks a
network-only document.  (A corrector over the stemmed fields would suggest
the stem "flyt" for "flygtnige"; we want "flygtninge".)

A query word is *unknown* when it is neither in that vocabulary nor matches
any document visible to the reader (so "aarhus" is known through folding even
if the texts only say "Århus").  Only unknown words are corrected; a query
whose words are all known gets no suggestion.

Candidates are the words within edit distance 1, else 2, sharing the first
letter; the most frequent live one wins (ties: alphabetical).  Whoosh's
``ReaderCorrector`` is not used because it ranks distance-2 words like
distance-1 words.

Input → Output: "flygtnige" → "flygtninge"; "flygtnige job" → "flygtninge job";
"flygtninge" → None.
"""

from __future__ import annotations

from itertools import islice

from whoosh import query as wq
from whoosh.query import Term
from whoosh.support.levenshtein import distance

from .analysis import query_terms_for_word
from .querying import MAX_CANDIDATES, ParsedQuery, corrected
from .respelling import respell
from .fields import SPELL_FIELD, TEXT_FIELD_BOOSTS

__all__ = ["suggest"]


def word_query(word: str) -> wq.Query | None:
    """A Whoosh query for one word in every text field, or None for a stop word."""
    terms = query_terms_for_word(word)
    if not terms:
        return None
    return wq.Or([wq.Term(fname, t, boost=boost) for fname, boost in TEXT_FIELD_BOOSTS.items() for t in terms])


def _has_live_docs(searcher, q, within: set[int] | None = None) -> bool:
    for docnum in searcher.docs_for_query(q):
        if within is None or docnum in within:
            return True
    return False


def _in_vocabulary(searcher, word: str) -> bool:
    return _has_live_docs(searcher, Term(SPELL_FIELD, word))


def _is_known(searcher, word: str, visible: set[int]) -> bool:
    if _in_vocabulary(searcher, word):
        return True
    q = word_query(word)
    return q is None or _has_live_docs(searcher, q, visible)


def terms_within(reader, fieldname: str, word: str, maxdist: int, prefix: int = 1):
    """Whoosh's ``IndexReader.terms_within`` (the same words, in the same
    order), but a term whose length alone puts it farther than ``maxdist``
    is skipped before the edit distance is computed in Python: most terms
    sharing the first letter are, and the distance was most of a
    misspelling's suggestion time."""
    from_bytes = reader.schema[fieldname].from_bytes
    n = len(word)
    for btext in reader.expand_prefix(fieldname, word[:prefix]):
        term = from_bytes(btext)
        if abs(len(term) - n) <= maxdist and distance(term, word, limit=maxdist) <= maxdist:
            yield term


def _correct(searcher, word: str) -> str | None:
    reader = searcher.reader()
    for maxdist in (1, 2):
        try:
            candidates = set(islice(terms_within(reader, SPELL_FIELD, word, maxdist, prefix=1), MAX_CANDIDATES))
        except KeyError:  # pragma: no cover - field missing in an empty index
            return None
        candidates.discard(word)
        live = [c for c in candidates if _in_vocabulary(searcher, c)]
        if live:
            live.sort(key=lambda c: (-reader.doc_frequency(SPELL_FIELD, c), c))
            return live[0]
    return None


def suggest(searcher, parsed: ParsedQuery, visible: set[int], public: set[int] | None = None) -> str | None:
    """Suggested query text, or None if every word is known / nothing better.
    ``public``: the public documents, which a respelling must find."""

    def term_df(term: str) -> int:
        return searcher.doc_frequency("body", term) + searcher.doc_frequency("title", term)

    def finds(word: str) -> bool:
        q = word_query(word)
        return q is not None and public is not None and _has_live_docs(searcher, q, public)

    return corrected(
        parsed,
        lambda w: _is_known(searcher, w, visible),
        lambda w: _correct(searcher, w),
        lambda w: respell(w, term_df, finds),
    )
