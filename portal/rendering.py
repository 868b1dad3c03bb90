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

import hashlib
import html
import re
import threading
from contextlib import contextmanager
from html.parser import HTMLParser

import markdown
import nh3
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

MAX_MARKDOWN_CHARS = 200_000

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
    "abbr",
    "dl",
    "dt",
    "dd",
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
                    f"et afsnit har for mange '{ch}' (højst {MAX_MARKUP_PER_PARAGRAPH} pr. afsnit); del det op",
                    line=line,
                )
        line += paragraph.count("\n")


# Every inline pattern python-markdown 3.x registers (with our extensions)
# starts at one of these: backtick, backslash, [ and ![, <, &, * and _, or the
# hard break "  \n"; STX/ETX mark its own placeholders.  Text holding none of them comes out of the
# InlineProcessor unchanged, so it may skip it.  (A test renders whole
# corpora both ways and requires identical HTML.)
_INLINE_TRIGGER = re.compile(r"[\\`\[!<&*_\x02\x03]|  \n")


class _PlainTextFastPath(Treeprocessor):
    """Mark element text and tails without any inline markup as
    ``AtomicString`` so the InlineProcessor leaves them alone.

    That processor tries each of its ~16 patterns on every text node, one
    regex pass and a registry look-up each, even for a paragraph of plain
    prose -- over half of ``convert()`` on typical write-ups.  Registered just
    above it (priority 20 is ``inline``), so it sees the block tree only.
    """

    def run(self, root):
        trigger = _INLINE_TRIGGER.search
        for el in root.iter():
            text = el.text
            if text and type(text) is str and trigger(text) is None:
                el.text = AtomicString(text)
            tail = el.tail
            if tail and type(tail) is str and trigger(tail) is None:
                el.tail = AtomicString(tail)
        return None


_local = threading.local()


def _markdown() -> markdown.Markdown:
    """This thread's Markdown converter.  Building one (extensions, pattern
    registries) costs about as much as converting a short body, so it is made
    once per thread and ``reset()`` before each use; thread-local because a
    converter keeps per-document state and Flask may serve in threads."""
    md = getattr(_local, "md", None)
    if md is None:
        md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
        md.treeprocessors.register(_PlainTextFastPath(md), "plain_text_fast_path", 21)
        _local.md = md
    return md


def _convert(text: str) -> str:
    md = _markdown()
    md.reset()
    try:
        return md.convert(text)
    except BaseException:
        # Half-done parser state must not leak into the next document.
        _local.md = None
        raise


#: Bump when the HTML or text for the same Markdown changes (allow-list,
#: heading shift, html_to_text): it is part of every render-cache key, as are
#: the versions of python-markdown and nh3.
RENDERER_VERSION = "2"  # 2: links whose href was removed are unwrapped


def render_key(text: str) -> str:
    """Render-cache key of a Markdown body: what rendered it, and the body."""
    head = f"{RENDERER_VERSION}\0{markdown.__version__}\0{getattr(nh3, '__version__', '?')}\0"
    return hashlib.sha256((head + text).encode("utf-8", "surrogatepass")).hexdigest()


@contextmanager
def rendered_from(cache: dict[str, tuple[str, str]]):
    """While active (in this process: each ingest worker process enters it
    for its own chunks), ``render_markdown`` takes a body's HTML from ``cache`` (``render_key`` →
    (HTML, text)) instead of rendering it, and ``html_to_text`` of that very
    HTML string returns the cached text.  What it does render (and then
    takes the text of) is collected for ``take_fresh``.  Used by the ingest with the cache
    of the previous ingest (portal.ingest), so unchanged bodies are not
    rendered again."""
    global _cache
    previous, _cache = _cache, cache
    try:
        yield
    finally:
        _cache = previous


_cache: dict[str, tuple[str, str]] | None = None


def render_markdown(text: str) -> str:
    """Render a write-up body. Headings are shifted down one level (``#`` → ``h2``)
    because the page's own title is the only ``h1``."""
    check_markdown(text)
    if _cache is not None:
        key = render_key(text)
        hit = _cache.get(key)
        _local.pending = None
        if hit is not None:
            _local.last = hit
            return hit[0]
        _local.last = None
    out = _render(text)
    if _cache is not None:
        _local.pending = (key, out)  # completed by html_to_text(out)
    return out


