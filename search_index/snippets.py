"""HTML-safe result snippets, the same for every engine.

Bodies are not stored in the index, so the text comes from the caller's
``text_source(doc_id)``.  We do our own cheap highlighting instead of
Whoosh's highlighter (which re-analysed the whole body of every hit with the
full analyzer chain and scored every possible fragment):

1. only a bounded prefix of the text is looked at (``MAX_SCAN_CHARS``);
2. candidates are found without tokenising the text: every index form of a
   word is a prefix of the word's folded spelling (the Danish stemmer only
   cuts suffixes), so each query term is looked up with ``str.find`` in the
   folded, lowercased text, at word starts;
3. each candidate word is checked exactly with the analyzer (Danish stem +
   fold, cached per word), so "flygtningene" in the text is marked for the
   query "flygtning", "Århus" for "aarhus", a prefix query marks every word
   one of whose forms starts with the prefix; at most ``MAX_MATCHES``;
4. fragments of at most ``FRAGMENT_CHARS`` characters are cut around the
   matches at word boundaries, the best ``SNIPPET_FRAGMENTS`` (most distinct
   terms, then most matches, then earliest) are shown in text order;
5. every piece of text is escaped, matched words wrapped in ``<mark>…</mark>``,
   cuts marked with "…".

Input → Output (query "flygtninge", text "Job til <nyankomne> flygtningene."):
    'Job til &lt;nyankomne&gt; <mark>flygtningene</mark>.'
No matched word in the text → the first ~200 characters, escaped.

Sections: a text may hold labelled sections (an evaluation's PDF, page by
page), each starting with :func:`section_marker` ``(label)``. Markers are never
shown or matched; a fragment from a section is preceded by its label
("PDF s. 3: …"), and a sectioned text is scanned further
(``MAX_SECTIONED_SCAN_CHARS``), so a phrase deep in a long report still gets
its snippet and its page.
"""

from __future__ import annotations

import bisect
import functools
import html
import logging
import re
import unicodedata
from typing import Iterator

from . import lexicon
from .analysis import fold, word_forms
from .compound_forms import index_forms
from .boilerplate import (
    BOILERPLATE_MIN_DOCS,
    _outside_boilerplate,
    boilerplate_of,
    line_key,
    without_boilerplate,
    without_title,
)

__all__ = [
    "QueryHighlighter",
    "highlighted_snippet",
    "plain_snippet",
    "section_marker",
    "strip_sections",
    "without_title",
    "without_boilerplate",
    "boilerplate_of",
    "start_snippet",
    "line_key",
    "BOILERPLATE_MIN_DOCS",
]

log = logging.getLogger(__name__)

SNIPPET_FRAGMENTS = 2  # at most this many fragments, each marked "…" where cut
FRAGMENT_CHARS = 140  # max characters per fragment  (so <= ~300 visible chars)
FRAGMENT_SURROUND = 40  # context characters around a match
PLAIN_SNIPPET_CHARS = 200
MAX_SCAN_CHARS = 32_000  # as Whoosh: only the start of a long text is highlighted
MAX_MATCHES = 16  # stop scanning after this many matched words
MAX_SECTIONED_SCAN_CHARS = 400_000  # a sectioned text (a report's pages) is scanned this far

# Section markers: two ASCII separators, which the portal removes from every text it stores.
_SECTION_START, _SECTION_END = "\x1e", "\x1f"
_SECTION_RE = re.compile("\x1e([^\x1e\x1f]*)\x1f")


def section_marker(label: str) -> str:
    """The marker that starts a section called ``label`` in a text given to the snippets."""
    return _SECTION_START + label.replace(_SECTION_START, " ").replace(_SECTION_END, " ") + _SECTION_END


def strip_sections(text: str) -> str:
    """``text`` without its section markers (for indexing: labels are not words of the item)."""
    return _SECTION_RE.sub(" ", text) if _SECTION_START in text else text


def _unmark(text: str) -> tuple[str, list[int], list[str]]:
    """Markers blanked out with as many spaces (so offsets still hold), and the
    start offset and label of each section."""
    if _SECTION_START not in text:
        return text, [], []
    found = list(_SECTION_RE.finditer(text))
    blanked = _SECTION_RE.sub(lambda m: " " * len(m.group(0)), text)
    return blanked, [m.start() for m in found], [m.group(1) for m in found]


_SPACE_RE = re.compile(r"\s+")


class QueryHighlighter:
    """Decides which words of a text match a query.

    ``terms``: index terms (stemmed + folded forms) of the query's words and
    phrases; ``prefixes``: folded, unstemmed prefixes of ``prefix*`` clauses.
    """

    __slots__ = ("terms", "prefixes", "needles", "_memo")

    def __init__(self, terms=(), prefixes=()) -> None:
        self.terms = frozenset(terms)
        self.prefixes = tuple(dict.fromkeys(prefixes))
        #: What the scan looks for in the folded text (see _find_matches).
        self.needles = tuple(dict.fromkeys(n for t in (*self.terms, *self.prefixes) if t for n in _needles(t)))
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
def _needles(term: str) -> tuple[str, ...]:
    """Substrings of a folded text that start a word ``term`` may match.

    Mostly the term itself: an index form is a prefix of the word's folded
    spelling (the stemmer only cuts suffixes). Not for the forms the stemmer
    cannot bring together (lexicon.inflections: mødre → mor, børn → barn): for
    a term ending in such a lemma's form, the inflected spellings with the
    same beginning are looked for too (mor → moedre, bydelsmor → bydelsmoedre,
    barn → boern). Each candidate is then checked exactly, so a needle that
    finds too much costs a check, never a wrong mark."""
    out = [term]
    for form, lemma in lexicon.inflections().items():
        for stem in word_forms(lemma):
            if stem and term.endswith(stem):
                out.append(term[: len(term) - len(stem)] + _fold_lower(form))
    return tuple(dict.fromkeys(out))


