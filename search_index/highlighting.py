"""Which words of a text a query finds, and where: the scan behind every snippet.

:class:`QueryHighlighter` decides whether one word matches the query (the
same Danish analysis as the index: stem, fold, compound parts, prefixes).
:func:`find_matches` finds those words in a long text without tokenising it:
each of the highlighter's needles (:func:`needles`: the query's index forms,
plus the spellings the stemmer cannot join, mødre for mor) is looked up with
``str.find`` (C speed) at word starts, and each candidate word is then
checked exactly. The text goes a block at a time and the scan stops once
``MAX_MATCHES`` words are found. Folding (æ → ae) is matched by looking for
every spelling of a needle in the lowercased block (boern: boern, børn)
rather than by folding the block and mapping offsets back; blocks with an
accented letter are folded. :mod:`snippets` cuts and marks the fragments.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from typing import Iterator

from . import lexicon
from .analysis import fold, word_forms
from .compound_forms import index_forms

__all__ = ["QueryHighlighter", "find_matches", "needles", "MAX_MATCHES", "SCAN_BLOCK_CHARS"]

MAX_MATCHES = 16  # stop scanning after this many matched words
SPACE_RE = re.compile(r"\s+")


class QueryHighlighter:
    """Decides which words of a text match a query.

    ``terms``: index terms (stemmed + folded forms) of the query's words and
    phrases; ``prefixes``: folded, unstemmed prefixes of ``prefix*`` clauses.
    """

    __slots__ = ("terms", "prefixes", "needles", "_memo")

    def __init__(self, terms=(), prefixes=()) -> None:
        self.terms = frozenset(terms)
        self.prefixes = tuple(dict.fromkeys(prefixes))
        #: What the scan looks for in the folded text (see find_matches).
        self.needles = tuple(dict.fromkeys(n for t in (*self.terms, *self.prefixes) if t for n in needles(t)))
        self._memo: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self.terms or self.prefixes)

    def matches(self, word: str) -> bool:
        hit = self._memo.get(word)
        if hit is None:
            hit = self._compute(word)
        return hit

    def _compute(self, word: str) -> bool:
        low = word.lower()
        forms = index_forms(low)  # a compound matches its parts (praktik marks virksomhedspraktik)
        hit = any(f in self.terms for f in forms)
        if not hit and self.prefixes and forms:
            folded = fold(low)
            hit = any(folded.startswith(p) or any(f.startswith(p) for f in forms) for p in self.prefixes)
        if len(self._memo) < 20_000:
            self._memo[word] = hit
        return hit


@functools.lru_cache(maxsize=4096)
def needles(term: str) -> tuple[str, ...]:
    """Substrings of a folded text that start a word ``term`` may match.

    Mostly the term itself: an index form is a prefix of the word's folded
    spelling (the stemmer only cuts suffixes). Not for the forms the stemmer
    cannot bring together (lexicon.inflections: mødre → mor, børn → barn): for
    a term ending in such a lemma's form, the inflected spellings with the
    same beginning are looked for too (mor → moedre, bydelsmor → bydelsmoedre,
    barn → boern). Each candidate is then checked exactly, so a needle that
    finds too much costs a check, never a wrong mark."""
    out = [term]
    for stem, folded_form in _inflection_stems():
        if term.endswith(stem):
            out.append(term[: len(term) - len(stem)] + folded_form)
    return tuple(dict.fromkeys(out))


@functools.cache
def _inflection_stems() -> tuple[tuple[str, str], ...]:
    """(index form of the lemma, folded inflected form) of every line of inflections.tsv."""
    return tuple(
        (stem, _fold_lower(form)) for form, lemma in lexicon.inflections().items() for stem in word_forms(lemma) if stem
    )


# Lowercase folding that keeps offsets computable: Danish letters expand to
# two (æ → ae), common accented letters map to one (é → e).  Done with
# str.replace (C speed; str.translate with a table is far slower here).
_EXPANDING = (("æ", "ae"), ("ø", "oe"), ("å", "aa"), ("ä", "ae"), ("ö", "oe"), ("ß", "ss"))
_SINGLE = tuple((c, base) for c, base in ((c, unicodedata.normalize("NFKD", c)[0]) for c in "áàâãéèêëíìîïóòôõúùûüýÿçñ"))
_WORD_TAIL = re.compile(r"\w*")


def _fold_lower(low: str) -> str:
    for c, rep in _EXPANDING:
        if c in low:
            low = low.replace(c, rep)
    if not low.isascii():
        for c, rep in _SINGLE:
            if c in low:
                low = low.replace(c, rep)
    return low


def _expansion_offsets(low: str) -> list[int]:
    """Folded offsets of the letters that fold to two (sorted)."""
    found = []
    for c, _rep in _EXPANDING:
        i = low.find(c)
        while i != -1:
            found.append(i)
            i = low.find(c, i + 1)
    found.sort()
    return [o + k for k, o in enumerate(found)]


#: The scan goes a block of about this many characters at a time (cut at
#: whitespace) and stops after the block where MAX_MATCHES words matched: a
#: common word is found near the start, and the rest of a long text is then
#: never lowered, folded or searched.
SCAN_BLOCK_CHARS = 2_000


def find_matches(scan: str, highlighter: QueryHighlighter) -> list[tuple[int, int, str]]:
    """Matched words of ``scan`` as (start, end, lowercase word), in text order.

    Candidates are found with plain substring search (``str.find``, C speed)
    for each of the highlighter's needles (:func:`needles`) in the folded,
    lowercased text, at word starts; each candidate word is then checked
    exactly with the analyzer (:meth:`QueryHighlighter.matches`). A needle
    gives at most 4 × MAX_MATCHES candidates over the whole scan. Block by block
    (SCAN_BLOCK_CHARS), which finds what one pass over the whole scan would.
    """
    terms = highlighter.needles
    candidates = dict.fromkeys(terms, 0)
    matches: list[tuple[int, int, str]] = []
    pos, n = 0, len(scan)
    while pos < n and len(matches) < MAX_MATCHES:
        cut = SPACE_RE.search(scan, pos + SCAN_BLOCK_CHARS) if pos + SCAN_BLOCK_CHARS < n else None
        end = cut.start() if cut else n
        _block_matches(scan[pos:end], pos, terms, candidates, highlighter.matches, matches)
        pos = end
    return matches


def _block_matches(block: str, offset: int, terms, candidates: dict, is_match, matches: list) -> None:
    """Add to ``matches`` the matched words of ``block`` (which starts at
    ``offset`` and ends at whitespace), until there are MAX_MATCHES.

    The needles are folded (æ → ae) and so, in effect, is the text. Rather than
    folding the block and mapping offsets back, each needle is looked for in
    the lowercased block in every spelling that folds to it, given the letters
    the block holds (:func:`_spellings`: boern → boern, børn). A block with an
    accented letter that folds to one (é → e), or for a needle of too many
    spellings, is folded instead."""
    low = block.lower()
    if len(low) != len(block):  # pragma: no cover - exotic case mappings
        low = block
    spelt = None
    if low.isascii() or not _SINGLE_RE.search(low):
        present = "".join(c for c in _EXPANDERS if c in low)
        spelt = {t: _spellings(t, present) for t in terms}
        if None in spelt.values():
            spelt = None
    if spelt is None:
        text = _fold_lower(low)
        to_block = _offsets_back(low, text)

        def positions(needle: str) -> Iterator[int]:
            return _occurrences(text, needle)
    else:
        text, to_block = low, None

        def positions(needle: str) -> Iterator[int]:
            spellings = spelt[needle]
            if len(spellings) == 1:
                return _occurrences(low, spellings[0])
            # in text order over all spellings, as in the folded text
            return iter(sorted(i for sp in spellings for i in _occurrences(low, sp)))

    cap = 4 * MAX_MATCHES
    starts: set[int] = set()
    for t in terms:
        found = candidates[t]
        if found >= cap:
            continue
        for i in positions(t):
            # Inside a word too: a compound's part (…praktik) is one of its forms.
            w = i
            while w > 0 and (text[w - 1].isalnum() or text[w - 1] == "_"):
                w -= 1
            if w not in starts:
                starts.add(w)
                found += 1
                if found >= cap:
                    break
        candidates[t] = found
    for w in sorted(starts):
        w_end = _WORD_TAIL.match(text, w).end()
        s, e = (w, w_end) if to_block is None else (to_block(w), to_block(w_end))
        word = block[s:e]
        if word and is_match(word):
            matches.append((offset + s, offset + e, word.lower()))
            if len(matches) >= MAX_MATCHES:
                return


def _offsets_back(low: str, folded: str):
    """The function from an offset of ``folded`` (``_fold_lower(low)``) to the
    same place in ``low``."""
    if len(folded) == len(low):
        return lambda f: f
    expansions = _expansion_offsets(low)
    # Letters expanded before folded offset f (f is never inside one).
    return lambda f: f - bisect.bisect_left(expansions, f - 1)


def _occurrences(text: str, needle: str) -> Iterator[int]:
    i = text.find(needle)
    while i != -1:
        yield i
        i = text.find(needle, i + 1)


_EXPANDERS = "".join(c for c, _rep in _EXPANDING)
_SINGLE_RE = re.compile("[" + "".join(c for c, _base in _SINGLE) + "]")
_UNFOLD: dict[str, str] = {}
for _c, _rep in _EXPANDING:
    _UNFOLD[_rep] = _UNFOLD.get(_rep, "") + _c


#: A needle with more spellings than this (a long run of "aaaa…" in a hostile
#: query has Fibonacci many) sends its block to the folded scan instead.
MAX_SPELLINGS = 16


@functools.lru_cache(maxsize=8192)
def _spellings(needle: str, present: str) -> tuple[str, ...] | None:
    """The lowercase spellings that fold to ``needle`` (see _fold_lower), with
    only the expanding letters in ``present``: ("boern", "ø") → ("boern", "børn");
    a pair may be itself or one letter ("aa" or "å"). A needle that keeps a
    Danish letter (lexicon.fold_guarded: bød) is looked for as it is. None when
    there are more than MAX_SPELLINGS."""
    # From the end: the spellings of needle[i:] from those of needle[i+1:] and needle[i+2:].
    after: list[str] = [""]
    after_pair: list[str] = []
    for i in range(len(needle) - 1, -1, -1):
        here = [needle[i] + rest for rest in after]
        for letter in _UNFOLD.get(needle[i : i + 2], ""):
            if letter in present:
                here += [letter + rest for rest in after_pair]
        if len(here) > MAX_SPELLINGS:
            return None
        after, after_pair = here, after
    return tuple(dict.fromkeys(after))
