"""Markdown → sanitized HTML, and HTML → plain text for the search index.

python-markdown does not sanitize (its docs say so): raw HTML, ``javascript:``
links and event attributes pass straight through. So every rendered body goes
through nh3 (the Rust *ammonia* sanitizer) with a small allow-list. We use no
extensions that write ids or attributes from the text (``toc``, ``attr_list``),
so a write-up cannot clobber ids of the page around it. Input size is capped
before rendering: python-markdown has had super-linear regex cases.

Rendering happens once per ingest (the HTML is stored), never per request.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import nh3

MAX_MARKDOWN_CHARS = 200_000

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
    "abbr", "dl", "dt", "dd",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


# python-markdown rescans from every unmatched "[", "`" or "<": the time grows
# with the square of their number in a paragraph (8,000 "[" took 28 s). Real
# write-ups have far fewer; capping them keeps every render well under a second.
MARKUP_CHARS = "[`<"
MAX_MARKUP_PER_PARAGRAPH = 300
MAX_MARKUP_PER_TEXT = 3_000


class MarkdownTooLarge(ValueError):
    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.line = line


def check_markdown(text: str) -> None:
    """Refuse text that would take too long to render (raises MarkdownTooLarge
    with the 1-based line of the offending paragraph within ``text``)."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise MarkdownTooLarge(f"teksten er for lang (højst {MAX_MARKDOWN_CHARS:,} tegn)".replace(",", "."))
    for ch in MARKUP_CHARS:
        if text.count(ch) > MAX_MARKUP_PER_TEXT:
            raise MarkdownTooLarge(f"teksten har for mange '{ch}' (højst {MAX_MARKUP_PER_TEXT:,})".replace(",", "."))
    line = 1
    for paragraph in re.split(r"(\n[ \t]*\n)", text):
        if not paragraph.strip():
            line += paragraph.count("\n")
            continue
        for ch in MARKUP_CHARS:
            if paragraph.count(ch) > MAX_MARKUP_PER_PARAGRAPH:
                raise MarkdownTooLarge(
                    f"et afsnit har for mange '{ch}' (højst {MAX_MARKUP_PER_PARAGRAPH} pr. afsnit); del det op", line=line)
        line += paragraph.count("\n")


def render_markdown(text: str) -> str:
    """Render a write-up body. Headings are shifted down one level (``#`` → ``h2``)
    because the page's own title is the only ``h1``."""
    check_markdown(text)
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    raw = md.convert(text)
    raw = _shift_headings(raw)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style"},
        link_rel="noopener noreferrer nofollow",
    )


_HEADING = re.compile(r"<(/?)h([1-6])>")


def _shift_headings(raw: str) -> str:
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}>", raw)


class _TextExtractor(HTMLParser):
    BLOCKS = {"p", "li", "h2", "h3", "h4", "h5", "h6", "tr", "br", "blockquote", "pre", "dt", "dd"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_endtag(self, tag):
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "td", "th"):
            self.parts.append(" ")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment, one block per line (for search and snippets)."""
    parser = _TextExtractor()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def escape(text: str) -> str:
    return html.escape(text, quote=True)
