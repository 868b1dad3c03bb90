"""The content contract: which keys each kind of file has, and what they mean.

Each ``validate_*`` function takes a parsed :class:`~.frontmatter.Document`
and returns a plain, normalised ``dict`` (the record the store and the index
are built from) — or raises :class:`~.errors.ContentErrors` listing *every*
problem in the file, each with its line. Types are converted here, explicitly,
from the text the YAML reader gives us; nothing is left to YAML's guessing.

The contract is documented for users in ``docs/content-format.md``; a test
keeps that page and the key lists below in step.
"""

from __future__ import annotations

import re

from . import kommuner as kommune_registry
from .errors import ContentError
from ..rendering import MarkdownTooLarge, check_markdown
from .checker import Checker
from .frontmatter import Document

# The four evidence categories of Copenhagen's 2018 letter (seed 003), in the
# order the letter gives them. Keys are the contract; labels are the UI text.
EVIDENCE = {
    "effekt": "Viser effekt",
    "delvis-effekt": "Viser delvis effekt",
    "ingen-effekt": "Kan ikke vise effekt",
    "ikke-evalueret": "Endnu ikke evalueret",
}
EVIDENCE_EXPLAINED = {
    "effekt": "Har påvist resultater i forhold til sit mål om fx beskæftigelse, sprog eller antiradikalisering.",
    "delvis-effekt": "Har delvist påvist resultater, eller forventes at have en indirekte effekt.",
    "ingen-effekt": "Har ikke påvist resultater, eller har ikke haft til formål at vise effekt.",
    "ikke-evalueret": "Er igangsat for nylig eller ikke evalueret endnu.",
}
STATUSES = ("igangværende", "afsluttet")
VISIBILITIES = ("public", "network")
SIGNIFICANCE = ("", "*", "**", "***")

PRACTICE_KEYS = (
    "title",
    "kommuner",
    "evidence",
    "topics",
    "target_groups",
    "organisation",
    "start",
    "end",
    "status",
    "source",
    "contact",
    "reviewed",  # the date an editor last checked the text against its source (portal/reviews.py)
)
NOTE_KEYS = ("title", "network", "date", "kommuner", "topics", "practices", "visibility")
NETWORK_KEYS = ("name", "region", "members", "description")
RANKING_KEYS = (
    "title",
    "source",
    "published",
    "period",
    "measure",
    "lower_is_better",
    "unit",
    "previous_edition",
    "previous_of",
    "notes",
    "rows",
    "national",
)
RANKING_ROW_KEYS = (
    "rank",
    "kommune",
    "effect",
    "observed",
    "expected",
    "significance",
    "cases",
    "share_completed",
    "previous_rank",
    "previous_note",
)
NATIONAL_KEYS = ("observed", "expected", "effect", "cases", "share_completed")
INDICATOR_KEYS = (
    "title",
    "source",
    "published",
    "description",
    "measure",
    "unit",
    "scope",
    "chart",
    "x_label",
    "categories",
    "series",
    "target",
)
SERIES_KEYS = ("name", "values")
TARGET_KEYS = ("value", "label")
CHARTS = ("bar", "line")
MAX_CATEGORIES = 60
MAX_SERIES = 20

# Always used with fullmatch (``$`` would let a final new line through: "slug\n").
SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?")
MAX_TITLE = 300
MAX_BODY_CHARS = 200_000
MAX_ROWS = 400


def _root(doc: Document, path: str, checker: Checker) -> dict:
    data = checker.mapping(doc.data, (), "filens front matter" if doc.body_line > 1 else "filen")
    if data is None:
        checker.done()
    return data


def slug_of(path: str, checker: Checker | None = None) -> str:
    import pathlib

    stem = pathlib.PurePath(path).stem
    if not SLUG_RE.fullmatch(stem) and checker is not None:
        checker.errors.append(
            ContentError(
                path, 1, f"filnavnet '{stem}' skal bestå af små bogstaver a-z, tal og bindestreger (æ→ae, ø→oe, å→aa)"
            )
        )
    return stem


def _body(doc: Document, checker: Checker) -> str:
    try:
        check_markdown(doc.body)
    except MarkdownTooLarge as exc:
        checker.errors.append(ContentError(checker.path, doc.body_line + exc.line - 1, str(exc), field="body"))
    return doc.body.strip("\n")


