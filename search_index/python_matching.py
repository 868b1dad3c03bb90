"""Matching and counting in Python, over a snapshot's :class:`FacetCache` (the Whoosh engine).

A snapshot that uses this gives per-clause scores (``clause_scores``: document
number → score) and a :class:`FacetCache`; this module sums the clauses,
restricts them to what the reader may see, applies the filters, counts the
facets disjunctively (``facets.filter_and_count``) and ranks the page with
the documents holding every clause first (``hits.ranked_page``). Whoosh's
matchers are Python anyway, so this costs little on top of them; tantivy
counts inside the engine instead (``tantivy_matching``).

The per-clause scores, the whole match (so paging costs only the page) and
the browse results are kept in the index's result cache of this generation.
"""

from __future__ import annotations

from .expansion import expanded_scores
from .facets import filter_and_count
from .hits import ranked_page
from .plan import Matched, MatchPlan

__all__ = ["PythonMatching"]

BROWSE_CACHE_ENTRIES = 256  # per generation: (audiences, filters) -> (allowed, facet counts)


class PythonMatching:
    """``match`` for a snapshot with ``cache`` (FacetCache), ``clause_scores`` and ``stored``."""

    def match(self, plan: MatchPlan, results) -> Matched:
        cache = self.cache
        visible = cache.visible(plan.audiences)
        filters = plan.filter_map
        if not plan.clauses:
            # Browse: the allowed set and the counts only depend on the generation,
            # the audiences and the filters.
            key = (plan.audiences, plan.filters)
            found = cache.browse_cache.get(key)
            if found is None:
                found = filter_and_count(cache, visible, filters)
                if len(cache.browse_cache) < BROWSE_CACHE_ENTRIES:
                    cache.browse_cache[key] = found
            allowed, facets = found
            page = self._title_page(allowed, plan.start, plan.end) if plan.start < len(allowed) else []
            return Matched(len(allowed), [(self.stored(d), 0.0) for d in page], facets)
        scores, allowed, tier1, facets, used = results.fetch(
            ("query", *plan.key),
            lambda: self._match(plan, visible, filters, results),
            lambda found: len(found[1]) + (len(found[0]) if len(plan.clauses) > 1 else 0),
        )
        page = ranked_page(scores, tier1, allowed, plan.start, plan.end) if plan.start < len(allowed) else []
        return Matched(len(allowed), [(self.stored(d), float(scores[d])) for d in page], facets, used)

    def _match(self, plan: MatchPlan, visible, filters, results):
        """(scores, allowed, tier1, facet counts, thesaurus terms used); may be
        cached and shared: never mutated afterwards."""

        def clause_scores(clause):
            # The common words, whose long posting lists are the slow part of a
            # search, recur in many different queries: cached per generation.
            return results.fetch(
                ("clause", clause, plan.audiences), lambda: self.clause_scores(clause, plan.audiences), len
            )

        expanded = [expanded_scores(clause_scores, c, plan.thesaurus, visible) for c in plan.clauses]
        per_clause = [e[0] for e in expanded]
        used = tuple(dict.fromkeys(t for e in expanded for t in e[1]))
        scores = per_clause[0]
        if len(per_clause) > 1:
            scores = dict(scores)
            for other in per_clause[1:]:
                get = scores.get
                for d, s in other.items():
                    scores[d] = get(d, 0.0) + s
        matched = visible.intersection(scores)  # C-level; walks the dict's keys
        allowed, facets = filter_and_count(self.cache, matched, filters)
        tier1 = None
        if len(per_clause) > 1:
            tier1 = set(allowed)
            for one in sorted(per_clause, key=len):
                tier1.intersection_update(one.keys())
        return scores, allowed, tier1, facets, used

    def _title_page(self, allowed, start: int, end: int) -> list[int]:
        page: list[int] = []
        seen = 0
        for d in self.cache.title_order:
            if d in allowed:
                if seen >= start:
                    page.append(d)
                    if len(page) >= end - start:
                        break
                seen += 1
        return page
