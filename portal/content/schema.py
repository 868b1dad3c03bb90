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

import datetime as _dt
import difflib
import re

from . import kommuner as kommune_registry
from .errors import ContentError, ContentErrors
from ..rendering import MarkdownTooLarge, check_markdown
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
    "title", "kommuner", "evidence", "topics", "target_groups", "organisation",
    "start", "end", "status", "source", "contact",
)
NOTE_KEYS = ("title", "network", "date", "kommuner", "topics", "practices", "visibility")
NETWORK_KEYS = ("name", "region", "members", "description")
RANKING_KEYS = (
    "title", "source", "published", "period", "measure", "lower_is_better", "unit",
    "previous_edition", "notes", "rows", "national",
)
RANKING_ROW_KEYS = (
    "rank", "kommune", "effect", "observed", "expected", "significance", "cases",
    "share_completed", "previous_rank",
)
NATIONAL_KEYS = ("observed", "expected", "effect", "cases", "share_completed")
INDICATOR_KEYS = (
    "title", "source", "published", "description", "measure", "unit", "scope", "chart", "x_label",
    "categories", "series", "target",
)
SERIES_KEYS = ("name", "values")
TARGET_KEYS = ("value", "label")
CHARTS = ("bar", "line")
MAX_CATEGORIES = 60
MAX_SERIES = 20

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,118}[a-z0-9])?$")
MAX_TITLE = 300
MAX_TEXT = 5_000
MAX_LIST = 50
MAX_TAG = 80
MAX_BODY_CHARS = 200_000
MAX_ROWS = 400


