"""A Whoosh snapshot: one searcher on one generation, and BM25F scoring straight from posting blocks.

See :mod:`search_index.engine_whoosh` for why scoring reads the posting blocks itself.
"""

from __future__ import annotations

from itertools import islice

from whoosh import query as wq
from whoosh.formats import Positions
from whoosh.util.numeric import byte_to_length

from .documents import PUBLIC
from .facets import FacetCache, SegmentMemo
from .analysis import canonical_term, query_terms_for_word
from .querying import MAX_PREFIX_EXPANSIONS, Clause, ParsedQuery
from .analysis import prefix_term
from .fields import PARTS_BOOST, PARTS_FIELD, TEXT_FIELD_BOOSTS
from .whoosh_postings import positions_decoder, segment_blocks
from .whoosh_suggestions import suggest
from .python_matching import PythonMatching
from .expansion import EXPAND_BELOW


K1 = 1.2  # Whoosh's BM25F defaults
B = 0.75
#: At most this many index terms are looked at when expanding one prefix in
#: one field (alphabetical order); the MAX_PREFIX_EXPANSIONS most frequent of
#: them are used.
PREFIX_SCAN_LIMIT = 2_000

_BYTE_TO_LENGTH = [byte_to_length(i) for i in range(256)]


def _segment_lengths(leaf, fieldname: str) -> list[int]:
    """Field length of every document number of one segment."""
    n = leaf.doc_count_all()
    try:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        col = leaf._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is None:
            return [0] * n
        count = getattr(col, "_count", None)
        if count is not None and getattr(col, "_fixedlen", None) == 1 and hasattr(col, "_dbfile"):
            raw = bytes(col._dbfile.get(col._basepos, min(count, n)))
            table = _BYTE_TO_LENGTH
            return [table[b] for b in raw] + [0] * (n - len(raw))
    except Exception:  # pragma: no cover - other codecs: the slow, public way
        pass
    return [leaf.doc_field_length(i, fieldname, 0) or 0 for i in range(n)]


