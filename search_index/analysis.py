"""Danish text analysis: tokenizing, stop words, stemming and letter folding.

Everything that turns text into index terms lives here, so that indexing,
querying and highlighting use exactly the same rules.

The Danish analyzer (:func:`danish_analyzer`) gives the tokens of the chain::

    RegexTokenizer(r"\\w+") | LowercaseFilter | StopFilter(Danish + folded)
        | DanishStemFoldFilter

but in one loop (:class:`DanishAnalyzer`), because a Whoosh chain of
generators costs ~5 µs a word in Python and an ingest analyses millions.

``DanishStemFoldFilter`` emits, for every word, the Snowball Danish stem
*folded afterwards* (the primary form, "stem → fold") and, when it differs,
also the stem of the *folded* word ("fold → stem") at the same position.
Why both?  Stem-then-fold alone does not make every å/aa, ø/oe, æ/ae pair
meet, because the stemmer treats "ø" and "oe" differently::

    Fanø      stem → "fanø"      fold → "fanoe"
    Fanoe     stem → "fano"      fold → "fano"      (no match!)

Fold-then-stem gives the stemmer the *same* input for both spellings, so the
second form always coincides ("Fanø" → "fanoe" → "fano").  Documents carry
both forms; a query word is turned into the same one or two forms and any of
them may match.  Phrases use the fold-then-stem form (:func:`canonical_term`),
which every indexed word carries.

Examples (Input → Output, token texts):

    >>> [t.text for t in danish_analyzer()("Flygtningene i kommunerne")]
    ['flygtning', 'kommun']
    >>> [t.text for t in danish_analyzer()("Århus")]
    ['aarhus']
    >>> [t.text for t in danish_analyzer()("Høje-Taastrup")]
    ['hoej', 'taastrup']
    >>> [t.text for t in danish_analyzer()("Fanø")]
    ['fanoe', 'fano']
    >>> fold("Ærø Ålborg Café")
    'Aeroe Aalborg Cafe'
    >>> [t.text for t in spelling_analyzer()("Flygtninge på Fanø")]
    ['flygtninge', 'fanø']
"""

from __future__ import annotations

import functools
import unicodedata

import re

import threading
from pathlib import Path

import Stemmer  # PyStemmer: the Snowball project's own stemmers, in C

from .collation import danish_sort_key  # noqa: F401  (re-exported; the one Danish sort key)

__all__ = [
    "WORD_PATTERN",
    "fold",
    "query_terms_for_word",
    "canonical_term",
    "prefix_term",
    "danish_sort_key",
    "DANISH_STOPWORDS",
    "word_forms",
    "analyse_for_index",
    "analyse_with_spelling",
    "spelling_words",
]

#: What counts as a word, everywhere (index, query parser, highlighter).
#: Hyphens, dots, colons … all separate words: "Høje-Taastrup" is two words.
WORD_PATTERN = r"\w+"
#: Words the spelling suggestions learn from: letters only, at least three.
SPELL_PATTERN = r"[^\W\d_]{3,}"
_WORD_RE = re.compile(WORD_PATTERN)
_SPELL_RE = re.compile(SPELL_PATTERN)

# Danish letters first (å must not be decomposed to a + ring by NFKD below),
# upper and lower case.  Input → Output: "Å" → "Aa", "ø" → "oe", "Æ" → "Ae".
_FOLD_TABLE = str.maketrans(
    {
        "æ": "ae",
        "ø": "oe",
        "å": "aa",
        "Æ": "Ae",
        "Ø": "Oe",
        "Å": "Aa",
        "ä": "ae",
        "ö": "oe",
        "Ä": "Ae",
        "Ö": "Oe",
        "ß": "ss",
    }
)


def fold(text: str) -> str:
    """Fold Danish and accented letters to plain ASCII-ish spellings.

    Input → Output:
        "Århus"          → "Aarhus"
        "høje-taastrup"  → "hoeje-taastrup"
        "ÆRØ"            → "AeRoe"   (case is kept; lowercase first if needed)
        "café", "CAFÉ"   → "cafe", "CAFE"
        "Aarhus"         → "Aarhus"  (already folded text is unchanged)
    """
    text = text.translate(_FOLD_TABLE)
    if text.isascii():
        return text
    # Strip remaining accents: é → e, ü → u, ñ → n ...
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    stem = _danish_stemmer()(word)
    if stem.endswith("s") and stem != word:
        # Snowball strips the s of "indsats" but not of "indsatsen" (→ "indsats"):
        # stemming such a stem once more makes the forms of one word meet
        # (indsats/indsatsen, proces/processen, beskæftigelsesindsats/-en).
        stem = _danish_stemmer()(stem)
    return stem


