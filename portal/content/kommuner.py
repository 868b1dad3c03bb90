"""Danish kommune reference data and a forgiving name resolver.

Why: integration statistics and reports name kommuner in many ways – today's
98 kommuner (since the 2007 structural reform), the 270 kommuner that existed
on 31 December 2006, their kommunekoder, and the misspellings found in
published tables (e.g. the 2006 ranking: "Lyngby-Tårnbæk", "Fredensborg-
Humblebæk", "Åbenrå"). This module maps all of those to one present-day
:class:`Kommune`, and refuses to guess when a name is unknown or ambiguous.

Data (package data in ``data/``, transcribed from Danmarks Statistik's
classifications before and after the reform):

* ``kommuner.csv`` – ``code,name,official_name,region``: the 98 present kommuner.
  Christiansø (411) is not a kommune and is not listed. ``official_name`` is the
  name in full, which is not always "<name> Kommune": Københavns Kommune,
  Bornholms Regionskommune, Vesthimmerlands Kommune.
* ``former_kommuner.csv`` – ``old_code,name,successor_code,merged,split,note``:
  the 270 kommuner of 31 Dec 2006 (Bornholms Regionskommune and Ærø Kommune
  counted once each) plus the 7 names that vanished earlier: Allinge-Gudhjem,
  Hasle, Nexø, Rønne, Aakirkeby (merged 2003 into Bornholm) and Marstal,
  Ærøskøbing (merged 2006 into Ærø) – 277 rows.

  Convention for ``merged``: the year the old entity ended. Kommuner that
  continued unchanged through the reform (København, Bornholm, Ærø, ...) or
  kept their name while absorbing others (Billund, Horsens, ...) still have
  ``merged=2007``: the pre-2007 entity ended at the reform. ``split=1`` marks
  an old kommune divided between several new ones; ``successor_code`` is then
  the kommune that took most of it, and ``note`` names the other recipients.
* ``aliases.csv`` – ``alias,name``: spellings seen in published tables that
  plain folding cannot reach (misspellings, interim names), mapped to a
  canonical current or former name.

This module must stay Flask-free so scripts and tests can use it directly.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from search_index.collation import danish_sort_key  # the one Danish sort key of the portal

__all__ = [
    "REGIONS",
    "Kommune",
    "FormerKommune",
    "Resolution",
    "KommuneError",
    "UnknownKommune",
    "AmbiguousKommune",
    "fold",
    "resolve",
    "by_code",
    "all_kommuner",
    "former_of",
    "official_name",
    "danish_sort_key",
]

REGIONS: tuple[str, ...] = (
    "Hovedstaden",
    "Sjælland",
    "Syddanmark",
    "Midtjylland",
    "Nordjylland",
)

_DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Kommune:
    """One of today's 98 kommuner."""

    code: str  # 3-digit kommunekode, e.g. "101"
    name: str  # official short name, e.g. "Høje-Taastrup"
    region: str  # one of REGIONS
    slug: str  # ASCII url slug, e.g. "hoeje-taastrup"
    # The name in full, from the reference data: what titles, headings, feeds and the API say.
    # Never built as name + " Kommune" (that gives "København Kommune").
    official_name: str = ""


@dataclass(frozen=True)
class FormerKommune:
    """A kommune as it existed before the 2007 reform (or before 2003/2006)."""

    name: str
    old_code: str | None
    successor_code: str
    merged: int
    split: bool
    note: str


@dataclass(frozen=True)
class Resolution:
    """The result of :func:`resolve`.

    ``as_name`` is the canonical name that matched (current or former);
    ``former`` is set only when the reference named a former kommune whose
    name differs from today's (so ``resolve("Aalborg").former is None``).
    """

    kommune: Kommune
    as_name: str
    former: FormerKommune | None


