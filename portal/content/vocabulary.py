"""One vocabulary for topics and target groups (``data/vocabulary.tsv``).

Content writes its own words; facets, filters and the index count the
canonical value, so "flygtningeområdet" and "flygtninge" are one facet value
and a reader's filter catches both. A tag the vocabulary does not know stays
as it is (lowercased): content can propose new values, and moderation shows
such a tag with the nearest known value (:func:`nearest`).

Input → Output: canonical("topic", "Flygtningeområdet") → "flygtninge";
canonical("topic", "natteliv") → "natteliv"; nearest("topic", "beskæftigelsen") → "beskæftigelse"
"""

from __future__ import annotations

import difflib
import functools
from pathlib import Path

__all__ = ["KINDS", "canonical", "canonical_list", "is_known", "nearest", "known", "unknown_tags"]

KINDS = ("topic", "target_group")
_FILE = Path(__file__).resolve().parent / "data" / "vocabulary.tsv"


@functools.cache
def _table() -> dict[str, dict[str, str]]:
    """kind -> {value or alias (lowercase): canonical value}."""
    table: dict[str, dict[str, str]] = {k: {} for k in KINDS}
    for n, raw in enumerate(_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        cols = raw.split("\t")
        if len(cols) < 4 or cols[0] not in KINDS or not cols[1].strip() or not cols[3].strip():
            raise ValueError(
                f"{_FILE}:{n}: skriv 'art<TAB>værdi<TAB>aliasser<TAB>hvorfor' (art: topic eller target_group)"
            )
        kind, value = cols[0], cols[1].strip().lower()
        table[kind][value] = value
        for alias in cols[2].split(","):
            if alias.strip():
                table[kind][alias.strip().lower()] = value
    return table


def canonical(kind: str, tag: str) -> str:
    low = " ".join(tag.split()).lower()
    return _table()[kind].get(low, low)


def canonical_list(kind: str, tags) -> list[str]:
    """Canonical values of ``tags``, in order, without repeats."""
    return list(dict.fromkeys(canonical(kind, t) for t in tags or () if t and t.strip()))


def known(kind: str) -> list[str]:
    return sorted(set(_table()[kind].values()))


def is_known(kind: str, tag: str) -> bool:
    return " ".join(tag.split()).lower() in _table()[kind]


def nearest(kind: str, tag: str) -> str | None:
    """The known value (or alias's value) closest in spelling to an unknown tag."""
    names = list(_table()[kind])
    match = difflib.get_close_matches(" ".join(tag.split()).lower(), names, n=1, cutoff=0.6)
    return _table()[kind][match[0]] if match else None


def unknown_tags(record: dict | None) -> list[tuple[str, str, str | None]]:
    """(kind, tag as written, nearest known value or None) for each topic and
    target group of a record that the vocabulary does not know: what an editor
    is shown in moderation, to map the tag or accept it as a new value."""
    out = []
    for kind, key in (("topic", "topics"), ("target_group", "target_groups")):
        for tag in (record or {}).get(key) or ():
            if tag and tag.strip() and not is_known(kind, tag):
                out.append((kind, tag, nearest(kind, tag)))
    return out
