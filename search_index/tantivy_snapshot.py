"""A tantivy snapshot: one searcher on one generation, BM25 per field, and suggestions."""

from __future__ import annotations


import tantivy

from .analysis import canonical_term, prefix_term, query_terms_for_word
from .documents import PUBLIC
from .expansion import EXPAND_BELOW
from .tantivy_matching import TantivyMatching
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


class _Snapshot(TantivyMatching):
    """One reader generation: a searcher, and nothing per document (tantivy
    counts, filters and orders from its own fast fields: :mod:`tantivy_matching`)."""

    def __init__(self, searcher, schema, stamp) -> None:
        self.searcher = searcher
        self.schema = schema
        self.stamp = stamp
        self.n = searcher.num_docs
        self._init_memos()

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

    def counted_clause(self, clause: Clause, audience):
        """(query, number of texts it finds through ``audience``) of one clause.
        A word that finds fewer than EXPAND_BELOW texts also finds the compounds
        that hold it as a part, ranked below (past that many texts they never
        reach a page, and a common part's postings cost)."""
        q = self.clause_query(clause)
        if q is None:
            return None, 0
        n = self._count(self._restricted(q, audience))
        words = [w for w in clause.words if canonical_term(w)] if clause.kind == "phrase" else clause.words
        if clause.kind != "prefix" and len(words) == 1 and n < EXPAND_BELOW:
            q = self._terms_query(query_terms_for_word(words[0]), parts=True)
            n = self._count(self._restricted(q, audience))
        return q, n

    def clause_query(self, clause: Clause):
        """The query of one clause as typed (see :meth:`counted_clause` for the compound parts)."""
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

    # -------------------------------------------------------------- suggestions

    def _in_vocabulary(self, word: str) -> bool:
        return self._count(_Q.term_query(self.schema, "spell", word)) > 0

    def _finds(self, word: str, audiences) -> bool:
        """Whether ``word`` (or, while it is rare, a compound holding it) is in a text of ``audiences``."""
        if not audiences:
            return False
        return self.counted_clause(Clause("word", (word,)), self._audience(audiences))[1] > 0

    def suggest(self, parsed: ParsedQuery, audiences) -> str | None:
        """As :func:`whoosh_suggestions.suggest`: only words neither in the public
        vocabulary nor matching a visible document are corrected, towards the
        most frequent live public word within edit distance 1, else 2,
        sharing the first letter."""

        def is_known(word: str) -> bool:
            if self._in_vocabulary(word) or not query_terms_for_word(word):
                return True  # a stop word is "known"
            return self._finds(word, audiences)

        public = frozenset({PUBLIC})

        def term_df(term: str) -> int:
            return self.searcher.doc_freq("body", term) + self.searcher.doc_freq("title", term)

        def finds(word: str) -> bool:
            return self._finds(word, public)

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

    def doc_count(self) -> int:
        return self.n

    def ids(self) -> set[str]:
        """Every document id (integrity checks only: reads every stored document)."""
        if not self.n:
            return set()
        hits = self.searcher.search(_Q.all_query(), limit=self.n, count=False).hits
        return {self.searcher.doc(addr).get_first("id") for _score, addr in hits}

    def close(self) -> None:
        self.searcher = None