def take_fresh() -> dict[str, tuple[str, str]]:
    """The cache entries this thread rendered (and took the text of) under
    ``rendered_from`` since the last call: render_key → (HTML, text)."""
    fresh = getattr(_local, "fresh", None) or {}
    _local.fresh = {}
    return fresh


def _render(text: str) -> str:
    raw = _convert(text)
    raw = _shift_headings(raw)
    return _unwrap_dead_links(
        nh3.clean(
            raw,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes=URL_SCHEMES,
            clean_content_tags={"script", "style"},
            link_rel="noopener noreferrer nofollow",
        )
    )


# nh3 drops a ``javascript:`` (or other refused) href but keeps ``<a rel="…">``: an
# anchor without href is no link, only a trap for the HTML checker and for readers
# who expect it to go somewhere. Keep its text, drop the tag. nh3's output never nests
# anchors, and its attributes are double-quoted, so a regular expression is safe here.
_DEAD_LINK = re.compile(r"<a(?![^>]*\shref=)(?:\s[^>]*)?>(.*?)</a>", re.S)


def _unwrap_dead_links(html_text: str) -> str:
    return _DEAD_LINK.sub(r"\1", html_text)


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
    last = getattr(_local, "last", None)
    if last is not None:
        _local.last = None
        if last[0] is fragment:  # the HTML render_markdown just took from the cache
            return last[1]
    if _SANITIZED.fullmatch(fragment):
        parts = _fast_text_parts(fragment)
    else:
        parser = _TextExtractor()
        parser.feed(fragment)
        parser.close()
        parts = parser.parts
    lines = (" ".join(line.split()) for line in "".join(parts).split("\n"))
    result = "\n".join(line for line in lines if line)
    pending = getattr(_local, "pending", None)
    if pending is not None:
        _local.pending = None
        if pending[1] is fragment:
            fresh = getattr(_local, "fresh", None)
            if fresh is None:
                fresh = _local.fresh = {}
            fresh[pending[0]] = (fragment, result)
    return result


# nh3's output is well-formed and plain: lowercase tags, double-quoted
# attribute values, no comments, no <script>/<style>, and every "<" of the
# text escaped.  For such a fragment a regex split into tags and text gives
# exactly the events HTMLParser gives, at a fifth of the cost.  Anything else
# (a comment, a CDATA section, a bare "<", single quotes) does not match
# _SANITIZED and goes through HTMLParser as before.
# Elements whose content HTMLParser treats as raw text (never in nh3's output).
_RAW_TEXT = r"(?!(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)\b)"
_TAG = r"<(/?)" + _RAW_TEXT + r'([a-z][a-z0-9]*+)((?:\s++[a-z][a-z0-9_:-]*+(?:="[^"<]*+")?+)*+)\s*+(/?)>'
# Possessive quantifiers throughout: no backtracking, linear time.
_SANITIZED = re.compile(r"(?:[^<&]++|&(?:[a-z0-9]++|#[0-9]++|#x[0-9a-f]++);|" + _TAG + ")*+", re.IGNORECASE)
_TAG_RE = re.compile(_TAG, re.IGNORECASE)


def _fast_text_parts(fragment: str) -> list[str]:
    blocks = _TextExtractor.BLOCKS
    parts: list[str] = []
    add = parts.append
    pos = 0
    for m in _TAG_RE.finditer(fragment):
        start = m.start()
        if start > pos:
            add(html.unescape(fragment[pos:start]))
        pos = m.end()
        closing, tag, _attrs, selfclosing = m.groups()
        tag = tag.lower()
        if not closing:
            if tag in ("br", "td", "th"):
                add(" ")
            if selfclosing and tag in blocks:  # HTMLParser: start + end tag
                add("\n")
        elif tag in blocks:
            add("\n")
    if pos < len(fragment):
        add(html.unescape(fragment[pos:]))
    return parts


def escape(text: str) -> str:
    return html.escape(text, quote=True)
