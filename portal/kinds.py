"""The registry of content kinds: everything the portal knows about a kind, in one record.

A kind is a folder of files in ``content/`` (practices, notes, …) or, for
kommuner, reference data that has pages and is searchable. The loader, the
store, the index, the integrity check, the search parameters, the sitemap, the
CLI, the templates' labels, the OpenAPI document and the docs tests all read
this registry instead of keeping lists of their own. Adding a kind means: its
record here, its validator (``content/schema.py``, or a module of its own like
``content/evaluations.py``), its templates, its docs. Evaluation reports were
added that way: a kind with a template gets its page from the generic view, and
what a kind cites, attaches or adds to the search is a field here.

Flask-free. The labels are Danish msgids marked with :func:`N_` so that
``pybabel extract -k N_`` finds them; the web layer translates them at render
time (``portal/web/templating.py``); ``NP_`` marks one with a context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .content import evaluations, schema
from .content.frontmatter import read_markdown, read_yaml


def N_(message: str) -> str:
    """Marks a Danish msgid for extraction; translated where it is shown."""
    return message


def NP_(context: str, message: str) -> str:
    """Marks a Danish msgid with a gettext context (give the context to the Kind too)."""
    return message


def _body_of(record: dict) -> str:
    return record.get("body_md") or ""


def _description_of(record: dict) -> str:
    return record.get("description") or ""


def _ranking_text(record: dict) -> str:
    return "\n\n".join(x for x in (record.get("measure"), record.get("notes")) if x)


def _public(record: dict) -> str:
    return "public"


def _note_audience(record: dict) -> str:
    # A network-only note is seen by that network's members (and editors) only.
    if record.get("visibility") == "network":
        return f"network:{record['network']}"
    return "public"


def _listed_kommuner(record: dict) -> list[dict]:
    return list(record.get("kommuner") or [])


def _members(record: dict) -> list[dict]:
    return list(record.get("members") or [])


def _no_practices(record: dict) -> list[str]:
    return []


def _cited_practices(record: dict) -> list[str]:
    return list(record.get("practices") or [])


def _no_sections(record: dict) -> list[tuple[str, str]]:
    return []


def _no_attachment(record: dict) -> dict | None:
    return None


def _ranked_kommuner(record: dict) -> list[dict]:
    return [row["kommune"] for row in record["rows"] if row.get("kommune")]


@dataclass(frozen=True)
class Kind:
    """One kind of content and every rule that depends on it."""

    name: str  #: the type stored with each item ("practice")
    url_prefix: str  #: its pages live under this path ("/erfaringer/")
    label: str  #: Danish, singular (msgid)
    label_plural: str  #: Danish, plural (msgid); also the CLI's word for a count
    folder: str | None = None  #: folder in content/; None for reference data (kommuner)
    suffixes: tuple[str, ...] = ()
    reader: Callable | None = None  #: bytes, path → Document (frontmatter.py)
    validator: Callable | None = None  #: Document, path, slug → record (schema.py)
    keys: tuple[str, ...] = ()  #: the front-matter keys the contract allows (docs/content-format.md)
    searchable: bool = True  #: has documents in the search index (and is a search type filter)
    in_sitemap: bool = True  #: public items are listed in sitemap.xml
    counted_under_kommuner: bool = True  #: its kommune links are search facets (a ranking's 72 rows are not)
    submittable: bool = False  #: can be sent in by users through moderation
    label_context: str | None = None  #: gettext context for the singular, where Danish needs one
    body_of: Callable[[dict], str] = _body_of  #: the Markdown shown as its body
    audience_of: Callable[[dict], str] = _public  #: "public" or "network:<slug>"
    kommuner_of: Callable[[dict], list[dict]] = _listed_kommuner  #: resolved kommuner it is linked to
    #: slugs of the practices it cites: checked to exist at ingest, kept in ``item_practices``
    practices_of: Callable[[dict], list[str]] = _no_practices
    on_practice_page: bool = False  #: listed on the pages of the practices it cites (besides notes' own list)
    #: (label, text) sections searchable with it beyond its body (an evaluation's PDF pages); a
    #: snippet from one names its label. Not shown as the body, not in the summary.
    sections_of: Callable[[dict], list[tuple[str, str]]] = _no_sections
    attachment_folder: str | None = None  #: subfolder of ``folder`` holding its files (named by hash)
    attachment_of: Callable[[dict], dict | None] = _no_attachment  #: ``{"file", "sha256", "bytes", "pages"}``
    #: its page, rendered by the generic view (portal/web/views/kind_pages.py); None: a view of its own
    template: str | None = None
    #: (store, item, audiences) → the page's template variables beyond ``item`` and ``data``
    page_context: Callable | None = None
    extra: dict = field(default_factory=dict)

    def url(self, slug: str) -> str:
        return self.url_prefix + slug


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "practice",
            "/erfaringer/",
            N_("Erfaring"),
            N_("Erfaringer"),
            folder="practices",
            suffixes=(".md",),
            reader=read_markdown,
            validator=schema.validate_practice,
            keys=schema.PRACTICE_KEYS,
            submittable=True,
        ),
        Kind(
            "note",
            "/notater/",
            N_("Netværksnotat"),
            N_("Netværksnotater"),
            folder="notes",
            suffixes=(".md",),
            reader=read_markdown,
            validator=schema.validate_note,
            keys=schema.NOTE_KEYS,
            audience_of=_note_audience,
            practices_of=_cited_practices,
        ),
        Kind(
            "network",
            "/netvaerk/",
            NP_("én", "Netværk"),
            N_("Netværk"),
            folder="networks",
            suffixes=(".yaml", ".yml"),
            reader=read_yaml,
            validator=schema.validate_network,
            keys=schema.NETWORK_KEYS,
            label_context="én",
            body_of=_description_of,
            kommuner_of=_members,
        ),
        Kind(
            "ranking",
            "/rangeringer/",
            N_("Rangering"),
            N_("Rangeringer"),
            folder="rankings",
            suffixes=(".yaml", ".yml"),
            reader=read_yaml,
            validator=schema.validate_ranking,
            keys=schema.RANKING_KEYS,
            counted_under_kommuner=False,
            body_of=_ranking_text,
            kommuner_of=_ranked_kommuner,
        ),
        # Indicators are key figures drawn as charts on their own page: not search hits.
        Kind(
            "indicator",
            "/indikatorer/",
            N_("Nøgletal"),
            N_("Nøgletal"),
            folder="indicators",
            suffixes=(".yaml", ".yml"),
            reader=read_yaml,
            validator=schema.validate_indicator,
            keys=schema.INDICATOR_KEYS,
            searchable=False,
            in_sitemap=False,
            body_of=_description_of,
        ),
        # Evaluation reports: the evidence behind a practice's category, optionally with the report as a PDF.
        Kind(
            "evaluation",
            "/evalueringer/",
            N_("Evaluering"),
            N_("Evalueringer"),
            folder="evalueringer",
            suffixes=(".yaml", ".yml"),
            reader=read_yaml,
            validator=evaluations.validate_evaluation,
            keys=evaluations.EVALUATION_KEYS,
            body_of=evaluations.body_of,
            practices_of=evaluations.practices_of,
            on_practice_page=True,
            sections_of=evaluations.attachment_pages,
            attachment_folder=evaluations.ATTACHMENT_FOLDER,
            attachment_of=evaluations.attachment_of,
            template="evaluation.html",
            page_context=evaluations.page_context,
        ),
        # Kommuner come from reference data (content/kommuner.py), not from files.
        Kind("kommune", "/kommuner/", N_("Kommune"), N_("Kommuner"), in_sitemap=False),
    )
}

#: Kinds read from files in content/, in the order the loader walks them.
FILE_KINDS: dict[str, Kind] = {name: kind for name, kind in KINDS.items() if kind.folder}

#: Kinds listed on the pages of the practices they cite (each under its plural label).
ON_PRACTICE_PAGE: tuple[str, ...] = tuple(name for name, kind in KINDS.items() if kind.on_practice_page)

#: Values of the search's type filter, in the order the facet shows them.
SEARCH_TYPES: tuple[str, ...] = tuple(name for name, kind in KINDS.items() if kind.searchable)


def kind_of(name: str) -> Kind:
    """The record of a kind; KeyError for a kind the registry does not know."""
    return KINDS[name]


def item_url(kind: str, slug: str) -> str:
    return KINDS[kind].url(slug)


def item_id(kind: str, slug: str) -> str:
    return f"{kind}:{slug}"
