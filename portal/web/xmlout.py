"""Every XML document the portal writes (Atom feeds, sitemap, OpenSearch), built as a tree.

Text and attributes are set on elements and serialized by ElementTree, so
``<``, ``&`` and quotes are always escaped. ElementTree does not refuse the
characters XML 1.0 forbids (most C0 controls, lone surrogates, U+FFFE/U+FFFF),
so :func:`clean` replaces them first: content validation already refuses them,
and this is the second line that keeps one bad value from breaking a feed for
every reader. Flask-free.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"

# Characters outside XML 1.0's Char production, plus the discouraged C1 controls.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text) -> str:
    """Text that XML can carry: forbidden characters become U+FFFD."""
    return _NOT_XML.sub("\ufffd", "" if text is None else str(text))


def element(parent: ET.Element | None, tag: str, text=None, **attrs) -> ET.Element:
    """A child of ``parent`` (or a root) with cleaned text and attributes (``None`` values left out)."""
    cleaned = {k.rstrip("_"): clean(v) for k, v in attrs.items() if v is not None}
    node = ET.Element(tag, cleaned) if parent is None else ET.SubElement(parent, tag, cleaned)
    if text is not None:
        node.text = clean(text)
    return node


def serialize(root: ET.Element) -> bytes:
    """The document as UTF-8 bytes with an XML declaration."""
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def atom_feed(*, feed_id: str, title: str, alternate: str, updated: str, entries: list[dict]) -> bytes:
    """An Atom 1.0 feed. ``entries``: dicts with id, title, url, published, updated, summary,
    and optionally author, categories [(term, label)]."""
    feed = element(None, "feed", xmlns=ATOM, **{"xml:lang": "da"})
    element(feed, "title", title)
    element(feed, "id", feed_id)
    element(feed, "link", rel="self", type="application/atom+xml", href=feed_id)
    element(feed, "link", rel="alternate", type="text/html", href=alternate)
    element(feed, "updated", updated)
    element(element(feed, "author"), "name", "Hvad virker")
    for e in entries:
        entry = element(feed, "entry")
        element(entry, "title", e["title"])
        element(entry, "id", e["id"])
        element(entry, "link", rel="alternate", type="text/html", href=e["url"])
        element(entry, "published", e["published"])
        element(entry, "updated", e["updated"])
        if e.get("author"):
            element(element(entry, "author"), "name", e["author"])
        for term, label in e.get("categories", ()):
            element(entry, "category", term=term, label=label)
        element(entry, "summary", e["summary"], type="text")
    return serialize(feed)


def sitemap(urls: list[str]) -> bytes:
    urlset = element(None, "urlset", xmlns=SITEMAP)
    for url in urls:
        element(element(urlset, "url"), "loc", url)
    return serialize(urlset)


def opensearch(base: str, description: str) -> bytes:
    root = element(None, "OpenSearchDescription", xmlns=OPENSEARCH)
    element(root, "ShortName", "Hvad virker")
    element(root, "Description", description)
    element(root, "InputEncoding", "UTF-8")
    element(root, "Language", "da")
    element(root, "Url", type="text/html", method="get", template=f"{base}/soeg?q={{searchTerms}}")
    element(root, "Url", type="application/json", method="get", template=f"{base}/api/search?q={{searchTerms}}")
    element(root, "Url", type="application/opensearchdescription+xml", rel="self", template=f"{base}/opensearch.xml")
    return serialize(root)
