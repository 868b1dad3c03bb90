"""Corrections the spelling vocabulary cannot make: misspelt compounds and ASCII spellings.

The "did you mean" of ``whoosh_suggestions.py`` proposes words of the public texts
within two edits. That misses a compound whose written forms are all
inflected (``mentorordnig`` is three edits from the only form in the texts,
``mentorordninger``) and an ASCII spelling of a Danish word two letters off
(``bydelsmodre`` → bydelsmødre, ``bydelsmøder`` → bydelsmødre). Here the
candidates are the word with the last part of the compound one edit away
(with transpositions and Danish letters) and its ASCII→Danish respellings,
each a known word or compound of known words; a candidate counts when its
canonical *index* form is in the index (so any inflection in the texts will
do); Danish-letter readings first, then the most frequent. The caller
checks that it finds a public document.

Input → Output (texts with "mentorordninger", "Bydelsmødrene"):
    "mentorordnig" → "mentorordning"; "bydelsmodre" → "bydelsmødre"
"""

from __future__ import annotations

from typing import Callable

from .analysis import word_forms
from .compounds import split_compound
from .lexicon import is_word

__all__ = ["candidates", "danish_respellings", "respell"]

_ALPHABET = "abcdefghijklmnopqrstuvwxyzæøå"
_ASCII = (("aa", "å"), ("oe", "ø"), ("ae", "æ"), ("o", "ø"), ("a", "æ"), ("a", "å"))
MAX_WORD = 30  # longer "words" are not respelled (the candidates grow with the length)
TOP = 5  # candidates handed to the caller's (costlier) check, best first


def _edits1(word: str) -> set[str]:
    """Everything one edit away: delete, transpose, replace, insert."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    out = {a + b[1:] for a, b in splits if b}
    out |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    out |= {a + c + b[1:] for a, b in splits if b for c in _ALPHABET if c != b[0]}
    out |= {a + c + b for a, b in splits for c in _ALPHABET}
    return out


def _compound_candidates(word: str) -> set[str]:
    """The word with its last part corrected: after the longest known head
    (with a linking s/e), the one-edit variants of the rest that are words.
    Only set lookups: a long word has ~700 variants, a handful of them words."""
    for i in range(len(word) - 3, 3, -1):
        head = word[:i]
        if is_word(head) or (head[-1] in "se" and is_word(head[:-1])):
            out = {head + t for t in _edits1(word[i:]) if len(t) >= 3 and is_word(t)}
            if out:
                return out
    return set()


def candidates(word: str) -> set[str]:
    """Respellings worth trying: the last part of a compound corrected, and an
    ASCII pair or letter read as the Danish letter it stands for."""
    out = _compound_candidates(word) | {c for c in danish_respellings(word) if _plausible(c)}
    out.discard(word)
    return out


def danish_respellings(word: str) -> set[str]:
    """The word with one ASCII pair or letter written as the Danish letter it
    may stand for: "bydelsmodre" → {"bydelsmødre", …}."""
    out = set()
    for ascii_, danish in _ASCII:
        i = word.find(ascii_)
        while i != -1:
            out.add(word[:i] + danish + word[i + len(ascii_) :])
            i = word.find(ascii_, i + 1)
    return out


def _plausible(word: str) -> bool:
    return is_word(word) or bool(split_compound(word))


def respell(word: str, term_df: Callable[[str], int], finds: Callable[[str], bool]) -> str | None:
    """The best respelling of ``word`` whose index form ``term_df`` knows and
    for which ``finds`` (a public document matches) holds, else None."""
    if len(word) > MAX_WORD or not word.isalpha():
        return None
    scored = []
    own = word_forms(word)
    danish = danish_respellings(word)
    for cand in candidates(word):
        forms = word_forms(cand)
        if not forms or forms == own:
            continue
        df = term_df(forms[-1])
        if df:
            # A Danish-letter reading of an ASCII spelling before any other edit
            # (bydelsmodre is bydelsmødre, not bydelsmore).
            scored.append((cand not in danish, -df, cand))
    scored.sort()
    for *_rank, cand in scored[:TOP]:
        if finds(cand):
            return cand
    return None
