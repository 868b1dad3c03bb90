"""Danish compound splitting: ``virksomhedspraktik`` → ``virksomhed`` + ``praktik``.

Danish writes its key concepts as one word (jobcentret, mentorordningen,
beskæftigelsesindsatsen), so a search that matches whole words only misses
most of them. :func:`split_compound` finds the known parts of a word from the
lexicon (``lexicon.py``: the DSDO word list plus the shipped content), allowing
the linking letters ``s`` and ``e`` between parts (beskæftigelse·s·indsats,
familie·sammenføring is plain, barn·e·barn).

Guards against nonsense splits, because a wrong part makes a search find
unrelated texts:

* a part has at least ``MIN_PART`` letters, except a short list of real
  three-letter words that do occur as parts (job, mor, råd …);
* no part is a stop word (``under·visning`` is not a compound of *under*);
* the last part is not a bare suffix that happens to be a word (``-ring``,
  ``-else``, ``-ende``: radikalise·ring);
* words that are names (``lexicon.is_name``) are never split;
* two parts at most (three-part readings were mostly nonsense: familie·ammen·førte).

Input → Output::

    virksomhedspraktik     → ("virksomhed", "praktik")
    beskæftigelsesindsats  → ("beskæftigelse", "indsats")
    sprogundervisningen    → ("sprog", "undervisningen")
    undervisning           → ()
"""

from __future__ import annotations

import functools
from typing import Callable

__all__ = ["MIN_WORD", "MIN_PART", "MAX_PARTS", "SHORT_PARTS", "SUFFIX_TAILS", "split_compound", "splitter"]

#: Shorter words are never split (the shortest real compound we care about is
#: job·center, 9 letters; 7 keeps mor·skab out but still lets råd·hus in).
MIN_WORD = 7
#: Shortest part, apart from SHORT_PARTS.
MIN_PART = 4
MAX_PARTS = 2
#: Three-letter words that are real parts of the field's compounds.
SHORT_PARTS = frozenset(
    {"job", "mor", "far", "råd", "liv", "hus", "ung", "sag", "lov", "tid", "løn", "mål", "ret", "arv", "syg", "kur"}
)
#: Endings that are words on their own but, as the last "part", are suffixes.
SUFFIX_TAILS = frozenset(
    {
        "ring",
        "ringer",
        "ringen",
        "ning",
        "ninger",
        "ningen",
        "ling",
        "lingen",
        "heder",
        "hedes",
        "skab",
        "skaber",
        "skabet",
        "skabs",
        "else",
        "elser",
        "elsen",
        "ender",
        "enden",
        "isme",
        "hede",
        "heden",
        "inde",
        "ider",
        "erne",
        "ener",
        "nere",
        "ister",
        "ende",
        "ører",
        "ered",
        "sion",
        "tion",
        "tioner",
        "ionen",
        "ative",
        "ilder",
        "trice",
    }
)
_LINKS = ("s", "e")
#: Inflectional endings, longest first: a word that is a known word plus one of
#: these is that word inflected, not a compound with the ending's letters.
_ENDINGS = ("ernes", "enes", "erne", "ene", "ens", "ers", "ets", "er", "en", "et", "es", "e", "s")


def _part_ok(part: str, stop: frozenset[str]) -> bool:
    if part in stop:
        return False
    return len(part) >= MIN_PART or part in SHORT_PARTS


def splitter(is_word: Callable[[str], bool], stop: frozenset[str]):
    """A split function over the word test ``is_word`` (the generator of the
    lexicon and the tests can pass their own)."""

    def tail_ok(tail: str, short: bool = True) -> bool:
        if tail in SUFFIX_TAILS or not is_word(tail):
            return False
        return _part_ok(tail, stop) if short else len(tail) > MIN_PART and tail not in stop

    def head_form(head: str, short: bool = True) -> str | None:
        # "virksomheds" → "virksomhed" (the bare word first: its stem is the
        # one the word written alone has); "virksomhed" as it is.
        ok = (lambda p: _part_ok(p, stop)) if short else (lambda p: len(p) > MIN_PART and p not in stop)
        if len(head) > 3 and head[-1] in _LINKS:
            bare = head[:-1]
            if ok(bare) and is_word(bare):
                return bare
        if ok(head) and is_word(head):
            return head
        return None

    @functools.lru_cache(maxsize=100_000)
    def split(word: str, depth: int = MAX_PARTS) -> tuple[str, ...]:
        if depth < 2 or len(word) < MIN_WORD:
            return ()
        # An inflected form of a known word splits as that word does
        # (virksomhed·er is not virksom·heder; mentorordning·en is mentor·ordningen).
        for ending in _ENDINGS:
            stem = word[: -len(ending)]
            if word.endswith(ending) and len(stem) >= MIN_WORD - 1 and is_word(stem):
                parts = split(stem, depth)
                return (*parts[:-1], parts[-1] + ending) if parts else ()
        # Longest head first: a longer known head is the more specific reading
        # (beskæftigelses·indsats rather than beskæftig·elsesindsats).
        for i in range(len(word) - 3, 2, -1):
            head = head_form(word[:i])
            if head and tail_ok(word[i:]):
                return (head, word[i:])
        return ()

    return split


@functools.lru_cache(maxsize=1)
def _portal_splitter():
    from .analysis import DANISH_STOPWORDS
    from .lexicon import is_name, is_word

    inner = splitter(is_word, DANISH_STOPWORDS)

    def split(word: str) -> tuple[str, ...]:
        if is_name(word):
            return ()
        return inner(word)

    return split


def split_compound(lower_word: str) -> tuple[str, ...]:
    """The parts of a lowercase word (linking letters removed), or () when it
    is not a compound of known parts.

    Input → Output: "jobcentret" → ("job", "centret"); "praktik" → ()
    """
    if len(lower_word) < MIN_WORD or not lower_word.isalpha():
        return ()
    return _portal_splitter()(lower_word)