class _Checker:
    """Collects every problem in one document while converting its fields."""

    def __init__(self, doc: Document, path: str):
        self.doc = doc
        self.path = path
        self.errors: list[ContentError] = []

    def error(self, key_path: tuple, message: str, field: str | None = None) -> None:
        field = field or (str(key_path[0]) if key_path else None)
        self.errors.append(ContentError(self.path, self.doc.line(*key_path), message, field=field))

    def mapping(self, value, key_path: tuple, what: str) -> dict | None:
        if not isinstance(value, dict):
            self.error(key_path, f"{what} skal være en samling af 'nøgle: værdi'")
            return None
        return value

    def unknown_keys(self, data: dict, allowed: tuple, key_path: tuple = ()) -> None:
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" – mente du '{close[0]}'?" if close else f" (tilladte nøgler: {', '.join(allowed)})"
                self.error(key_path + (key,), f"ukendt nøgle '{key}'{hint}")

    def _present(self, data: dict, key: str, required: bool, key_path: tuple):
        value = data.get(key)
        if value is None or value == "" or value == []:
            if required:
                self.error(key_path + (key,) if key in data else key_path, f"'{key}' skal udfyldes",
                           field=str(key_path[0]) if key_path else key)
            return None
        return value

    def text(self, data: dict, key: str, *, required=False, max_len=MAX_TEXT, key_path=()) -> str | None:
        value = self._present(data, key, required, key_path)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(key_path + (key,), f"'{key}' skal være en tekst, ikke en liste eller samling")
            return None
        value = value.strip()
        if len(value) > max_len:
            self.error(key_path + (key,), f"'{key}' er for lang ({len(value)} tegn; højst {max_len})")
            return None
        return value

    def text_list(self, data: dict, key: str, *, required=False, lower=False, key_path=()) -> list[str]:
        value = self._present(data, key, required, key_path)
        if value is None:
            return []
        if isinstance(value, str):
            self.error(key_path + (key,), f"'{key}' skal være en liste, fx {key}: [{value}]")
            return []
        if not isinstance(value, list):
            self.error(key_path + (key,), f"'{key}' skal være en liste")
            return []
        if len(value) > MAX_LIST:
            self.error(key_path + (key,), f"'{key}' har for mange punkter (højst {MAX_LIST})")
            return []
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error(key_path + (key, i), f"punkt {i + 1} i '{key}' skal være en ikke-tom tekst")
                continue
            item = " ".join(item.split())
            if lower:
                item = item.lower()
            if len(item) > MAX_TAG:
                self.error(key_path + (key, i), f"punkt {i + 1} i '{key}' er for langt (højst {MAX_TAG} tegn)")
                continue
            if item not in out:
                out.append(item)
        return out

    def choice(self, data: dict, key: str, choices, *, required=False, key_path=()) -> str | None:
        value = self.text(data, key, required=required, key_path=key_path)
        if value is None:
            return None
        if value not in choices:
            close = difflib.get_close_matches(value, list(choices), n=1, cutoff=0.5)
            hint = f" – mente du '{close[0]}'?" if close else ""
            allowed = ", ".join(repr(c) for c in choices)
            self.error(key_path + (key,), f"'{key}' skal være én af {allowed}, ikke '{value}'{hint}")
            return None
        return value

    def year(self, data: dict, key: str, key_path=()) -> int | None:
        value = self.text(data, key, key_path=key_path)
        if value is None:
            return None
        if not re.fullmatch(r"\d{4}", value) or not 1900 <= int(value) <= 2100:
            self.error(key_path + (key,), f"'{key}' skal være et årstal som 2018, ikke '{value}'")
            return None
        return int(value)

    def date(self, data: dict, key: str, *, required=False, partial=False, key_path=()) -> str | None:
        """An ISO date ``YYYY-MM-DD`` (or, with ``partial``, ``YYYY-MM`` / ``YYYY``)."""
        value = self.text(data, key, required=required, key_path=key_path)
        if value is None:
            return None
        formats = ("%Y-%m-%d", "%Y-%m", "%Y") if partial else ("%Y-%m-%d",)
        for fmt in formats:
            try:
                _dt.datetime.strptime(value, fmt)
            except ValueError:
                continue
            if re.fullmatch(r"\d{4}(-\d{2}){0,2}", value):
                return value
        shape = "ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM" if partial else "ÅÅÅÅ-MM-DD"
        self.error(key_path + (key,), f"'{key}' skal være en gyldig dato på formen {shape}, ikke '{value}'")
        return None

    def boolean(self, data: dict, key: str, *, required=False, key_path=()) -> bool | None:
        value = self.text(data, key, required=required, key_path=key_path)
        if value is None:
            return None
        if value in ("true", "ja"):
            return True
        if value in ("false", "nej"):
            return False
        self.error(key_path + (key,), f"'{key}' skal være true eller false, ikke '{value}'")
        return None

    def number(self, data: dict, key: str, *, required=False, integer=False, key_path=()) -> float | int | None:
        value = self.text(data, key, required=required, key_path=key_path)
        if value is None:
            return None
        return self.convert_number(value, key_path + (key,), f"'{key}'", integer=integer)

    def convert_number(self, value, key_path: tuple, what: str, integer=False) -> float | int | None:
        """Text → number, or an error naming ``what`` (numbers use a decimal point)."""
        pattern = r"-?\d+" if integer else r"-?\d+(\.\d+)?"
        if not isinstance(value, str) or not re.fullmatch(pattern, value.strip()):
            kind = "et helt tal" if integer else "et tal med punktum som decimaltegn, fx -7.206"
            shown = value if isinstance(value, str) else "en liste eller samling"
            self.error(key_path, f"{what} skal være {kind}, ikke '{shown}'")
            return None
        return int(value) if integer else float(value)

    def kommuner(self, data: dict, key: str, *, key_path=()) -> list[dict]:
        out: list[dict] = []
        seen: set[str] = set()
        value = data.get(key)
        names = self.text_list(data, key, key_path=key_path)
        for i, name in enumerate(names):
            resolved = self.kommune(name, key_path + (key, i if isinstance(value, list) else 0))
            if resolved and resolved["code"] not in seen:
                seen.add(resolved["code"])
                out.append(resolved)
        return out

    def kommune(self, name: str, key_path: tuple) -> dict | None:
        try:
            res = kommune_registry.resolve(name)
        except kommune_registry.KommuneError as exc:
            self.error(key_path, str(exc))
            return None
        return kommune_record(res)

    def done(self) -> None:
        if self.errors:
            raise ContentErrors(self.errors)


