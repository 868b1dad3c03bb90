"""The field checks every content validator uses: one problem per bad field, each with its line.

A :class:`Checker` walks one parsed document (``frontmatter.Document``), converts
each value explicitly from the text the YAML reader gives (nothing is left to
YAML's guessing), and collects every problem as a ``ContentError`` on the line
of its key, so one run reports the whole file. ``done()`` raises them together.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re

from . import characters
from . import kommuner as kommune_registry
from .errors import ContentError, ContentErrors
from .frontmatter import Document

MAX_TEXT = 5_000
MAX_LIST = 50
MAX_TAG = 80
# Texts of at most this many characters (titles, names, organisations) are single-line
# (schema.MAX_TITLE, repeated here so the checker does not import the contract).
MAX_SINGLE_LINE = 300


class Checker:
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
                self.error(
                    key_path + (key,) if key in data else key_path,
                    f"'{key}' skal udfyldes",
                    field=str(key_path[0]) if key_path else key,
                )
            return None
        return value

    def text(
        self, data: dict, key: str, *, required=False, max_len=MAX_TEXT, key_path=(), single_line: bool | None = None
    ) -> str | None:
        """A text field; short ones (at most MAX_SINGLE_LINE) are single-line unless said otherwise."""
        value = self._present(data, key, required, key_path)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(key_path + (key,), f"'{key}' skal være en tekst, ikke en liste eller samling")
            return None
        value = value.strip()
        one_line = max_len <= MAX_SINGLE_LINE if single_line is None else single_line
        if (found := characters.problem(value, single_line=one_line)) is not None:
            self.error(key_path + (key,), f"'{key}' {found[1]}")
            return None
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
            if (found := characters.problem(item.strip(), single_line=True)) is not None:
                self.error(key_path + (key, i), f"punkt {i + 1} i '{key}' {found[1]}")
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
