"""A tantivy snapshot: one searcher on one generation, BM25 per field, and suggestions."""

from __future__ import annotations

import json

import tantivy

from .analysis import canonical_term, prefix_term, query_terms_for_word
from .documents import PUBLIC
from .expansion import EXPAND_BELOW
from .facets import FacetCache, doc_info
from .fields import PARTS_BOOST, PARTS_FIELD, TEXT_FIELD_BOOSTS
from .querying import MAX_CANDIDATES, MAX_PREFIX_EXPANSIONS, Clause, ParsedQuery, corrected
from .respelling import respell

_Q = tantivy.Query
_SHOULD, _MUST = tantivy.Occur.Should, tantivy.Occur.Must


def _levenshtein(a: str, b: str, maxdist: int) -> int:
    """Edit distance, or maxdist + 1 as soon as it must exceed maxdist."""
    if abs(len(a) - len(b)) > maxdist:
        return maxdist + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        best = i
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            cur.append(v)
            if v < best:
                best = v
        if best > maxdist:
            return maxdist + 1
        prev = cur
    return prev[-1]


_ALPHABET = "abcdefghijklmnopqrstuvwxyzæøåéü"


def _edits1(word: str) -> set[str]:
    """Every string one deletion, substitution or insertion away from ``word``."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    return out


class _Snapshot:
    """One reader generation: searcher, per-document table, facet cache."""

    def __init__(self, searcher, schema, memo: dict, stamp, previous: "_Snapshot | None" = None) -> None:
        self.searcher = searcher
        self.schema = schema
        self.stamp = stamp
        n = searcher.num_docs
        self.n = n
        info: dict = {}
        stored: dict[int, dict] = {}
        seen: dict = {}
        if n:
            hits = searcher.search(_Q.all_query(), limit=n, count=False).hits
            addrs = [a for _s, a in hits]
            vers = searcher.fast_field_values("ver", addrs)
            for a, v in zip(addrs, vers):
                key = v  # the document number: its version stamp
                entry = memo.get(v)
                if entry is None:
                    data = json.loads(bytes(searcher.doc(a).get_first("data")).decode("utf-8"))
                    entry = (doc_info(data, float(data.get("boost") or 1.0)), data)
                seen[v] = entry
                info[key] = entry[0]
                stored[key] = entry[1]
        memo.clear()
        memo.update(seen)
        self.stored_by_key = stored
        self.cache = FacetCache.from_info(info, previous=previous.cache if previous is not None else None)
        # The few documents with a boost (kommune pages): doc -> boost.
        self._boosted = {k: i.boost for k, i in info.items() if i.boost != 1.0}

    # -------------------------------------------------------------- queries

    def _terms_query(self, terms: list[str], parts: bool = False):
        subs = []
        for fname, boost in TEXT_FIELD_BOOSTS.items():
            for f in (fname, fname + "_alt"):
                for t in terms:
                    subs.append((_SHOULD, _Q.boost_query(_Q.term_query(self.schema, f, t), boost)))
        if parts:
            for t in terms:
                subs.append((_SHOULD, _Q.boost_query(_Q.term_query(self.schema, PARTS_FIELD, t), PARTS_BOOST)))
        return _Q.boolean_query(subs)

    def expansions(self, fieldname: str, prefix: str) -> list[str]:
        counts: dict[str, int] = {}
        for f in (fieldname, fieldname + "_alt"):
            for term, count in self.searcher.terms_with_prefix(f, prefix):
                counts[term] = counts.get(term, 0) + count
        ranked = sorted(counts, key=lambda t: (-counts[t], t))
        return ranked[:MAX_PREFIX_EXPANSIONS]

    def clause_query(self, clause: Clause):
        if clause.kind == "word":
            terms = query_terms_for_word(clause.words[0])
            return self._terms_query(terms) if terms else None
        if clause.kind == "prefix":
            prefix = prefix_term(clause.words[0])
            subs = []
            for fname, boost in TEXT_FIELD_BOOSTS.items():
                for t in self.expansions(fname, prefix):
                    for f in (fname, fname + "_alt"):
                        subs.append((_SHOULD, _Q.boost_query(_Q.term_query(self.schema, f, t), boost)))
            return _Q.boolean_query(subs) if subs else None
        words = [w for w in clause.words if canonical_term(w)]
        if not words:
            return None
        if len(words) == 1:
            return self.clause_query(Clause("word", (words[0],)))
        terms = [canonical_term(w) for w in words]
        subs = [
            (_SHOULD, _Q.boost_query(_Q.phrase_query(self.schema, fname, terms), boost))
            for fname, boost in TEXT_FIELD_BOOSTS.items()
        ]
        return _Q.boolean_query(subs)

    def _audience_filter(self, audiences):
        return _Q.const_score_query(_Q.term_set_query(self.schema, "audience", sorted(audiences)), 0.0)

    def clause_scores(self, clause: Clause, audiences) -> dict[int, float]:
        q = self.clause_query(clause)
        if q is None or not self.n or not audiences:
            return {}
        audience = self._audience_filter(audiences)
        hits = self.searcher.search(_Q.boolean_query([(_MUST, q), (_MUST, audience)]), limit=self.n, count=False).hits
        if clause.kind == "word" and len(hits) < EXPAND_BELOW:
            # With the compounds that hold the word as a part (ranked below; past
            # EXPAND_BELOW texts they never reach a page: see engine_whoosh).
            terms = query_terms_for_word(clause.words[0])
            q = _Q.boolean_query([(_MUST, self._terms_query(terms, parts=True)), (_MUST, audience)])
            hits = self.searcher.search(q, limit=self.n, count=False).hits
        if not hits:
            return {}
        keys = self.searcher.fast_field_values("ver", [a for _s, a in hits])
        out = dict(zip(keys, [s for s, _a in hits]))
        boosted = self._boosted
        if boosted:
            for k in boosted.keys() & out.keys():
                out[k] *= boosted[k]
        return out

    def _count(self, q) -> int:
        return self.searcher.search(q, limit=1, count=True).count or 0

    # -------------------------------------------------------------- suggestions

    def _in_vocabulary(self, word: str) -> bool:
        return self._count(_Q.term_query(self.schema, "spell", word)) > 0

    def suggest(self, parsed: ParsedQuery, visible: set[int], audiences=frozenset()) -> str | None:
        """As :func:`whoosh_suggestions.suggest`: only words neither in the public
        vocabulary nor matching a visible document are corrected, towards the
        most frequent live public word within edit distance 1, else 2,
        sharing the first letter."""

        def is_known(word: str) -> bool:
            if self._in_vocabulary(word) or not query_terms_for_word(word):
                return True  # a stop word is "known"
            return any(d in visible for d in self.clause_scores(Clause("word", (word,)), audiences))

        public = frozenset({PUBLIC})

        def term_df(term: str) -> int:
            return self.searcher.doc_freq("body", term) + self.searcher.doc_freq("title", term)

        def finds(word: str) -> bool:
            return bool(self.clause_scores(Clause("word", (word,)), public))

        return corrected(parsed, is_known, self._correct, lambda w: respell(w, term_df, finds))

    def _correct(self, word: str) -> str | None:
        counts = dict(self.searcher.terms_with_prefix("spell", word[:1]))
        counts.pop(word, None)
        near = _edits1(word) & counts.keys()
        if not near:
            n = len(word)
            near = {t for t in counts if abs(len(t) - n) <= 2 and _levenshtein(word, t, 2) <= 2}
        cands = sorted(near)[:MAX_CANDIDATES]
        live = [c for c in cands if self._in_vocabulary(c)]
        if live:
            live.sort(key=lambda c: (-counts[c], c))
            return live[0]
        return None

    # -------------------------------------------------------------- the rest

    def stored(self, docnum: int) -> dict:
        return self.stored_by_key[docnum]  # tantivy: the document key of this snapshot

    def doc_count(self) -> int:
        return self.n

    def ids(self) -> set[str]:
        return {d["id"] for d in self.stored_by_key.values()}

    def close(self) -> None:
        self.searcher = None


#: Our Danish analysis is pure Python and, in a full build, most of the time
#: on our side of tantivy: above this many documents it runs in one process
#: per core (at most BUILD_PROCS), forked before tantivy's writer starts its
#: threads; the workers read the documents from the forked memory and send
#: back finished tantivy Documents, in order.
