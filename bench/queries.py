"""The fixed query set of the benchmark.

Each query is ``(category, params)``; ``params`` are the query parameters of
``/api/search`` (q, type, kommune, topic, evidence, region, page, per_page),
exactly as a browser would send them. The same list drives the engine-only
timing (through ``portal.web.views.search.parse_search_args``), the Flask test
client, the HTTP load and the FTS5 baseline. Do not change it lightly: figures
in docs/performance.md are only comparable over the same set.
"""

from __future__ import annotations

QUERIES: list[tuple[str, dict]] = [
    # single words (common and rarer; Danish inflected forms)
    ("word", {"q": "flygtninge"}),
    ("word", {"q": "beskæftigelse"}),
    ("word", {"q": "mentor"}),
    ("word", {"q": "virksomhedspraktik"}),
    ("word", {"q": "løntilskud"}),
    ("word", {"q": "bydelsmødre"}),
    ("word", {"q": "kommunerne"}),
    ("word", {"q": "traumer"}),
    ("word", {"q": "velfærdsmodellerne"}),
    # several words
    ("words", {"q": "flygtninge beskæftigelse"}),
    ("words", {"q": "unge fritidsjob"}),
    ("words", {"q": "danskundervisning virksomheder praktik"}),
    ("words", {"q": "mentor kvinder sundhed"}),
    ("words", {"q": "familiesammenførte kvinder uden for arbejdsmarkedet"}),
    # quoted phrases
    ("phrase", {"q": '"virksomhedspraktik og løntilskud"'}),
    ("phrase", {"q": '"de nyankomne flygtninge"'}),
    ("phrase", {"q": '"fast kontaktperson"'}),
    ("phrase", {"q": '"ordinær beskæftigelse" unge'}),
    # facet filters (with and without query text)
    ("facet", {"q": "flygtninge", "type": "practice"}),
    ("facet", {"q": "beskæftigelse", "evidence": "effekt"}),
    ("facet", {"q": "mentor", "kommune": "København"}),
    ("facet", {"q": "", "topic": "bydelsmødre"}),
    ("facet", {"q": "", "type": "practice", "evidence": "delvis-effekt", "topic": "unge"}),
    ("facet", {"q": "sprog", "region": "Midtjylland", "evidence": "effekt,delvis-effekt"}),
    ("facet", {"q": "", "type": "note"}),
    ("facet", {"q": "integration", "page": "3", "per_page": "20"}),
    # prefixes
    ("prefix", {"q": "flygt*"}),
    ("prefix", {"q": "besk*"}),
    ("prefix", {"q": "virksomhed*"}),
    ("prefix", {"q": "mentor*  unge"}),
    # misspellings (suggestions)
    ("misspelling", {"q": "flygtnige"}),
    ("misspelling", {"q": "beskæftigelsse"}),
    ("misspelling", {"q": "virksomhedspratik"}),
    # kommune names in both spellings, as text and as filter
    ("kommune", {"q": "Århus"}),
    ("kommune", {"q": "Aarhus"}),
    ("kommune", {"q": "Høje-Taastrup"}),
    ("kommune", {"q": "Hoeje Taastrup"}),
    ("kommune", {"q": "integration", "kommune": "Århus"}),
    ("kommune", {"q": "integration", "kommune": "Hoeje Taastrup"}),
    # no hits
    ("nohit", {"q": "kvantekromodynamik"}),
    ("nohit", {"q": "xylofonorkestret"}),
    ("nohit", {"q": "zzqqxx flygtninge", "kommune": "Læsø", "evidence": "effekt", "topic": "iværksætteri"}),
]

CATEGORIES = tuple(dict.fromkeys(c for c, _ in QUERIES))


def label(params: dict) -> str:
    """Short human-readable form of one query, for per-query listings."""
    rest = ",".join(f"{k}={v}" for k, v in params.items() if k != "q" and v)
    return (params.get("q") or "∅") + (f" [{rest}]" if rest else "")
