"""Danish full-text search for the portal — a Flask-free library over Whoosh.

Architecture
============

The portal talks to this package only through plain dataclasses and one
class; nothing outside ``search_index`` imports Whoosh, so the engine can be
swapped without touching the web layer.  Nothing in here imports Flask or
``portal``.

    portal ──IndexDocument──▶ SearchIndex.build / update / delete
    portal ──SearchRequest──▶ SearchIndex.search ──▶ SearchResponse(SearchHit…)

Modules (each small, named for what it holds):

``documents``    The public dataclasses (``IndexDocument``, ``SearchRequest``,
                 ``SearchHit``, ``SearchResponse``), ``FACETS``, and the
                 exceptions ``QueryError`` / ``IndexLockTimeout``.
``analysis``     Danish analysis: tokenizer, Danish stop words, Snowball
                 Danish stemming, then our own folding (å→aa, ø→oe, æ→ae,
                 é→e) — plus a fold-before-stem form so every å/aa, ø/oe
                 spelling pair meets.  Also the unstemmed spelling analyzer
                 and a Danish sort key.
``schema``       The Whoosh schema, defined once (a comment per field), and
                 ``IndexDocument`` → field values.
``querying``     Our own small query language (words, "phrases", prefix*),
                 with caps, translated into Whoosh query objects.  Whoosh's
                 query parser is never exposed.
``facets``       Per-reader-generation cache of each document's audience and
                 facet values; filtering (OR within a facet, AND across) and
                 disjunctive facet counts, in plain Python.
``snippets``     HTML-escaped snippets with ``<mark>`` via Whoosh highlighting
                 over text fetched from the caller's ``text_source``.
``suggestions``  "Did you mean" from the unstemmed vocabulary of public
                 documents only.
``index``        ``SearchIndex``: build a new index, open one, search,
                 incremental update/delete with a bounded write-lock wait.

Search flow: parse q (may raise QueryError) → build Whoosh queries → the set
of matching document numbers, restricted to the reader's audiences → facet
filters and disjunctive counts from the cache → exact total → score only the
requested page (documents holding every word first, then the rest; or browse
in Danish title order when there is no query text) → snippets for that page
→ suggestion.

Audience: a document is visible only if its ``audience`` is in
``SearchRequest.audiences``; invisible documents are never matched, counted
or used for suggestions.
"""

from .documents import (
    FACETS,
    IndexDocument,
    IndexLockTimeout,
    IndexUnavailable,
    QueryError,
    SearchHit,
    SearchRequest,
    SearchResponse,
)
from .index import SearchIndex
from .querying import MAX_PREFIX_EXPANSIONS, MAX_QUERY_CHARS, MAX_QUERY_TERMS, MIN_PREFIX_CHARS

__all__ = [
    "IndexDocument",
    "SearchRequest",
    "SearchHit",
    "SearchResponse",
    "QueryError",
    "IndexLockTimeout",
    "IndexUnavailable",
    "SearchIndex",
    "FACETS",
    "MAX_QUERY_CHARS",
    "MAX_QUERY_TERMS",
    "MIN_PREFIX_CHARS",
    "MAX_PREFIX_EXPANSIONS",
]
