"""The result cache of one open index: what was computed for the live snapshot, least recently used first out."""

from __future__ import annotations

from collections import OrderedDict

#: Per open index: how many matched documents the result cache may hold, summed
#: over its entries (~100-130 bytes each: 500,000 is ~60 MB). 0 turns it off.
RESULT_CACHE_DOCS = 500_000


class ResultCache:
    """Results of one index generation, least recently used first out.

    Holds per-clause scores (``("clause", clause, audiences)``), whole matches
    with facet counts (``("query", clauses, filters, audiences)``: paging
    through a result costs only the page) and pages of hits with their
    snippets (the same search again costs almost nothing). Bounded by the
    number of documents held, summed over the entries. Emptied whenever the
    index changes (:meth:`bind` with a new snapshot), so a publication or a
    new generation is never hidden by it. Callers hold the index lock.
    """

    def __init__(self, max_docs: int) -> None:
        self.max_docs = max(0, int(max_docs))
        self._snap = None
        self._entries: OrderedDict = OrderedDict()
        self._docs = 0

    def bind(self, snap) -> "ResultCache":
        if snap is not self._snap:
            self.clear()
            self._snap = snap
        return self

    def clear(self) -> None:
        self._entries.clear()
        self._docs = 0
        self._snap = None

    def fetch(self, key, compute, docs_of):
        """The cached value of ``key``, else ``compute()`` — kept when
        ``docs_of(value)``, the documents it holds, fits. The value may be
        None (no suggestion) and is shared: callers never mutate it."""
        hit = self._entries.get(key)
        if hit is not None:
            self._entries.move_to_end(key)
            return hit[0]
        value = compute()
        docs = max(1, docs_of(value))
        if docs > self.max_docs // 4:
            return value  # one huge result must not flush everything else
        self._entries[key] = (value, docs)
        self._docs += docs
        while self._docs > self.max_docs and self._entries:
            _key, (_value, n) = self._entries.popitem(last=False)
            self._docs -= n
        return value