def validate_practice(doc: Document, path: str, slug: str | None = None) -> dict:
    c = Checker(doc, path)
    data = _root(doc, path, c)
    c.unknown_keys(data, PRACTICE_KEYS)
    record = {
        "type": "practice",
        "slug": slug or slug_of(path, c),
        "title": c.text(data, "title", required=True, max_len=MAX_TITLE),
        "kommuner": c.kommuner(data, "kommuner"),
        "evidence": c.choice(data, "evidence", EVIDENCE, required=True),
        "topics": c.text_list(data, "topics", required=True, lower=True),
        "target_groups": c.text_list(data, "target_groups", lower=True),
        "organisation": c.text(data, "organisation", max_len=MAX_TITLE),
        "start": c.year(data, "start"),
        "end": c.year(data, "end"),
        "status": c.choice(data, "status", STATUSES),
        "source": c.text(data, "source"),
        "contact": c.text(data, "contact", max_len=MAX_TITLE),
        "reviewed": c.date(data, "reviewed"),
        "body_md": _body(doc, c),
        "path": path,
    }
    if "source" not in data or data.get("source") in (None, "", []):  # a present but wrong value has its own error
        # On the line of the claim that needs a source (``evidence``), else of the empty key or the file.
        at = ("source",) if "source" in data else ("evidence",) if record["evidence"] else ()
        for message in provenance_problems(record):
            c.error(at, message, field="source")
    if record["start"] and record["end"] and record["end"] < record["start"]:
        c.error(("end",), f"'end' ({record['end']}) ligger før 'start' ({record['start']})")
    c.done()
    return record


def provenance_problems(record: dict, evaluations: tuple = ()) -> list[str]:
    """Why a practice does not say where it comes from, or where its evidence category comes from.

    Every practice names its ``source``. A practice in a category other than
    ``ikke-evalueret`` claims a judgement, and the reader must be able to check
    it: the judgement's origin is its source — or, once evaluation reports are
    a kind of their own, an evaluation (``evaluations``: the ones covering the
    practice), which is why this is a function of both rather than a plain
    required field.
    """
    if record.get("source"):
        return []
    evidence = record.get("evidence")
    if evidence and evidence != "ikke-evalueret":
        if evaluations:
            return []
        return [
            f"'source' skal udfyldes: en erfaring i kategorien '{EVIDENCE.get(evidence, evidence)}' skal sige, "
            "hvor vurderingen kommer fra (rapport, evaluering eller anden kilde)"
        ]
    return ["'source' skal udfyldes: skriv, hvor erfaringen kommer fra (fx rapport, hjemmeside eller organisation)"]


def validate_note(doc: Document, path: str, slug: str | None = None) -> dict:
    c = Checker(doc, path)
    data = _root(doc, path, c)
    c.unknown_keys(data, NOTE_KEYS)
    record = {
        "type": "note",
        "slug": slug or slug_of(path, c),
        "title": c.text(data, "title", required=True, max_len=MAX_TITLE),
        "network": c.text(data, "network", required=True, max_len=120),
        "date": c.date(data, "date", required=True),
        "kommuner": c.kommuner(data, "kommuner"),
        "topics": c.text_list(data, "topics", lower=True),
        "practices": c.text_list(data, "practices"),
        # Network-only unless it says otherwise: a note is written for the network's members,
        # and going public (through moderation) must be a deliberate choice.
        "visibility": c.choice(data, "visibility", VISIBILITIES) or "network",
        "body_md": _body(doc, c),
        "path": path,
    }
    c.done()
    return record


def validate_network(doc: Document, path: str, slug: str | None = None) -> dict:
    c = Checker(doc, path)
    data = _root(doc, path, c)
    c.unknown_keys(data, NETWORK_KEYS)
    record = {
        "type": "network",
        "slug": slug or slug_of(path, c),
        "name": c.text(data, "name", required=True, max_len=MAX_TITLE),
        "region": c.choice(data, "region", kommune_registry.REGIONS),
        "members": c.kommuner(data, "members"),
        "description": c.text(data, "description", max_len=MAX_BODY_CHARS) or "",
        "path": path,
    }
    record["title"] = record["name"]
    c.done()
    return record


def validate_ranking(doc: Document, path: str, slug: str | None = None) -> dict:
    c = Checker(doc, path)
    data = _root(doc, path, c)
    c.unknown_keys(data, RANKING_KEYS)
    record = {
        "type": "ranking",
        "slug": slug or slug_of(path, c),
        "title": c.text(data, "title", required=True, max_len=MAX_TITLE),
        "source": c.text(data, "source"),
        "published": c.date(data, "published", partial=True),
        "period": c.text(data, "period", max_len=MAX_TITLE),
        "measure": c.text(data, "measure"),
        "lower_is_better": c.boolean(data, "lower_is_better", required=True),
        "unit": c.text(data, "unit", max_len=MAX_TITLE),
        "previous_edition": c.text(data, "previous_edition", max_len=MAX_TITLE),
        # How many kommuner the previous edition ranked: movement is shown as "nr. 50 af 53 → nr. 70 af 72".
        "previous_of": c.number(data, "previous_of", integer=True),
        "notes": c.text(data, "notes"),
        "rows": _ranking_rows(c, data),
        "national": None,
        "path": path,
    }
    if data.get("national") is not None:
        national = c.mapping(data["national"], ("national",), "'national'")
        if national is not None:
            c.unknown_keys(national, NATIONAL_KEYS, ("national",))
            kp = ("national",)
            record["national"] = {
                "observed": c.number(national, "observed", key_path=kp),
                "expected": c.number(national, "expected", key_path=kp),
                "effect": c.number(national, "effect", key_path=kp),
                "cases": c.number(national, "cases", integer=True, key_path=kp),
                "share_completed": c.number(national, "share_completed", key_path=kp),
            }
    c.done()
    return record


