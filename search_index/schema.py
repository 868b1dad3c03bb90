"""The Whoosh schema, defined once, and the mapping IndexDocument -> fields.

Changing a field here (or renaming an analyzer class in ``analysis.py``,
which Whoosh pickles into the index) means the index must be rebuilt.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .analysis import danish_analyzer, spelling_analyzer
from .documents import PUBLIC, IndexDocument

__all__ = ["SCHEMA", "TEXT_FIELD_BOOSTS", "SPELL_FIELD", "fields_for"]

_DANISH = danish_analyzer()

#: Text fields a query is matched against, with their query-time boosts.
#: Title hits count three times a body hit, so title matches rank first.
TEXT_FIELD_BOOSTS: dict[str, float] = {
    "title": 3.0,
    "kommune_names": 2.0,
    "topics_text": 1.5,
    "body": 1.0,
}

#: The unstemmed vocabulary used for "did you mean" suggestions.
SPELL_FIELD = "spell"

SCHEMA = Schema(
    # Unique document key ("practice:<slug>"); update() and delete() go by it.
    id=ID(unique=True, stored=True),
    # Item type ("practice", "note", ...): facet/filter value, shown in hits.
    type=ID(stored=True),
    # "public" or "network:<slug>": who may see the document.
    audience=ID(stored=True),
    # Title: Danish-analysed, matched (boost x3 at query time), shown in hits.
    title=TEXT(analyzer=_DANISH, stored=True),
    # Body text: Danish-analysed, matched only; NOT stored (snippets are made
    # from SearchIndex.text_source).
    body=TEXT(analyzer=_DANISH),
    # Current and former kommune names ("Billund", "Grindsted"): matched (x2).
    kommune_names=TEXT(analyzer=_DANISH),
    # Topic tags as text, so "flygtningene" finds the tag "flygtninge" (x1.5).
    topics_text=TEXT(analyzer=_DANISH),
    # Real lowercase words of PUBLIC documents only, unstemmed and unfolded:
    # the vocabulary for spelling suggestions.  Never used for matching.
    spell=TEXT(analyzer=spelling_analyzer(), phrase=False),
    # Exact 3-digit kommune codes (not analysed), comma separated.
    kommune=KEYWORD(commas=True),
    # Exact region names (not analysed), comma separated.
    region=KEYWORD(commas=True),
    # Exact topic tags (not analysed), comma separated.
    topic=KEYWORD(commas=True),
    # Evidence grade ("effekt", ...), exact; stored for hits and facets.
    evidence=ID(stored=True),
    # Link target, stored only.
    url=STORED(),
    # The exact value lists, stored for hits and for the facet cache (a
    # comma-joined keyword string would not round-trip every value).
    kommuner=STORED(),
    regions=STORED(),
    topics=STORED(),
    # ISO date/year, stored only (for callers that want to sort by it).
    date=STORED(),
)


def _keyword(values: list[str]) -> str:
    # Commas separate keywords, so a comma inside a value becomes a space.
    return ",".join(v.replace(",", " ").strip() for v in values if v and v.strip())


def fields_for(doc: IndexDocument) -> dict[str, object]:
    """Whoosh field values for one document."""
    if not doc.id:
        raise ValueError("IndexDocument.id must not be empty")
    fields: dict[str, object] = {
        "id": doc.id,
        "type": doc.type,
        "audience": doc.audience or PUBLIC,
        "title": doc.title or "",
        "body": doc.body or "",
        "kommune_names": " ; ".join(doc.kommune_names),
        "topics_text": " ; ".join(doc.topics),
        "url": doc.url,
        "kommuner": list(doc.kommuner),
        "regions": list(doc.regions),
        "topics": list(doc.topics),
        "date": doc.date,
    }
    for name, values in (("kommune", doc.kommuner), ("region", doc.regions), ("topic", doc.topics)):
        joined = _keyword(values)
        if joined:
            fields[name] = joined
    if doc.evidence:
        fields["evidence"] = doc.evidence
    if doc.boost != 1.0:
        fields["_boost"] = float(doc.boost)
    if (doc.audience or PUBLIC) == PUBLIC:
        fields[SPELL_FIELD] = "\n".join(
            [doc.title or "", doc.body or "", *doc.kommune_names, *doc.topics]
        )
    return fields
