"""Index forms that come from compounds: their parts, and suspended compounds.

Kept apart from ``analysis`` (the forms of a word as written) because they
need the lexicon of ``compounds``. Used by the ``parts`` field (schema),
the tantivy documents and the highlighter.
"""

from __future__ import annotations

import functools
import re

from .analysis import _WORD_RE, DANISH_STOPWORDS, word_forms
from .compounds import split_compound

__all__ = ["part_forms", "parts_text", "index_forms", "suspended_forms"]


@functools.lru_cache(maxsize=200_000)
def part_forms(lower_word: str) -> tuple[str, ...]:
    """The forms of a word's compound parts that are not its own forms:
    indexed in the low-weight ``parts`` field, so that a part finds the
    compound, ranked below texts that write the part as a word.

    Input → Output: "virksomhedspraktik" → ("virksom", "praktik"); "job" → ()
    """
    if len(lower_word) < 2 or lower_word in DANISH_STOPWORDS:
        return ()
    parts = split_compound(lower_word)
    if not parts:
        return ()
    own = word_forms(lower_word)
    return tuple(dict.fromkeys(f for p in parts for f in word_forms(p) if f not in own))


def parts_text(text: str) -> str:
    """The ``parts`` field of a text: the part forms of its compounds, space-separated.

    Input → Output: "Virksomhedspraktik og job" → "virksom praktik"
    """
    out: list[str] = []
    for w in _WORD_RE.findall(text):
        if len(w) >= 7:
            out.extend(part_forms(w.lower()))
    return " ".join(out)


@functools.lru_cache(maxsize=200_000)
def index_forms(lower_word: str) -> tuple[str, ...]:
    """Every form a word matches under: its own forms (:func:`word_forms`) and
    those of its compound parts (virksomhedspraktik → … "virksom", "praktik").
    Used by the highlighter, so that a part marks the compound. The LAST form
    is still the word's canonical one.

    Input → Output: "jobcentret" → ("job", "cent", "jobcent");
    "flygtningene" → ("flygtning",)
    """
    own = word_forms(lower_word)
    if not own:
        return own
    parts = split_compound(lower_word)
    if not parts:
        return own
    extra = [f for p in parts for f in word_forms(p) if f not in own]
    if not extra:
        return own
    return tuple(dict.fromkeys((*own[:-1], *extra, own[-1])))


_SUSPENDED_RE = re.compile(r"(\w+)-\s+(?:og|eller|samt)\s+(\w+)", re.IGNORECASE)


def suspended_forms(text: str) -> dict[int, tuple[str, ...]]:
    """Index forms of the compounds a text writes with a suspended first word:
    "Beskæftigelses- og Integrationsforvaltningen" also means
    Beskæftigelsesforvaltningen. Word number (as ``WORD_PATTERN`` counts
    them) → the forms of the completed compound, added at that word.

    Input → Output: "Beskæftigelses- og Integrationsforvaltningen"
                    → {0: (…, "beskaeftigelsesforvaltning")}
    """
    out: dict[int, tuple[str, ...]] = {}
    for m in _SUSPENDED_RE.finditer(text):
        parts = split_compound(m.group(2).lower())
        if not parts:
            continue
        forms = word_forms(m.group(1).lower() + parts[-1])
        if forms:
            out[len(_WORD_RE.findall(text, 0, m.start(1)))] = forms
    return out