class _Snapshot(PythonMatching):
    """One reader generation: the searcher, the facet table, field-length
    norms and a small per-generation posting cache."""

    def __init__(self, searcher, memo: SegmentMemo, lengths_memo: dict, previous: "_Snapshot | None" = None) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.generation = self.reader.generation()
        self.cache = FacetCache(self.reader, memo, previous=previous.cache if previous is not None else None)
        self.leaves = []
        for leaf, offset in self.reader.leaf_readers():
            if getattr(leaf, "segment", None) is None or leaf.segment() is None:
                continue  # an empty index's reader: no documents
            deleted = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
            self.leaves.append((leaf, offset, deleted))
        self._lengths_memo = lengths_memo
        self._norms: dict[str, list[float]] = {}

    # -------------------------------------------------------------- scoring

    def _norm(self, fieldname: str) -> list[float]:
        norm = self._norms.get(fieldname)
        if norm is None:
            lengths: list[int] = []
            for leaf, _offset, _deleted in self.leaves:
                seg = leaf.segment()
                key = (seg.segment_id(), fieldname)
                seg_lengths = self._lengths_memo.get(key)
                if seg_lengths is None:
                    seg_lengths = self._lengths_memo[key] = _segment_lengths(leaf, fieldname)
                lengths.extend(seg_lengths)
            avg = self.searcher.avg_field_length(fieldname) or 1.0
            a, b = K1 * (1 - B), K1 * B / avg
            norm = self._norms[fieldname] = [a + b * n for n in lengths]
        return norm

    def _blocks(self, fieldname: str, text: str, with_values: bool = False):
        """(offset, deleted, ids, weights, values) per posting block of one term,
        per segment; values (encoded positions) only when asked for."""
        for leaf, offset, deleted in self.leaves:
            for ids, weights, values in segment_blocks(leaf, fieldname, text, with_values):
                yield offset, deleted, ids, weights, values

    def _postings(self, fieldname: str, text: str):
        """(global docnum, weight) pairs of one term, deleted documents skipped."""
        for offset, deleted, ids, weights, _values in self._blocks(fieldname, text):
            if deleted:
                for d, w in zip(ids, weights):
                    if d not in deleted:
                        yield d + offset, w
            elif offset:
                for d, w in zip(ids, weights):
                    yield d + offset, w
            else:
                yield from zip(ids, weights)

    def _term_postings(self, fieldname: str, text: str) -> dict[int, tuple[float, bytes]]:
        """Global docnum -> (weight, encoded positions) of one term: one read of
        its posting list serves the phrase check and the phrase's score."""
        out: dict[int, tuple[float, bytes]] = {}
        for offset, deleted, ids, weights, values in self._blocks(fieldname, text, with_values=True):
            for d, w, v in zip(ids, weights, values):
                if d not in deleted:
                    out[d + offset] = (w, v)
        return out

    def _add_phrase(self, acc: dict, fieldname: str, terms: list[str], boost: float) -> None:
        """Score the documents where ``terms`` occur at consecutive positions
        as the sum of their terms' scores (as :meth:`_add_term` would, per term
        in order); positions are decoded only for documents holding every
        term, and a document's later terms only until one fails."""
        distinct = list(dict.fromkeys(terms))
        posts = {t: self._term_postings(fieldname, t) for t in distinct}
        by_size = sorted(posts.values(), key=len)
        candidates = set(by_size[0]).intersection(*by_size[1:])
        if not candidates:
            return
        decode = positions_decoder(self.reader.schema[fieldname].format)
        first, rest = posts[terms[0]], [(i, posts[t]) for i, t in enumerate(terms) if i]
        docs = []
        for d in candidates:
            starts = decode(first[d][1])
            for i, post in rest:
                at = set(decode(post[d][1]))
                starts = [p for p in starts if p + i in at]
                if not starts:
                    break
            else:
                docs.append(d)
        if not docs:
            return
        norm = self._norm(fieldname)
        get = acc.get
        for t in distinct:
            c = boost * self.searcher.idf(fieldname, t) * (K1 + 1)
            post = posts[t]
            for d in docs:
                w = post[d][0]
                acc[d] = get(d, 0.0) + c * w / (w + norm[d])

    def _add_term(self, acc: dict, fieldname: str, text: str, boost: float, only=None) -> None:
        """Add one term's BM25F contribution to ``acc`` (docnum -> score); with
        ``only``, just for those documents. One tight loop per posting block:
        this loop runs for every posting of every query term. (No document
        frequency check first: a term missing from a segment yields no blocks,
        and each term lookup is several small reads of Whoosh's hash file.)"""
        c = norm = None
        get = acc.get
        for offset, deleted, ids, weights, _values in self._blocks(fieldname, text):
            if c is None:
                c = boost * self.searcher.idf(fieldname, text) * (K1 + 1)
                norm = self._norm(fieldname)
            if offset or deleted or only is not None:
                for d, w in zip(ids, weights):
                    if d in deleted:
                        continue
                    d += offset
                    if only is None or d in only:
                        acc[d] = get(d, 0.0) + c * w / (w + norm[d])
            else:
                for d, w in zip(ids, weights):
                    acc[d] = get(d, 0.0) + c * w / (w + norm[d])

    def expansions(self, fieldname: str, prefix: str) -> list[str]:
        """At most MAX_PREFIX_EXPANSIONS index terms of ``fieldname`` starting
        with ``prefix``: the most frequent ones (ties alphabetical)."""
        from_bytes = self.reader.schema[fieldname].from_bytes
        terms = [from_bytes(b) for b in islice(self.reader.expand_prefix(fieldname, prefix), PREFIX_SCAN_LIMIT)]
        if len(terms) > MAX_PREFIX_EXPANSIONS:
            df = self.searcher.doc_frequency
            terms.sort(key=lambda t: (-df(fieldname, t), t))
            terms = terms[:MAX_PREFIX_EXPANSIONS]
        return terms

    def clause_scores(self, clause: Clause, audiences) -> dict[int, float]:
        """Document number -> score for every document holding ``clause``
        (any audience; the caller restricts to the visible ones)."""
        acc: dict[int, float] = {}
        if clause.kind == "word":
            terms = query_terms_for_word(clause.words[0])
            for fname, boost in TEXT_FIELD_BOOSTS.items():
                for t in terms:
                    self._add_term(acc, fname, t, boost)
            if len(acc) < EXPAND_BELOW:
                # Compounds holding the word as a part rank below every text that
                # writes it; past EXPAND_BELOW such texts they never reach a page,
                # and a common part's postings are most of a common word's cost.
                for t in terms:
                    self._add_term(acc, PARTS_FIELD, t, PARTS_BOOST)
        elif clause.kind == "prefix":
            prefix = prefix_term(clause.words[0])
            for fname, boost in TEXT_FIELD_BOOSTS.items():
                for t in self.expansions(fname, prefix):
                    self._add_term(acc, fname, t, boost)
        else:
            words = [w for w in clause.words if canonical_term(w)]
            if len(words) == 1:
                return self.clause_scores(Clause("word", (words[0],)), audiences)
            if not words:
                return acc
            terms = [canonical_term(w) for w in words]
            for fname, boost in TEXT_FIELD_BOOSTS.items():
                if not all(self.searcher.doc_frequency(fname, t) for t in terms):
                    continue
                if isinstance(self.reader.schema[fname].format, Positions):
                    self._add_phrase(acc, fname, terms, boost)
                else:  # pragma: no cover - a field without positions
                    docs = set(self.searcher.docs_for_query(wq.Phrase(fname, terms)))
                    for t in dict.fromkeys(terms):
                        self._add_term(acc, fname, t, boost, only=docs)
        return acc

    # -------------------------------------------------------------- the rest

    def stored(self, docnum: int) -> dict:
        return self.searcher.stored_fields(docnum)

    def suggest(self, parsed: ParsedQuery, audiences) -> str | None:
        visible = self.cache.visible(audiences)
        return suggest(self.searcher, parsed, visible, self.cache.visible(frozenset({PUBLIC})))

    def doc_count(self) -> int:
        return self.searcher.doc_count()

    def ids(self) -> set[str]:
        return {fields["id"] for fields in self.reader.all_stored_fields()}

    def close(self) -> None:
        self.searcher.close()