def kommune_record(res) -> dict:
    """A resolved kommune reference as stored with an item."""
    k = res.kommune
    return {"code": k.code, "name": k.name, "region": k.region, "slug": k.slug, "as": res.as_name}


def _root(doc: Document, path: str, checker: _Checker) -> dict:
    data = checker.mapping(doc.data, (), "filens front matter" if doc.body_line > 1 else "filen")
    if data is None:
        checker.done()
    return data


def slug_of(path: str, checker: _Checker | None = None) -> str:
    import pathlib

    stem = pathlib.PurePath(path).stem
    if not SLUG_RE.match(stem) and checker is not None:
        checker.errors.append(ContentError(path, 1,
            f"filnavnet '{stem}' skal bestå af små bogstaver a-z, tal og bindestreger (æ→ae, ø→oe, å→aa)"))
    return stem


def _body(doc: Document, checker: _Checker) -> str:
    try:
        check_markdown(doc.body)
    except MarkdownTooLarge as exc:
        checker.errors.append(ContentError(checker.path, doc.body_line + exc.line - 1, str(exc), field="body"))
    return doc.body.strip("\n")


def validate_practice(doc: Document, path: str, slug: str | None = None) -> dict:
    c = _Checker(doc, path)
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
        "body_md": _body(doc, c),
        "path": path,
    }
    if record["start"] and record["end"] and record["end"] < record["start"]:
        c.error(("end",), f"'end' ({record['end']}) ligger før 'start' ({record['start']})")
    c.done()
    return record


def validate_note(doc: Document, path: str, slug: str | None = None) -> dict:
    c = _Checker(doc, path)
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
        "visibility": c.choice(data, "visibility", VISIBILITIES) or "public",
        "body_md": _body(doc, c),
        "path": path,
    }
    c.done()
    return record


def validate_network(doc: Document, path: str, slug: str | None = None) -> dict:
    c = _Checker(doc, path)
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
    c = _Checker(doc, path)
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


def _ranking_rows(c: _Checker, data: dict) -> list[dict]:
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
            if row.get("significance") not in (None, "") else "",
            "cases": c.number(row, "cases", integer=True, key_path=kp),
            "share_completed": c.number(row, "share_completed", key_path=kp),
            "previous_rank": c.number(row, "previous_rank", integer=True, key_path=kp),
        }
        if rec["rank"] is not None:
            if rec["rank"] in ranks:
                c.error(kp + ("rank",), f"placering {rec['rank']} står også i række {ranks[rec['rank']] + 1}")
            ranks[rec["rank"]] = i
        out.append(rec)
    return sorted(out, key=lambda r: r["rank"] if r["rank"] is not None else 0)


def validate_indicator(doc: Document, path: str, slug: str | None = None) -> dict:
    """Key figures over time (a barometer): national, or for one kommune."""
    c = _Checker(doc, path)
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
                c.error(kp + ("values",) if "values" in item else kp, "'values' skal være en liste af tal (null for manglende)")
                continue
            numbers = [
                None if v is None else c.convert_number(v, kp + ("values", j), f"værdi {j + 1} i 'values'")
                for j, v in enumerate(values)
            ]
            if len(numbers) != len(record["categories"]):
                c.error(kp + ("values",), f"dataserien har {len(numbers)} værdier, men der er {len(record['categories'])} kategorier")
            record["series"].append({"name": c.text(item, "name", required=True, max_len=MAX_TITLE, key_path=kp), "values": numbers})
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

