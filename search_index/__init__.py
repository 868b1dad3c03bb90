"""Danish full-text search for the portal — a Flask-free library over Whoosh
or tantivy.

Architecture
============

The portal talks to this package only through plain dataclasses and one
class; nothing outside ``search_index`` imports Whoosh or tantivy, so the
engine can be swapped without touching the web layer.  Nothing in here
imports Flask or ``portal``.

    portal ──IndexDocument──▶ SearchIndex.build / update / delete
    portal ──SearchRequest──▶ SearchIndex.search ──▶ SearchResponse(SearchHit…)

Engines: ``SearchIndex.build(..., engine=)`` or ``$PORTAL_SEARCH_ENGINE``
(``whoosh`` by default, or ``tantivy``) chooses the engine of a new index;
the index records it in ``engine.json`` and is always opened with it.  Both
engines use the same Danish analysis (ours, in Python), query language,
facets, audiences, snippets and suggestions, and pass the same tests.

Modules (each small, named for what it holds). Engine-neutral:

``documents``      The public dataclasses (``IndexDocument``, ``SearchRequest``,
                   ``SearchHit``, ``SearchResponse``), ``FACETS``, and the
                   exceptions ``QueryError`` / ``IndexLockTimeout`` / ``IndexUnavailable``.
``analysis``       Danish analysis as plain functions: words, Danish stop words
                   (``data/stopwords-da.txt``), Snowball Danish stemming (PyStemmer),
                   then our own folding (å→aa, ø→oe, æ→ae, é→e) with a fold-before-stem
                   form so every å/aa, ø/oe spelling pair meets; kommune names kept as
                   names; pre-analysed text for tantivy.
``collation``      The one Danish sort key of the portal.
``compounds``      Danish compound splitting into known parts (linking s/e), with
                   guards against nonsense splits; ``compound_forms`` the index
                   forms that come from it (the low-weight ``parts`` field).
``lexicon``        The shipped word lists of ``data/`` (DSDO lexicon, kommune
                   names, folding guard, inflection exceptions, thesaurus);
                   ``lexicon_build`` regenerates them.
``expansion``      Query-time alternatives of a clause: compound parts written
                   apart and the field's thesaurus, each weighted lower.
``respelling``     Corrections of misspelt compounds and ASCII spellings.
``fields``         The text fields both engines match, with their boosts.
``querying``       Our own small query language (words, "phrases", prefix*),
                   with caps; the clauses are engine-independent.
``facets``         Per-generation table of each document's audience and facet
                   values; filtering (OR within a facet, AND across) and
                   disjunctive facet counts; browse results cached per generation.
``snippets``       HTML-escaped snippets with ``<mark>``: our own cheap
                   highlighter over text from the caller's ``text_source``.
``hits``           The page of hits (documents holding every clause first) and
                   what the snippets mark.
``result_cache``   What was computed for the live snapshot, least recently used out.
``engine``         The engine contract (``Engine``, ``Snapshot`` Protocols).
``engines``        Which engine a new index gets, and which one built an index.
``index``          ``SearchIndex``: the search flow, paging, writing.

Per engine (only these import their library; ``tests/test_layers.py`` checks):

``engine_whoosh``  Whoosh: build, open, writing; ``whoosh_snapshot`` per-term BM25F
                   scoring from raw posting blocks, phrase check from positions;
                   ``whoosh_schema`` (the schema, a comment per field),
                   ``whoosh_analyzers`` (the analysis as Whoosh tokens) and
                   ``whoosh_suggestions`` ("did you mean" from the unstemmed
                   vocabulary of public documents only).
``engine_tantivy`` tantivy: pre-analysed fields, build, writing; ``tantivy_snapshot``
                   BM25 per field and suggestions.

Search flow: parse q (may raise QueryError) → per clause, the score of every
matching document (engine) → restricted to the reader's audiences → facet
filters and disjunctive counts from the table → exact total → the requested
page from a heap (documents holding every clause first, then the rest; or
browse in Danish title order when there is no query text) → snippets for
that page → suggestion.

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
from .snippets import section_marker, strip_sections
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
    "section_marker",
    "strip_sections",
]