class KommuneError(ValueError):
    """A kommune reference could not be resolved to exactly one kommune."""

    def __init__(self, reference: str, suggestions: list[str], message: str):
        super().__init__(message)
        self.reference = reference
        self.suggestions = list(suggestions)


class UnknownKommune(KommuneError):
    """No kommune (current, former or alias) matches the reference."""

    def __init__(self, reference: str, suggestions: list[str] | None = None):
        suggestions = list(suggestions or [])
        message = f'ukendt kommune "{reference}"'
        if suggestions:
            message += f" – mente du {_danish_list(suggestions, 'eller')}?"
        super().__init__(reference, suggestions, message)


class AmbiguousKommune(KommuneError):
    """The reference matches names belonging to more than one present kommune."""

    def __init__(self, reference: str, candidates: list[str]):
        message = f'tvetydig kommune "{reference}" – kan være {_danish_list(candidates, "eller")}'
        super().__init__(reference, candidates, message)


def _danish_list(items: list[str], conj: str) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} " + items[-1]


# --------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------

_TRANSLIT = {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue"}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_KOMMUNE_SUFFIX = re.compile(r"\s+kommune\s*$", re.IGNORECASE)
_CODE = re.compile(r"0?(\d{3})")


def _transliterate(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = "".join(_TRANSLIT.get(ch, ch) for ch in text)
    # Strip any other accents (é -> e); æ/ø/å are already gone.
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def fold(text: str) -> str:
    """The forgiving lookup key: case-, accent- and punctuation-insensitive.

    æ/ø/å fold to ae/oe/aa (so "Århus" == "Aarhus", "Høje Taastrup" ==
    "hoeje-taastrup"), and everything but ASCII letters and digits is
    dropped, so hyphens, spaces and stray spaces ("Fredensborg- Humlebæk")
    do not matter.
    """
    return _NON_ALNUM.sub("", _transliterate(text))


def _loose(key: str) -> str:
    """A second, lossier key for users who drop the diacritics entirely.

    Maps aa/oe/ae to a/o/a so "Kobenhavn", "Koge", "Tarnby" and "Nastved"
    still match. Only used when :func:`fold` finds nothing, and any loose
    key shared by two present kommuner is reported as ambiguous.
    """
    return key.replace("aa", "a").replace("oe", "o").replace("ae", "a")


def _slugify(name: str) -> str:
    return _NON_ALNUM.sub("-", _transliterate(name)).strip("-")


# --------------------------------------------------------------------------
# Loading (once)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Db:
    by_code: dict[str, Kommune]
    formers: tuple[FormerKommune, ...]
    exact: dict[str, tuple[Resolution, ...]]  # fold key -> candidates
    loose: dict[str, tuple[Resolution, ...]]  # loose key -> candidates
    display: dict[str, str]  # fold key -> canonical name (for suggestions)


def _read_csv(name: str) -> list[dict[str, str]]:
    with (_DATA_DIR / name).open(encoding="utf-8", newline="") as fh:
        return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _add(index: dict[str, list[Resolution]], key: str, res: Resolution) -> None:
    """Add a candidate; a current-name match beats a former one for the same kommune."""
    bucket = index.setdefault(key, [])
    for i, old in enumerate(bucket):
        if old.kommune == res.kommune:
            if old.former is not None and res.former is None:
                bucket[i] = res
            return
    bucket.append(res)


@lru_cache(maxsize=None)
def _db() -> _Db:
    kommuner = {}
    for row in _read_csv("kommuner.csv"):
        k = Kommune(row["code"], row["name"], row["region"], _slugify(row["name"]), row["official_name"])
        kommuner[k.code] = k

    formers = tuple(
        FormerKommune(
            name=row["name"],
            old_code=row["old_code"] or None,
            successor_code=row["successor_code"],
            merged=int(row["merged"]),
            split=row["split"] == "1",
            note=row["note"],
        )
        for row in _read_csv("former_kommuner.csv")
    )

    exact: dict[str, list[Resolution]] = {}
    display: dict[str, str] = {}
    for k in kommuner.values():
        _add(exact, fold(k.name), Resolution(k, k.name, None))
        display[fold(k.name)] = k.name
    for f in formers:
        key = fold(f.name)
        _add(exact, key, Resolution(kommuner[f.successor_code], f.name, f))
        display.setdefault(key, f.name)

    # Aliases point at canonical names and inherit their candidates.
    canonical = {key: tuple(v) for key, v in exact.items()}
    for row in _read_csv("aliases.csv"):
        target = canonical.get(fold(row["name"]))
        if target is None:
            raise ValueError(f"alias {row['alias']!r} points at unknown name {row['name']!r}")
        for res in target:
            _add(exact, fold(row["alias"]), res)

    loose: dict[str, list[Resolution]] = {}
    for key, candidates in exact.items():
        for res in candidates:
            _add(loose, _loose(key), res)

    return _Db(
        by_code=kommuner,
        formers=formers,
        exact={k: tuple(v) for k, v in exact.items()},
        loose={k: tuple(v) for k, v in loose.items()},
        display=display,
    )


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------


def by_code(code: str) -> Kommune:
    """Today's kommune by kommunekode ("101" or "0101"); KeyError if unknown."""
    m = _CODE.fullmatch(str(code).strip())
    if m is None or m.group(1) not in _db().by_code:
        raise KeyError(code)
    return _db().by_code[m.group(1)]


def all_kommuner() -> list[Kommune]:
    """The 98 present kommuner in Danish alphabetical order."""
    return sorted(_db().by_code.values(), key=lambda k: danish_sort_key(k.name))


def official_name(code: str) -> str:
    """The kommune's name in full ("Københavns Kommune", "Bornholms Regionskommune") by kommunekode.

    For feeds, titles and exports that have only a code at hand; KeyError if unknown.
    """
    return by_code(code).official_name


def former_of(code: str) -> list[FormerKommune]:
    """Old kommuner that became (mostly) part of kommune ``code``, by name."""
    code = by_code(code).code
    return sorted(
        (f for f in _db().formers if f.successor_code == code),
        key=lambda f: danish_sort_key(f.name),
    )


def _pick(reference: str, candidates: tuple[Resolution, ...]) -> Resolution:
    if len(candidates) == 1:
        return candidates[0]
    names = sorted({c.kommune.name for c in candidates}, key=danish_sort_key)
    raise AmbiguousKommune(reference, names)


def resolve(ref: str) -> Resolution:
    """Resolve a kommune reference to today's kommune.

    Accepts today's kommunekode (3 digits, or 4 with a leading zero – old
    pre-2007 codes are deliberately not accepted), the current name or slug,
    a former kommune's name, or a known alias; forgiving about case, æ/ø/å
    vs ae/oe/aa, hyphens and spaces, and a trailing "Kommune". Raises
    :class:`UnknownKommune` (with up to 3 suggestions) or
    :class:`AmbiguousKommune` – it never guesses.
    """
    db = _db()
    text = (ref or "").strip()
    m = _CODE.fullmatch(text)
    if m:
        k = db.by_code.get(m.group(1))
        if k is None:
            raise UnknownKommune(ref)
        return Resolution(k, k.name, None)

    stripped = _KOMMUNE_SUFFIX.sub("", text)
    key = fold(stripped)
    if not key:
        raise UnknownKommune(ref)
    # "Københavns Kommune" -> "København": try without the genitive s last.
    keys = [key, key[:-1]] if key.endswith("s") and stripped != text else [key]
    for k in keys:
        if k in db.exact:
            return _pick(ref, db.exact[k])
    for k in keys:
        if _loose(k) in db.loose:
            return _pick(ref, db.loose[_loose(k)])

    close = difflib.get_close_matches(key, list(db.display), n=3)
    raise UnknownKommune(ref, [db.display[c] for c in close])
