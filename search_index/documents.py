"""The data the search library takes and gives back: plain dataclasses and
exceptions, no search-engine types.  The portal builds ``IndexDocument``s and
``SearchRequest``s and renders ``SearchResponse``s; it never sees Whoosh."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "FACETS",
    "IndexDocument",
    "SearchRequest",
    "SearchHit",
    "SearchResponse",
    "QueryError",
    "IndexLockTimeout",
]

#: The facet names, in display order.  Also the allowed ``SearchRequest.filters`` keys.
FACETS: tuple[str, ...] = ("type", "kommune", "region", "topic", "evidence", "target_group")

PUBLIC = "public"


@dataclass
class IndexDocument:
    """One searchable item."""

    id: str  # unique key, e.g. "practice:tidlig-virksomhedsrettet-indsats-for-flygtninge"
    type: str  # "practice" | "note" | "network" | "ranking" | "kommune"
    title: str
    url: str  # e.g. "/erfaringer/<slug>"
    body: str = ""  # plain text to index (NOT stored in the index; matching only)
    kommuner: list[str] = field(default_factory=list)  # today's 3-digit kommune codes, e.g. ["101"]
    kommune_names: list[str] = field(default_factory=list)  # current and former names, e.g. ["Billund", "Grindsted"]
    regions: list[str] = field(default_factory=list)  # e.g. ["Hovedstaden"]
    topics: list[str] = field(default_factory=list)  # tags, e.g. ["beskæftigelse", "flygtninge"]
    target_groups: list[str] = field(default_factory=list)  # facet values, e.g. ["flygtninge", "unge"]
    evidence: str | None = None  # "effekt" | "delvis-effekt" | "ingen-effekt" | "ikke-evalueret" | None
    audience: str = PUBLIC  # "public" or "network:<slug>" (visible only to that network's members)
    date: str | None = None  # ISO date/year for sorting, optional
    # Relevance weight of the whole document (Whoosh's document boost). Pages
    # that exist for every kommune weigh less, so "kommunerne" ranks write-ups
    # about kommuner above 98 pages whose title holds the word.
    boost: float = 1.0


@dataclass
class SearchRequest:
    """What the reader asked for."""

    q: str = ""  # user text; empty = browse everything matching the filters
    # facet -> values; keys among FACETS.  OR within one facet, AND across facets.
    # "kommune" values are 3-digit codes.
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    audiences: frozenset[str] = frozenset({PUBLIC})  # which audiences the reader may see
    # Also find the thesaurus' synonyms, renamed terms and abbreviations (lower weight).
    expand: bool = True
    # A query that finds nothing runs its spelling correction instead (and says so).
    correct: bool = True


@dataclass
class SearchHit:
    """One result row, ready to render."""

    id: str
    type: str
    title: str
    url: str
    kommuner: list[str]
    evidence: str | None
    topics: list[str]
    snippet: str  # HTML-safe: text escaped, matched words in <mark>…</mark>; "" if no text
    score: float


@dataclass
class SearchResponse:
    """One page of results plus facet counts."""

    query: str
    total: int  # exact number of visible documents matching query + filters
    page: int
    per_page: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]  # facet -> {value: count}, disjunctive counts
    suggestion: str | None  # "did you mean" query text, or None
    # Thesaurus terms that found something for this query ("Viser også resultater for …").
    expanded_with: list[str] = field(default_factory=list)
    # The query as typed when it found nothing and these are the results of ``query``,
    # its correction ("Viser resultater for … — søg i stedet efter …"); else None.
    corrected_from: str | None = None


class QueryError(ValueError):
    """A query we refuse to run.  ``str(error)`` is a Danish message that can
    be shown to the user as-is."""


class IndexUnavailable(RuntimeError):
    """The index cannot be opened or read (missing, damaged, unreadable).
    Callers degrade: pages keep working, search says it is unavailable."""


class IndexLockTimeout(TimeoutError):
    """Another process held the index write lock longer than the timeout.
    ``str(error)`` explains it in Danish; retry later."""
