"""The word lists the Danish analysis leans on, shipped in ``search_index/data/``.

* ``lexicon-da.txt.gz`` — known Danish words, lowercase (what :mod:`compounds`
  may split a word into). Generated once by
  ``python -m search_index.lexicon_build`` from the DSDO word list (Debian's
  ``wdanish``, GPL-2+) plus the words of the shipped content; see
  ``data/README.md`` for provenance and licence.
* ``fold-guard.txt`` — stems where folding æ/ø/å to ae/oe/aa would merge a
  word with a *different* real ASCII-spelt word (bøde → "boed" = boede;
  køn → "koen" = koen): for those, the Danish letters are kept.
* ``names.txt`` — the words of every kommune name the resolver knows (current,
  former, aliases; folded), minus ordinary lowercase words: these are names,
  matched unstemmed, never split and never folded into common words
  (Aars ≠ år, Højer ≠ høje).
* ``inflections.tsv`` — forms the Snowball stemmer cannot bring together
  (sprogcentret/sprogcenter, mødre/mor), each with a reason.

Shipped with the code (not in ``content/``, which an operator may replace),
and loaded lazily once per process.
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

__all__ = ["DATA_DIR", "is_word", "is_name", "fold_guarded", "inflection_lemma", "inflections", "words", "name_keys"]

DATA_DIR = Path(__file__).resolve().parent / "data"


def _lines(name: str) -> list[str]:
    out = []
    opener = gzip.open if name.endswith(".gz") else open
    with opener(DATA_DIR / name, "rt", encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


@functools.cache
def words() -> frozenset[str]:
    return frozenset(_lines("lexicon-da.txt.gz"))


@functools.cache
def name_keys() -> frozenset[str]:
    return frozenset(_lines("names.txt"))


@functools.cache
def _guard() -> frozenset[str]:
    return frozenset(_lines("fold-guard.txt"))


@functools.cache
def _inflections() -> dict[str, str]:
    table: dict[str, str] = {}
    for line in _lines("inflections.tsv"):
        form, lemma = line.split("\t")[:2]
        table[form] = lemma
    return table


def is_word(lower_word: str) -> bool:
    return lower_word in words()


def is_name(lower_word: str) -> bool:
    """Is this (lowercase) word a kommune name in some spelling the resolver knows?
    A real word that folds like a name stays a word ("års" folds like Aars)."""
    from .analysis import fold

    return fold(lower_word) in name_keys() and lower_word not in words()


def fold_guarded(folded_stem: str) -> bool:
    """Would this folded stem merge a word with a different real word?"""
    return folded_stem in _guard()


def inflections() -> dict[str, str]:
    """Every form of ``inflections.tsv`` with its lemma (mødre → mor, børn → barn)."""
    return dict(_inflections())


def inflection_lemma(lower_word: str) -> str | None:
    """The lemma of a form the stemmer splits off, else None (exact forms only;
    compounds are handled by replacing their last part)."""
    return _inflections().get(lower_word)