_stemmers = threading.local()  # a PyStemmer object is not thread-safe: one per thread


def _danish_stemmer():
    stem = getattr(_stemmers, "danish", None)
    if stem is None:
        stem = _stemmers.danish = Stemmer.Stemmer("danish").stemWord
    return stem


def _forms(word: str) -> tuple[str, ...]:
    """The own forms of one lowercase word: (stem→fold[, fold→stem]), with
    three exceptions (word lists in ``lexicon.py``):

    * a kommune name is one unstemmed, folded form ("aars", "hoejer"), so
      Aars does not meet "år" nor Højer "høje"; Århus/Aarhus, Fanø/Fanoe meet;
    * a form the stemmer cannot bring together is stemmed from its lemma
      (sprogcentret → sprogcenter, bydelsmødre → bydelsmor);
    * where folding would merge the word with a different real ASCII-spelt
      word (bøde/boede, køn/koen, rønne/roen), the Danish letters stay.
    """
    from .lexicon import fold_guarded, is_name, name_keys

    if word.endswith("s") and len(word) > 3 and is_name(word[:-1]):  # Fanøs, Vesthimmerlands
        return (fold(word[:-1]),)
    if is_name(word):
        return (fold(word),)
    word = _lemma(word)
    stem = _stem(word)
    primary = fold(stem)
    secondary = _stem(fold(word))
    if not word.isascii():
        names = name_keys()
        if fold_guarded(primary) or primary in names:  # "års" must not become the name Aars
            primary = stem
        if fold_guarded(secondary) or secondary in names:
            secondary = stem
    if secondary == primary:
        return (primary,)
    return (primary, secondary)


def _lemma(word: str) -> str:
    """``word`` with a form from the exception table replaced by its lemma, as
    the whole word or as the last part of a compound."""
    from .compounds import split_compound
    from .lexicon import inflection_lemma

    lemma = inflection_lemma(word)
    if lemma is not None:
        return lemma
    parts = split_compound(word)
    if parts:
        lemma = inflection_lemma(parts[-1])
        if lemma is not None:
            return word[: len(word) - len(parts[-1])] + lemma
    return word


STOPWORDS_FILE = Path(__file__).with_name("data") / "stopwords-da.txt"


def _build_stoplist() -> frozenset[str]:
    lines = STOPWORDS_FILE.read_text(encoding="utf-8").splitlines()
    words = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    # "paa", "ogsaa", "naar", "vaere": folded spellings are stop words too.
    words |= {fold(w) for w in words}
    return frozenset(words)


#: Danish stop words, in both the Danish and the folded spelling.
DANISH_STOPWORDS: frozenset[str] = _build_stoplist()


def query_terms_for_word(word: str) -> list[str]:
    """All index terms a single query word should match (empty if stop word).

    Input → Output:
        "Flygtningene" → ["flygtning"]
        "Fanø"         → ["fanoe", "fano"]
        "og"           → []
    """
    return list(dict.fromkeys(form for w in _WORD_RE.findall(word) for form in word_forms(w.lower())))


def canonical_term(word: str) -> str | None:
    """The fold-then-stem form of one word (present at every indexed
    position), or None for a stop word. Used to build phrase queries.

    Input → Output: "Høje" → "hoej", "Fanø" → "fano", "for" → None
    """
    terms = query_terms_for_word(word)
    return terms[-1] if terms else None


def prefix_term(word: str) -> str:
    """Lowercased, folded (not stemmed) text for prefix expansion.

    Input → Output: "Flygt" → "flygt", "Århu" → "aarhu"
    """
    return fold(word.lower())


# Danish alphabet: ... x y z æ ø å, and "aa" sorts as "å" (Aabenraa after
# Vejle).  Characters after "z" in code point order stand in for æ, ø, å.
# ---------------------------------------------------------------------------
# The same analysis as plain Python functions (no Whoosh token objects), for
# engines that take pre-analysed text (tantivy) and for the highlighter.


