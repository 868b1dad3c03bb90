"""The page of hits: documents holding every clause first, and what the snippets mark."""

from __future__ import annotations

import heapq

from .analysis import prefix_term
from .expansion import Thesaurus, alternatives
from .querying import clause_terms
from .highlighting import QueryHighlighter


def highlighter_for(clauses, thesaurus: Thesaurus | None = None) -> QueryHighlighter:
    """Marks the query's words, and the parts and synonyms that matched for them."""
    terms: list[str] = []
    prefixes: list[str] = []
    for c in clauses:
        if c.kind == "prefix":
            prefixes.append(prefix_term(c.words[0]))
        else:
            terms.extend(clause_terms(c))
            for alt in alternatives(c, thesaurus):
                for sub in alt.clauses:
                    terms.extend(clause_terms(sub))
    return QueryHighlighter(terms, prefixes)


def ranked_page(scores: dict, tier1: set | None, allowed: set, start: int, end: int) -> list[int]:
    """Documents holding every clause first, then the rest; each tier by
    score (ties: document number).  Only the top ``end`` of a tier are
    ordered (a heap), never the whole match set."""
    tiers = [allowed & tier1, allowed - tier1] if tier1 is not None else [allowed]
    out: list[int] = []
    offset = 0
    for tier in tiers:
        if not tier:
            continue
        if offset + len(tier) > start and offset < end:
            lo = max(0, start - offset)
            hi = min(len(tier), end - offset)
            out.extend(best(tier, scores, hi)[lo:hi])
        offset += len(tier)
        if offset >= end:
            break
    return out


def best(docs, scores: dict, n: int) -> list:
    """The ``n`` first of ``docs`` by score, best first (ties: document number).

    ``heapq.nlargest`` keyed by the C-level ``scores.__getitem__`` picks them
    at less than half the cost of a Python key making a tuple per document;
    only when the ``n``-th and the next score tie is the exact order needed
    to choose between equals (then every document gets the tuple key)."""
    exact = lambda d: (-scores[d], d)  # noqa: E731
    if n <= 0:
        return []
    if n >= len(docs):
        return sorted(docs, key=exact)
    top = heapq.nlargest(n + 1, docs, key=scores.__getitem__)
    if scores[top[n - 1]] == scores[top[n]]:
        return heapq.nsmallest(n, docs, key=exact)
    return sorted(top[:n], key=exact)
