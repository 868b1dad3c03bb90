"""Matching and counting inside tantivy: no Python loop over the matching documents.

A plan (:class:`~search_index.plan.MatchPlan`) becomes a few tantivy queries:

* every clause is one query — the words as typed (with the compound-parts
  field while they are rare) OR-ed with its alternatives (a compound's parts,
  all required; thesaurus terms), each boosted by its weight, exactly the sum
  ``expansion.expanded_scores`` computes in Python;
* the reader's audiences and the facet filters are zero-scored MUST clauses;
* the all-words tier is the MUST of every clause, the rest is the OR minus it:
  a page takes the top of the first tier, then of the second;
* document boosts (the kommune pages' 0.3) are a branch per boost value,
  scaled, so tantivy's ranking already holds them;
* the exact total and the facet counts come from one terms aggregation over
  the facet fast fields (plus one per filtered facet: counts are disjunctive,
  a facet's own filter is left out of its counts).

So the cost of a search grows with what tantivy does in Rust, not with a
Python object per matching document, and a worker keeps nothing per document.
"""

from __future__ import annotations

import json

import tantivy

from .collation import danish_sort_key
from .documents import FACETS
from .expansion import EXPAND_BELOW, alternatives
from .facet_tables import facet_values as facet_table_values
from .plan import Matched, MatchPlan, sorted_counts

__all__ = ["FACET_FIELDS", "TITLE_KEY_FIELD", "BOOST_FIELD", "TantivyMatching", "facet_values", "title_key"]

_Q = tantivy.Query
_SHOULD, _MUST, _MUST_NOT = tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Occur.MustNot

#: facet name -> its tantivy field (raw terms, fast)
FACET_FIELDS = {name: f"facet_{name}" for name in FACETS}
TITLE_KEY_FIELD = "title_key"
BOOST_FIELD = "boost"
#: Buckets asked of a terms aggregation: more than any facet has values (98 kommuner, ~100 topics).
MAX_FACET_VALUES = 10_000
_COUNT = "n"  # the aggregation that counts every matching document
#: Per generation: how many (filters, audiences) counts of everything visible are kept.
BASE_COUNTS_KEPT = 256


def facet_values(data: dict) -> dict[str, tuple[str, ...]]:
    """Facet name -> the values of one document (as the Whoosh path reads them)."""
    return dict(zip(FACETS, facet_table_values(data)))


def title_key(title: str) -> str:
    """:func:`danish_sort_key` as one string whose byte order is its order
    (the key, a NUL, the title as tie-breaker): tantivy orders by it."""
    key, original = danish_sort_key(title)
    return f"{key}\x00{original}"


def boost_term(boost: float) -> str:
    return repr(float(boost))