@functools.lru_cache(maxsize=200_000)
def word_forms(lower_word: str) -> tuple[str, ...]:
    """The index forms of one lowercase word, as the Danish analyzer makes
    them: () for a stop word or a word under 2 characters, else
    (stem→fold[, fold→stem]).  The LAST form is the canonical (fold→stem) one.

    Input → Output: "flygtningene" → ("flygtning",); "fanø" → ("fanoe", "fano");
    "og" → ().
    """
    if len(lower_word) < 2 or lower_word in DANISH_STOPWORDS:
        return ()
    return _forms(lower_word)


def analyse_for_index(text: str) -> tuple[str, str]:
    """Pre-analysed text for an engine with a whitespace tokenizer.

    Returns (canonical, alternative): ``canonical`` holds the fold→stem form
    of every surviving word, one per position (stop words removed and
    positions closed up, as Whoosh's StopFilter renumbers), so phrases work
    on it; ``alternative`` holds the stem→fold form of the words where it
    differs (no positions needed).  Together they are exactly the terms the
    Danish analyzer gives Whoosh.

    Input → Output: "Fanø og flygtningene" → ("fano flygtning", "fanoe")
    """
    canon: list[str] = []
    alt: list[str] = []
    forms = word_forms
    extra = _suspended(text) if "- " in text else None
    for i, w in enumerate(_WORD_RE.findall(text)):
        f = forms(w.lower())
        if extra and f and i in extra:
            f = _with_extra(f, extra[i])
        if f:
            canon.append(f[-1])
            if len(f) > 1:
                alt.extend(f[:-1])
    return " ".join(canon), " ".join(alt)


def analyse_with_spelling(text: str) -> tuple[str, str, list[str]]:
    """``analyse_for_index(text)`` and ``spelling_words(text)`` from one pass
    of the word regex (half the cost of either is the regex itself).

    A spelling word (``[^\\W\\d_]{3,}``) never crosses a ``\\w+`` word, so
    it is found within the words: a word of letters only is one spelling word
    as it stands; any other word is searched by the spelling pattern.

    Input → Output: "Fanø og flygtningene i 2019" →
                    ("fano flygtning 2019", "fanoe", ["fanø", "flygtningene"])
    """
    canon: list[str] = []
    alt: list[str] = []
    spell: list[str] = []
    forms = word_forms
    stop = DANISH_STOPWORDS
    extra = _suspended(text) if "- " in text else None
    for i, w in enumerate(_WORD_RE.findall(text)):
        low = w.lower()
        f = forms(low)
        if extra and f and i in extra:
            f = _with_extra(f, extra[i])
        if f:
            canon.append(f[-1])
            if len(f) > 1:
                alt.extend(f[:-1])
        if w.isalpha():
            if len(w) >= 3 and len(low) >= 3 and low not in stop:
                spell.append(low)
        else:
            for part in _SPELL_RE.findall(w):
                part = part.lower()
                if len(part) >= 3 and part not in stop:
                    spell.append(part)
    return " ".join(canon), " ".join(alt), spell


def spelling_words(text: str) -> list[str]:
    """The words :func:`spelling_analyzer` keeps (lowercase, unstemmed,
    ≥ 3 letters, no digits, no stop words), in order, repeats kept.

    Input → Output: "Flygtninge i Århus 2019" → ["flygtninge", "århus"]
    """
    stop = DANISH_STOPWORDS
    return [w for w in (m.lower() for m in _SPELL_RE.findall(text)) if w not in stop and len(w) >= 3]


def _suspended(text: str) -> dict[int, tuple[str, ...]]:
    from .compound_forms import suspended_forms

    return suspended_forms(text)


def _with_extra(forms: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    # The word's own canonical form stays last (phrases use it).
    canon = forms[-1]
    return (*dict.fromkeys(f for f in (*forms[:-1], *extra) if f != canon), canon)


# The Whoosh analyzers live with the Whoosh engine (whoosh_analyzers.py). Whoosh
# pickles an index's analyzers by module and name, and indexes written before
# they moved name this module: a lookup of one of those names here imports them
# from there, only when such an index is opened -- never at import.
_MOVED = {
    "FoldFilter",
    "DanishStemFoldFilter",
    "DanishAnalyzer",
    "SpellingAnalyzer",
    "PartsAnalyzer",
    "danish_analyzer",
    "spelling_analyzer",
}


def __getattr__(name: str):
    if name in _MOVED:
        from . import whoosh_analyzers

        return getattr(whoosh_analyzers, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
