"""The Whoosh schema, defined once, and the mapping IndexDocument -> fields.

Changing a field here (or renaming an analyzer class in ``analysis.py``,
which Whoosh pickles into the index) means the index must be rebuilt.
"""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from .fields import PARTS_FIELD, SPELL_FIELD
from .whoosh_analyzers import PartsAnalyzer, danish_analyzer, spelling_analyzer
from .documents import PUBLIC, IndexDocument

__all__ = ["SCHEMA", "fields_for", "FusedPositions", "FusedFrequency"]

_DANISH = danish_analyzer()


class FusedPositions(Positions):
    """Whoosh's Positions format, collecting a text's terms and positions from
    ``analyzer.word_positions(text)`` when the analyzer has it
    (``whoosh_analyzers.DanishAnalyzer``) instead of from a stream of token objects:
    the same (term, frequency, weight, encoded positions) tuples, in the same
    order, at a fraction of the cost.  Anything else goes the usual way.

    Pickled into the index like the analyzers: keep the name importable.
    """

    def word_values(self, value, analyzer, **kwargs):
        fast = getattr(analyzer, "word_positions", None)
        if fast is None or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        encode = self.encode
        # Whoosh sums a boost of 1.0 per token: float(len) exactly.
        return [(w, len(poses), float(len(poses)) * fb, encode(poses)) for w, poses in fast(value).items()]


class FusedFrequency(Frequency):
    """Whoosh's Frequency format, counting from ``analyzer.word_counts(text)``
    when the analyzer has it (``whoosh_analyzers.SpellingAnalyzer``); see FusedPositions."""

    def word_values(self, value, analyzer, **kwargs):
        fast = getattr(analyzer, "word_counts", None)
        if fast is None or not isinstance(value, str):
            return super().word_values(value, analyzer, **kwargs)
        fb = self.field_boost
        return [(w, n, float(n) * fb, pack_uint(n)) for w, n in fast(value).items()]


def _text(analyzer, phrase: bool = True, **kwargs) -> TEXT:
    field = TEXT(analyzer=analyzer, phrase=phrase, **kwargs)
    fb = field.format.field_boost
    field.format = FusedPositions(field_boost=fb) if phrase else FusedFrequency(field_boost=fb)
    return field


SCHEMA = Schema(
    # Unique document key ("practice:<slug>"); update() and delete() go by it.
    id=ID(unique=True, stored=True),
    # Item type ("practice", "note", ...): facet/filter value, shown in hits.
    type=ID(stored=True),
    # "public" or "network:<slug>": who may see the document.
    audience=ID(stored=True),
    # Title: Danish-analysed, matched (boost x3 at query time), shown in hits.
    title=_text(_DANISH, stored=True),
    # Body text: Danish-analysed, matched only; NOT stored (snippets are made
    # from SearchIndex.text_source).
    body=_text(_DANISH),
    # Current and former kommune names ("Billund", "Grindsted"): matched (x2).
    kommune_names=_text(_DANISH),
    # Topic tags as text, so "flygtningene" finds the tag "flygtninge" (x1.5).
    topics_text=_text(_DANISH),
    # Compound parts (see PARTS_FIELD): frequencies only, matched at PARTS_BOOST.
    parts=_text(PartsAnalyzer(), phrase=False),
    # Real lowercase words of PUBLIC documents only, unstemmed and unfolded:
    # the vocabulary for spelling suggestions.  Never used for matching.
    spell=_text(spelling_analyzer(), phrase=False),
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
    target_groups=STORED(),
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
        PARTS_FIELD: "\n".join([doc.title or "", doc.body or "", *doc.topics]),
        "url": doc.url,
        "kommuner": list(doc.kommuner),
        "regions": list(doc.regions),
        "topics": list(doc.topics),
        "target_groups": list(doc.target_groups),
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
        fields[SPELL_FIELD] = "\n".join([doc.title or "", doc.body or "", *doc.kommune_names, *doc.topics])
    return fields