class TantivyMatching:
    """``match`` for the tantivy snapshot (``searcher``, ``schema``, ``counted_clause``, ``n``).

    What is kept per generation (the snapshot's life): the boost values, how
    many documents each set of audiences sees, and the counts of everything
    visible under a set of filters (for counting by the complement)."""

    def _init_memos(self) -> None:
        self._boost_terms: list[str] | None = None
        self._visible: dict[frozenset, int] = {}
        self._bases: dict[tuple, tuple[int, dict]] = {}

    # ------------------------------------------------------------------ query parts

    def _filter(self, q):
        return _Q.const_score_query(q, 0.0)

    def _audience(self, audiences):
        return self._filter(_Q.term_set_query(self.schema, "audience", sorted(audiences)))

    def _facet_filter(self, facet: str, values):
        return self._filter(_Q.term_set_query(self.schema, FACET_FIELDS[facet], list(values)))

    def _count(self, q) -> int:
        return self.searcher.search(q, limit=1, count=True).count or 0

    def _restricted(self, q, audience):
        return _Q.boolean_query([(_MUST, q), (_MUST, audience)])

    def _scored_clause(self, clause, audience, thesaurus, used: list[str]):
        """(query, texts the words typed find) of one clause with its alternatives (None: matches nothing).
        Alternatives only while the words typed find fewer than EXPAND_BELOW
        visible texts, as in ``expansion.expanded_scores``."""
        exact, n_exact = self.counted_clause(clause, audience)
        if n_exact >= EXPAND_BELOW:
            return exact, n_exact
        subs = [(_SHOULD, exact)] if n_exact else []
        for alt in alternatives(clause, thesaurus):
            parts = [self.counted_clause(c, audience) for c in alt.clauses]
            if not parts or any(n == 0 for _q, n in parts):
                continue  # every part is required: one that finds nothing ends the alternative
            alt_q = parts[0][0] if len(parts) == 1 else _Q.boolean_query([(_MUST, q) for q, _n in parts])
            if alt.label is not None:
                # Named to the reader only when it found a text the words typed did not.
                new = _Q.boolean_query([(_MUST, alt_q), (_MUST, audience)] + ([(_MUST_NOT, exact)] if n_exact else []))
                if self._count(new):
                    used.append(alt.label)
            subs.append((_SHOULD, _Q.boost_query(alt_q, alt.weight)))
        if not subs:
            return None, 0
        return (subs[0][1] if len(subs) == 1 else _Q.boolean_query(subs)), n_exact

    def _boosted(self, q):
        """``q`` with the document boosts applied: one branch per boost value."""
        values = self._boost_values()
        if not values:
            return q
        marked = [_Q.term_query(self.schema, BOOST_FIELD, v) for v in values]
        branches = [(_SHOULD, _Q.boolean_query([(_MUST, q)] + [(_MUST_NOT, m) for m in marked]))]
        for v, m in zip(values, marked):
            branches.append((_SHOULD, _Q.boost_query(_Q.boolean_query([(_MUST, q), (_MUST, m)]), float(v))))
        return _Q.boolean_query(branches)

    def _boost_values(self) -> list[str]:
        values = self._boost_terms
        if values is None:
            values = self._boost_terms = [t for t, _n in self.searcher.terms_with_prefix(BOOST_FIELD, "")]
        return values

    # ------------------------------------------------------------------ match

    def match(self, plan: MatchPlan, results) -> Matched:
        if not self.n or not plan.audiences:
            return Matched(0, [], {name: sorted_counts({}, plan.filter_map.get(name, ())) for name in FACETS})
        audience = self._audience(plan.audiences)
        filters = plan.filter_map
        facet_filters = {f: self._facet_filter(f, v) for f, v in filters.items()}
        used: list[str] = []
        if plan.clauses:
            counted = [self._scored_clause(c, audience, plan.thesaurus, used) for c in plan.clauses]
            scored = [q for q, _n in counted]
            if all(q is None for q in scored):
                return Matched(0, [], {name: sorted_counts({}, filters.get(name, ())) for name in FACETS}, ())
            live = [q for q in scored if q is not None]
            any_q = live[0] if len(live) == 1 else _Q.boolean_query([(_SHOULD, q) for q in live])
            # Documents holding every clause come first (a clause that matches
            # nothing leaves the first tier empty).
            all_q = None
            if len(plan.clauses) > 1 and len(live) == len(scored):
                all_q = _Q.boolean_query([(_MUST, q) for q in live])
            # The match holds at least as many texts as its most frequent clause.
            most = 2 * max(n for _q, n in counted) > self._visible_count(plan.audiences, audience)
            total, facets = self._counts(any_q, audience, facet_filters, filters, plan.audiences if most else None)
            page = self._ranked_page(any_q, all_q, audience, facet_filters, plan.start, plan.end, total)
        else:
            total, facets = self._counts(None, audience, facet_filters, filters)
            page = self._title_page(audience, facet_filters, plan.start, plan.end) if plan.start < total else []
        return Matched(total, page, facets, tuple(dict.fromkeys(used)))

    def _where(self, q, audience, facet_filters: dict, skip: str | None = None):
        subs = [(_MUST, q if q is not None else _Q.all_query()), (_MUST, audience)]
        subs += [(_MUST, f) for name, f in facet_filters.items() if name != skip]
        return _Q.boolean_query(subs)

    def _counts(self, q, audience, facet_filters: dict, filters: dict, most: frozenset | None = None):
        """(exact total, disjunctive facet counts) by terms aggregations: one
        over everything matched for the unfiltered facets, one per filtered facet
        without its own filter.

        ``most`` (the reader's audiences): ``q`` matches more than half of what they may see. Then
        the few documents it does NOT match are counted and taken from the
        counts of everything (kept per generation): the cost of aggregating
        is per document, so a common word costs what its complement costs."""
        counts: dict[str, dict[str, int]] = {}
        unfiltered = tuple(name for name in FACETS if name not in facet_filters)
        groups = [(None, unfiltered)] + [(name, (name,)) for name in facet_filters]
        total = 0
        rest = _Q.boolean_query([(_MUST, _Q.all_query()), (_MUST_NOT, q)]) if q is not None and most else None
        for skip, names in groups:
            if rest is not None:
                base_total, base = self._base_counts(most, audience, facet_filters, filters, skip, names)
                n, found = self._aggregate(self._where(rest, audience, facet_filters, skip), names)
                n = base_total - n
                found = {name: {v: c - found[name].get(v, 0) for v, c in base[name].items()} for name in names}
            else:
                n, found = self._aggregate(self._where(q, audience, facet_filters, skip), names)
            counts.update(found)
            if skip is None:
                total = n
        return total, {name: sorted_counts(counts[name], filters.get(name, ())) for name in FACETS}

    def _aggregate(self, where, names) -> tuple[int, dict[str, dict[str, int]]]:
        aggs = {name: {"terms": {"field": FACET_FIELDS[name], "size": MAX_FACET_VALUES}} for name in names}
        aggs[_COUNT] = {"value_count": {"field": "ver"}}
        result = self.searcher.aggregate(where, aggs)
        found = {name: {b["key"]: b["doc_count"] for b in result.get(name, {}).get("buckets", ())} for name in names}
        return int(result[_COUNT]["value"] or 0), found

    def _base_counts(self, audiences, audience, facet_filters, filters, skip, names):
        """The counts of everything visible under the filters (all but ``skip``'s), per generation."""
        key = (frozenset(filters.items()), skip, names, audiences)
        cache = self._bases
        found = cache.get(key)
        if found is None:
            found = self._aggregate(self._where(None, audience, facet_filters, skip), names)
            if len(cache) < BASE_COUNTS_KEPT:
                cache[key] = found
        return found

    def _visible_count(self, audiences, audience) -> int:
        cache = self._visible
        n = cache.get(audiences)
        if n is None:
            n = cache[audiences] = self._count(audience)
        return n

    def _ranked_page(self, any_q, all_q, audience, facet_filters, start: int, end: int, total: int):
        if start >= total:
            return []
        if all_q is None:
            return self._top(self._where(self._boosted(any_q), audience, facet_filters), start, end - start)
        first_tier = self._where(self._boosted(all_q), audience, facet_filters)
        # One pass gives the first tier's size and, when the page starts in it, its part of the page.
        found = self.searcher.search(first_tier, limit=end - start, offset=start, count=True)
        n_first = found.count or 0
        page = [(self._stored(addr), float(score)) for score, addr in found.hits]
        if end > n_first:
            rest = _Q.boolean_query([(_MUST, any_q), (_MUST_NOT, all_q)])
            offset = max(0, start - n_first)
            page += self._top(self._where(self._boosted(rest), audience, facet_filters), offset, end - n_first - offset)
        return page

    def _top(self, q, offset: int, limit: int) -> list[tuple[dict, float]]:
        if limit <= 0:
            return []
        hits = self.searcher.search(q, limit=limit, offset=offset, count=False).hits
        return [(self._stored(addr), float(score)) for score, addr in hits]

    def _title_page(self, audience, facet_filters, start: int, end: int) -> list[tuple[dict, float]]:
        q = self._where(None, audience, facet_filters)
        hits = self.searcher.search(
            q, limit=end - start, offset=start, count=False, order_by_field=TITLE_KEY_FIELD, order=tantivy.Order.Asc
        ).hits
        return [(self._stored(addr), 0.0) for _key, addr in hits]

    def _stored(self, addr) -> dict:
        return json.loads(bytes(self.searcher.doc(addr).get_first("data")).decode("utf-8"))
