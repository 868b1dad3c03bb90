"""The content contract of evaluation reports (``content/evalueringer/<slug>.yaml``).

An evaluation report says who evaluated what, when, how, and what they found —
the evidence behind a practice's category. It is a YAML file like a network or
a ranking (every part of it is a field; the report's own text, when there is
one, is the PDF in ``attachment``, so a Markdown body would only repeat
``result``). Validated with the same checker as the other kinds
(:mod:`.schema`): every problem at once, each ``path:line: message``, with
"did you mean" for misspelt keys and methods.

Flask-free; documented in ``docs/content-format.md``.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from ..attachments import NAME_RE, AttachmentError, read_attachment
from .errors import ContentError
from .frontmatter import Document
from .checker import Checker
from .schema import MAX_TITLE, _root, slug_of

EVALUATION_KEYS = (
    "title",
    "evaluator",
    "published",
    "method",
    "result",
    "practices",
    "kommuner",
    "source",
    "attachment",
)
#: The managed list of evaluation methods: key → what it means (shown on the page and in the docs).
METHODS = {
    "effektmåling": "Måler indsatsens effekt ved at sammenligne med, hvad der kunne forventes uden den "
    "(fx en kontrolgruppe eller en statistisk model, der tager højde for forskelle).",
    "før-/eftermåling": "Sammenligner målgruppens situation før og efter indsatsen, uden en sammenligningsgruppe.",
    "kvalitativ": "Bygger på interview, observation eller fokusgrupper med deltagere og medarbejdere.",
    "registeranalyse": "Bygger på oplysninger fra offentlige registre om deltagernes forløb.",
    "spørgeskema": "Bygger på en spørgeskemaundersøgelse blandt deltagere, medarbejdere eller samarbejdspartnere.",
    "procesevaluering": "Beskriver, hvordan indsatsen blev gennemført og oplevet, ikke hvilken effekt den havde.",
}
#: Where a kind's attachments live, below its folder (content/evalueringer/filer/).
ATTACHMENT_FOLDER = "filer"


def validate_evaluation(doc: Document, path: str, slug: str | None = None) -> dict:
    c = Checker(doc, path)
    data = _root(doc, path, c)
    c.unknown_keys(data, EVALUATION_KEYS)
    methods = c.text_list(data, "method", required=True, lower=True)
    for i, method in enumerate(methods):
        if method not in METHODS:
            close = difflib.get_close_matches(method, list(METHODS), n=1, cutoff=0.5)
            hint = f" – mente du '{close[0]}'?" if close else ""
            c.error(("method", i), f"ukendt metode '{method}'{hint} (tilladte: {', '.join(METHODS)})", field="method")
    record = {
        "type": "evaluation",
        "slug": slug or slug_of(path, c),
        "title": c.text(data, "title", required=True, max_len=MAX_TITLE),
        "evaluator": c.text(data, "evaluator", required=True, max_len=MAX_TITLE),
        "published": c.date(data, "published", required=True, partial=True),
        "method": [m for m in methods if m in METHODS],
        "result": c.text(data, "result", required=True),
        "practices": c.text_list(data, "practices"),
        "kommuner": c.kommuner(data, "kommuner"),
        "source": c.text(data, "source", required=True),
        "attachment": None,
        "path": path,
    }
    name = c.text(data, "attachment", max_len=200)
    if name is not None:
        record["attachment"], record["_attachment_pages"] = _attachment(c, path, name)
    c.done()
    return record


def _attachment(c: Checker, path: str, name: str) -> tuple[dict | None, list[str]]:
    """The PDF named in ``attachment``: checked, and its pages' text (for the index)."""
    folder, _, file = name.partition("/")
    if folder != ATTACHMENT_FOLDER or not NAME_RE.match(file):
        c.error(
            ("attachment",),
            f"'attachment' skal have formen '{ATTACHMENT_FOLDER}/<sha256>.pdf' (filen "
            "navngives efter sit indhold; se docs/content-format.md), ikke '" + name[:80] + "'",
        )
        return None, []
    pdf = Path(path).parent / ATTACHMENT_FOLDER / file
    try:
        text = read_attachment(pdf)
    except AttachmentError as exc:
        if not pdf.exists():
            c.error(("attachment",), f"filen '{name}' findes ikke i {Path(path).parent.name}/{ATTACHMENT_FOLDER}/")
        else:  # the problem is the PDF itself: reported on that file
            c.errors.append(ContentError(str(pdf), 1, f"{exc} (bruges af {Path(path).name})", field="attachment"))
        return None, []
    return {"file": name, "sha256": text.sha256, "bytes": text.size, "pages": len(text.pages)}, text.pages


def body_of(record: dict) -> str:
    """The Markdown shown as the body: the result, in the source's words."""
    return record.get("result") or ""


def practices_of(record: dict) -> list[str]:
    return list(record.get("practices") or [])


def attachment_of(record: dict) -> dict | None:
    return record.get("attachment")


def attachment_pages(record: dict) -> list[tuple[str, str]]:
    """(label, text) of each page of the attached PDF that has text: searchable
    with the evaluation, and a snippet from it says its page ("PDF s. 3")."""
    return [(f"PDF s. {n}", text) for n, text in enumerate(record.get("_attachment_pages") or [], 1) if text]


def page_context(store, item: dict, audiences) -> dict:
    """The evaluation page's variables: the practices it covers (those the reader may see), its kommuner."""
    cited = (store.get("practice", s, audiences) for s in item["data"].get("practices") or [])
    return {"practices": [p for p in cited if p], "kommuner": store.kommune_links(item["id"]), "methods": METHODS}