def plain_snippet(text: str | None, limit: int = PLAIN_SNIPPET_CHARS) -> str:
    """The start of ``text``, cut at a word boundary, escaped.

    Input → Output: ("a <b> c", 200) → "a &lt;b&gt; c"
    """
    if not text:
        return ""
    label = ""
    if _SECTION_START in text:  # the body before the sections; with no body, the first section, labelled
        body, _, rest = text.partition(_SECTION_START)
        if body.strip():
            text = body
        else:
            label, _, text = rest.partition(_SECTION_END)
            label = html.escape(label) + ": " if label else ""
            text = text.partition(_SECTION_START)[0]
    text = " ".join(text[: limit * 4].split())
    if len(text) <= limit:
        return label + html.escape(text)
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return label + html.escape(cut.rstrip(" ,.;:-")) + "…"


def _fragments(matches: list[tuple[int, int, str]], text: str) -> list[tuple[int, int, list]]:
    """Group match spans into fragments of at most FRAGMENT_CHARS characters,
    cut at whitespace."""
    n_text = len(text)
    frags: list[tuple[int, int, list]] = []
    i = 0
    while i < len(matches):
        first = matches[i]
        group = [first]
        j = i + 1
        while j < len(matches) and matches[j][1] - first[0] <= FRAGMENT_CHARS - 20:
            group.append(matches[j])
            j += 1
        core_start, core_end = first[0], group[-1][1]
        room = max(0, FRAGMENT_CHARS - (core_end - core_start))
        start = max(0, core_start - min(FRAGMENT_SURROUND, room // 2))
        end = min(n_text, core_end + (room - (core_start - start)))
        # Snap to word boundaries (never cut inside a word).
        if start > 0 and not text[start - 1].isspace():
            m = _SPACE_RE.search(text, start, core_start)
            start = m.end() if m else core_start
        if end < n_text and not text[end].isspace():
            k = end
            while k > core_end and not text[k].isspace():
                k -= 1
            end = k if k > core_end else core_end
        frags.append((start, end, group))
        i = j
    return frags


def _clean(piece: str) -> str:
    return html.escape(_SPACE_RE.sub(" ", piece))


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


def _find_matches(scan: str, highlighter: QueryHighlighter) -> list[tuple[int, int, str]]:
    """Matched words of ``scan`` as (start, end, lowercase word), in text order.

    Candidates are found with plain substring search (``str.find``, C speed)
    for each of the highlighter's needles (:func:`_needles`) in the folded,
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
        cut = _SPACE_RE.search(scan, pos + SCAN_BLOCK_CHARS) if pos + SCAN_BLOCK_CHARS < n else None
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


def start_snippet(text: str | None, boilerplate: frozenset[str] = frozenset()) -> str:
    """:func:`plain_snippet` of the text's start, boilerplate paragraphs left out."""
    if text and boilerplate:
        text = without_boilerplate(text[: PLAIN_SNIPPET_CHARS * 8], boilerplate)
    return plain_snippet(text)


def highlighted_snippet(
    text: str | None, highlighter: QueryHighlighter | None, boilerplate: frozenset[str] = frozenset()
) -> str:
    """Snippet of ``text`` with the query's words marked; falls back to
    :func:`plain_snippet` when nothing in the (scanned part of the) text
    matched. Matches inside ``boilerplate`` paragraphs (keys of
    :func:`line_key`) do not count."""
    if not text:
        return ""
    if not highlighter:
        return start_snippet(text, boilerplate)
    marked = text
    text, starts, labels = _unmark(text)
    scan = text[: MAX_SECTIONED_SCAN_CHARS if starts else MAX_SCAN_CHARS]
    matches = _find_matches(scan, highlighter)
    if matches and boilerplate:
        matches = _outside_boilerplate(matches, scan, boilerplate)
    if not matches:
        return start_snippet(marked, boilerplate)
    frags = _fragments(matches, scan)
    ranked = sorted(
        range(len(frags)),
        key=lambda k: (-len({w for _s, _e, w in frags[k][2]}), -len(frags[k][2]), k),
    )[:SNIPPET_FRAGMENTS]
    out = []
    for k in sorted(ranked):
        start, end, group = frags[k]
        pieces = []
        pos = start
        for s, e, _w in group:
            pieces.append(_clean(scan[pos:s]))
            pieces.append("<mark>" + html.escape(scan[s:e]) + "</mark>")
            pos = e
        pieces.append(_clean(scan[pos:end]))
        frag = "".join(pieces).strip()
        if start > 0:
            frag = "…" + frag
        if end < len(scan) or len(text) > len(scan):
            frag = frag + "…"
        section = bisect.bisect_right(starts, group[0][0]) - 1
        if section >= 0:
            frag = html.escape(labels[section]) + ": " + frag
        out.append(frag)
    return " ".join(out)
