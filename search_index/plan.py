"""What :class:`SearchIndex` asks an engine's snapshot to match, and what comes back.

A search is planned once, engine-neutrally (query parsing, clauses, filters,
the reader's audiences, the page wanted), and a snapshot answers it with
``snapshot.match(plan, results)``: the exact total, the page of documents in
rank order, the disjunctive facet counts and the thesaurus terms that found
something. Where the counting happens is the engine's business:

* tantivy counts inside the engine (``tantivy_matching``): totals from its count
  collector, facets from terms aggregations over fast fields, the all-words
  tier as a second query. No Python touches every matching document, so a
  search at 100,000 items costs about what the bare engine costs.
* Whoosh counts in Python over compact per-generation tables
  (``python_matching``): its matchers are Python anyway.

Both give the same answers (``tests/search_index/test_search_engines.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .expansion import Thesaurus
from .querying import Clause


@dataclass(frozen=True)
class MatchPlan:
    """One search, planned. ``clauses`` empty: browse in title order."""

    clauses: tuple[Clause, ...]
    filters: tuple[tuple[str, tuple[str, ...]], ...]  # normalised, sorted by facet name
    audiences: frozenset[str]
    thesaurus: Thesaurus | None  # None: no synonyms (expansion switched off)
    start: int  # the page: documents [start, end) of the ranked result
    end: int

    @property
    def filter_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.filters)

    @property
    def key(self) -> tuple:
        """What the result depends on apart from the page (for the result cache)."""
        return (self.clauses, self.filters, self.audiences, self.thesaurus is not None)


@dataclass
class Matched:
    """The answer to a :class:`MatchPlan`. ``page`` holds (stored fields, score) in rank order."""

    total: int
    page: list[tuple[dict, float]]
    facets: dict[str, dict[str, int]]
    expanded_with: tuple[str, ...] = ()
    extra: dict = field(default_factory=dict)  # engine-specific figures (tests, bench)


def sorted_counts(counts: dict[str, int], ticked: tuple[str, ...] = ()) -> dict[str, int]:
    """Facet counts as the reader sees them: most first, then by value; a ticked
    value stays visible at 0 so it can be unticked."""
    out = {v: n for v, n in counts.items() if n}
    for v in ticked:
        out.setdefault(v, 0)
    return dict(sorted(out.items(), key=lambda kv: (-kv[1], kv[0])))
