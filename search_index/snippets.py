"""HTML-safe result snippets.

Bodies are not stored in the index, so the text comes from the caller's
``text_source(doc_id)``.  Whoosh re-tokenizes it with the field's analyzer
(so "flygtningene" in the text is marked for the query "flygtning") and we
format the best fragments: every piece of text escaped, matched words wrapped
in ``<mark>…</mark>``.

Input → Output (query "flygtninge", text "Job til <nyankomne> flygtningene."):
    'Job til &lt;nyankomne&gt; <mark>flygtningene</mark>.'
No matched word in the text → the first ~200 characters, escaped.
"""

from __future__ import annotations

import html

from whoosh.highlight import ContextFragmenter, Formatter, get_text

__all__ = ["MarkFormatter", "configure_highlighting", "highlighted_snippet", "plain_snippet"]

SNIPPET_FRAGMENTS = 2  # at most this many fragments, each marked "…" where cut
FRAGMENT_CHARS = 140  # max characters per fragment  (so <= ~300 visible chars)
FRAGMENT_SURROUND = 40  # context characters around a match
PLAIN_SNIPPET_CHARS = 200


class MarkFormatter(Formatter):
    """Escapes all text and wraps matched words in <mark>."""

    between = " "  # fragments already carry "…" where they were cut

    def _text(self, text: str) -> str:
        return html.escape(text)

    def format_token(self, text, token, replace=False):
        return "<mark>" + html.escape(get_text(text, token, replace)) + "</mark>"

    def format_fragment(self, fragment, replace=False):
        out = super().format_fragment(fragment, replace=replace)
        if fragment.startchar > 0:
            out = "…" + out.lstrip()
        if fragment.endchar < len(fragment.text):
            out = out.rstrip() + "…"
        return out


def configure_highlighting(results) -> None:
    """Use our fragmenter and formatter for a Whoosh Results object."""
    results.fragmenter = ContextFragmenter(maxchars=FRAGMENT_CHARS, surround=FRAGMENT_SURROUND)
    results.formatter = MarkFormatter()


def plain_snippet(text: str | None, limit: int = PLAIN_SNIPPET_CHARS) -> str:
    """The start of ``text``, cut at a word boundary, escaped.

    Input → Output: ("a <b> c", 200) → "a &lt;b&gt; c"
    """
    if not text:
        return ""
    text = " ".join(text.split())
    if len(text) <= limit:
        return html.escape(text)
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return html.escape(cut.rstrip(" ,.;:-")) + "…"


def highlighted_snippet(hit, fieldname: str, text: str | None) -> str:
    """Snippet of ``text`` with the query's matches in ``fieldname`` marked;
    falls back to :func:`plain_snippet` when nothing in the text matched."""
    if not text:
        return ""
    # Whoosh highlights within the first 32k characters; collapse whitespace
    # so fragments read well.
    text = " ".join(text.split())
    marked = hit.highlights(fieldname, text=text, top=SNIPPET_FRAGMENTS)
    if marked and "<mark>" in marked:
        return marked
    return plain_snippet(text)