def _ranking_rows(c: Checker, data: dict) -> list[dict]:
    rows = data.get("rows")
    if not isinstance(rows, list) or not rows:
        c.error(("rows",) if "rows" in data else (), "'rows' skal være en ikke-tom liste af rækker", field="rows")
        return []
    if len(rows) > MAX_ROWS:
        c.error(("rows",), f"for mange rækker (højst {MAX_ROWS})")
        return []
    out, ranks = [], {}
    for i, raw in enumerate(rows):
        kp = ("rows", i)
        row = c.mapping(raw, kp, f"række {i + 1}")
        if row is None:
            continue
        c.unknown_keys(row, RANKING_ROW_KEYS, kp)
        name = c.text(row, "kommune", required=True, key_path=kp)
        rec = {
            "rank": c.number(row, "rank", required=True, integer=True, key_path=kp),
            "kommune_as_published": name,
            "kommune": c.kommune(name, kp + ("kommune",)) if name else None,
            "effect": c.number(row, "effect", required=True, key_path=kp),
            "observed": c.number(row, "observed", key_path=kp),
            "expected": c.number(row, "expected", key_path=kp),
            "significance": (c.choice(row, "significance", SIGNIFICANCE, key_path=kp) or "")
            if row.get("significance") not in (None, "")
            else "",
            "cases": c.number(row, "cases", integer=True, key_path=kp),
            "share_completed": c.number(row, "share_completed", key_path=kp),
            "previous_rank": c.number(row, "previous_rank", integer=True, key_path=kp),
            # The source's own words on the movement, quoted beside it.
            "previous_note": c.text(row, "previous_note", max_len=MAX_TITLE, key_path=kp),
        }
        if rec["rank"] is not None:
            if rec["rank"] in ranks:
                c.error(kp + ("rank",), f"placering {rec['rank']} står også i række {ranks[rec['rank']] + 1}")
            ranks[rec["rank"]] = i
        out.append(rec)
    return sorted(out, key=lambda r: r["rank"] if r["rank"] is not None else 0)


def validate_indicator(doc: Document, path: str, slug: str | None = None) -> dict:
    """Key figures over time (a barometer): national, or for one kommune."""
    c = Checker(doc, path)
    data = _root(doc, path, c)
    c.unknown_keys(data, INDICATOR_KEYS)
    slug = slug or slug_of(path, c)
    scope = c.text(data, "scope", max_len=120) or "national"
    record = {
        "type": "indicator",
        "slug": slug,
        "title": c.text(data, "title", required=True, max_len=MAX_TITLE),
        "source": c.text(data, "source"),
        "published": c.date(data, "published", partial=True),
        "description": c.text(data, "description") or "",
        "measure": c.text(data, "measure", max_len=120) or slug,
        "unit": c.text(data, "unit", max_len=40) or "",
        "chart": c.choice(data, "chart", CHARTS) or "bar",
        "x_label": c.text(data, "x_label", max_len=MAX_TITLE),
        "kommuner": [] if scope == "national" else [k for k in [c.kommune(scope, ("scope",))] if k],
        "categories": c.text_list(data, "categories", required=True),
        "series": [],
        "target": None,
        "path": path,
    }
    series = data.get("series")
    if not isinstance(series, list) or not series:
        c.error(("series",) if "series" in data else (), "'series' skal være en ikke-tom liste af dataserier")
    elif len(series) > MAX_SERIES:
        c.error(("series",), f"for mange dataserier (højst {MAX_SERIES})")
    else:
        for i, raw in enumerate(series):
            kp = ("series", i)
            item = c.mapping(raw, kp, f"dataserie {i + 1}")
            if item is None:
                continue
            c.unknown_keys(item, SERIES_KEYS, kp)
            values = item.get("values")
            if not isinstance(values, list):
                c.error(
                    kp + ("values",) if "values" in item else kp,
                    "'values' skal være en liste af tal (null for manglende)",
                )
                continue
            numbers = [
                None if v is None else c.convert_number(v, kp + ("values", j), f"værdi {j + 1} i 'values'")
                for j, v in enumerate(values)
            ]
            if len(numbers) != len(record["categories"]):
                c.error(
                    kp + ("values",),
                    f"dataserien har {len(numbers)} værdier, men der er {len(record['categories'])} kategorier",
                )
            record["series"].append(
                {"name": c.text(item, "name", required=True, max_len=MAX_TITLE, key_path=kp), "values": numbers}
            )
    if len(record["categories"]) > MAX_CATEGORIES:
        c.error(("categories",), f"for mange kategorier (højst {MAX_CATEGORIES})")
    if data.get("target") is not None:
        target = c.mapping(data["target"], ("target",), "'target'")
        if target is not None:
            c.unknown_keys(target, TARGET_KEYS, ("target",))
            record["target"] = {
                "value": c.number(target, "value", required=True, key_path=("target",)),
                "label": c.text(target, "label", key_path=("target",)) or "Mål",
            }
    c.done()
    return record
