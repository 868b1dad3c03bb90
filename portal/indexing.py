"""What the search index gets for each item: content records → IndexDocuments.

The one place that decides which words of an item are searchable and under
which facets it is counted. Used by the full ingest and by incremental
updates alike, so both give the same index. Flask-free.
"""

from __future__ import annotations

from pathlib import Path

from search_index import IndexDocument, strip_sections
from search_index.expansion import ThesaurusError, parse_thesaurus

from .content import kommuner as kommune_registry
from .content import vocabulary
from .content.errors import ContentError
from .kinds import KINDS, item_id, item_url
from .store import item_row


def _kommune_facets(kommuner: list[dict]) -> dict:
    names: list[str] = []
    for k in kommuner:
        for name in (k["name"], k.get("as")):
            if name and name not in names:
                names.append(name)
    return {
        "kommuner": [k["code"] for k in kommuner],
        "kommune_names": names,
        "regions": sorted({k["region"] for k in kommuner}),
    }


def document_for(record: dict, row: dict | None = None) -> IndexDocument:
    """The index document of one validated content record."""
    row = row or item_row(record)
    kind = record["type"]
    text = strip_sections(row["text"])  # an evaluation's PDF pages are words of it; their labels are not
    places = KINDS[kind].kommuner_of(record)
    if not KINDS[kind].counted_under_kommuner:
        # A ranking is found by its title and text (and the names it ranks), not counted under 72 kommuner.
        facets = {"kommuner": [], "kommune_names": [], "regions": []}
        body = text + "\n" + " ".join(p["as"] for p in places)
    else:
        facets = _kommune_facets(places)
        body = text
        if kind == "network" and record.get("region"):
            facets["regions"] = sorted(set(facets["regions"]) | {record["region"]})
    extra = [
        record.get("organisation"),
        " ".join(record.get("target_groups") or []),
        " ".join(t for t in record.get("topics") or [] if vocabulary.canonical("topic", t) != t.lower()),
    ]
    return IndexDocument(
        id=row["id"],
        type=kind,
        title=record["title"],
        url=row["url"],
        body="\n".join([body, *[x for x in extra if x]]),
        # Facets count the managed vocabulary's canonical values; the words the
        # content used stay searchable in the body.
        topics=vocabulary.canonical_list("topic", record.get("topics")),
        target_groups=vocabulary.canonical_list("target_group", record.get("target_groups")),
        evidence=record.get("evidence"),
        audience=row["audience"],
        date=row["date"],
        **facets,
    )


def former_names(k) -> list[str]:
    return [f.name for f in kommune_registry.former_of(k.code) if f.name != k.name]


def kommune_text(k) -> str:
    """The searchable (and snippet) text of a kommune's own page."""
    text = f"{k.official_name} ligger i Region {k.region}."
    former = former_names(k)
    if former:
        text += " Omfatter de tidligere kommuner " + ", ".join(former) + "."
    return text


def kommune_document(k) -> IndexDocument:
    """Every kommune has a page and is findable, also by its former names."""
    former = former_names(k)
    body = kommune_text(k)
    return IndexDocument(
        id=item_id("kommune", k.code),
        type="kommune",
        title=k.official_name,
        url=item_url("kommune", k.slug),
        body=body,
        kommuner=[k.code],
        kommune_names=[k.name, *former],
        regions=[k.region],
        boost=0.3,
    )


#: Thesaurus entries a content root may add to the shipped ones (same format as
#: search_index/data/thesaurus.tsv; see docs/search.md).
THESAURUS_FILE = "thesaurus.tsv"


def content_thesaurus(content_dir) -> tuple[str | None, list[ContentError]]:
    """The content's own thesaurus text (None without one), and its problems
    as content errors (``path:line: message``) so an ingest refuses it."""
    path = Path(content_dir) / THESAURUS_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, []
    except (OSError, UnicodeDecodeError) as exc:
        return None, [ContentError(str(path), None, f"kan ikke læses: {type(exc).__name__}")]
    try:
        parse_thesaurus(text, str(path))
    except ThesaurusError as exc:
        return None, [ContentError(str(path), exc.line, exc.message)]
    return text, []
