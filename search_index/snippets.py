"""HTML-safe result snippets, the same for every engine.

Bodies are not stored in the index, so the text comes from the caller's
``text_source(doc_id)``.  We do our own cheap highlighting instead of
Whoosh's highlighter (which re-analysed the whole body of every hit with the
full analyzer chain and scored every possible fragment):

1. only a bounded prefix of the text is looked at (``MAX_SCAN_CHARS``);
2. candidates are found without tokenising the text (:mod:`highlighting`):
   each query term is looked up with ``str.find`` at word starts, a block at
   a time, in every spelling that folds to it;
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
import html
import logging
import re

from .boilerplate import (
    BOILERPLATE_MIN_DOCS,
    _outside_boilerplate,
    boilerplate_of,
    line_key,
    without_boilerplate,
    without_title,
)
from .highlighting import SPACE_RE, QueryHighlighter, find_matches

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
            m = SPACE_RE.search(text, start, core_start)
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
    return html.escape(SPACE_RE.sub(" ", piece))


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
    matches = find_matches(scan, highlighter)
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
