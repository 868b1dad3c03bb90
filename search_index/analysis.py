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

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token, Tokenizer
from whoosh.lang import stemmer_for_language, stopwords_for_language

from .collation import danish_sort_key  # noqa: F401  (re-exported; the one Danish sort key)

__all__ = [
    "WORD_PATTERN",
    "fold",
    "FoldFilter",
    "DanishStemFoldFilter",
    "DanishAnalyzer",
    "SpellingAnalyzer",
    "PartsAnalyzer",
    "danish_analyzer",
    "spelling_analyzer",
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


class FoldFilter(Filter):
    """Whoosh filter applying :func:`fold` to every token.

    Input tokens → Output tokens: ["århus", "høj"] → ["aarhus", "hoej"].
    """

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


@functools.lru_cache(maxsize=50_000)
def _stem(word: str) -> str:
    stem = _danish_stemmer()(word)
    if stem.endswith("s") and stem != word:
        # Snowball strips the s of "indsats" but not of "indsatsen" (→ "indsats"):
        # stemming such a stem once more makes the forms of one word meet
        # (indsats/indsatsen, proces/processen, beskæftigelsesindsats/-en).
        stem = _danish_stemmer()(stem)
    return stem


@functools.lru_cache(maxsize=1)
def _danish_stemmer():
    return stemmer_for_language("da")


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


class DanishStemFoldFilter(Filter):
    """Snowball Danish stemming followed by :func:`fold`, plus a
    fold-before-stem form at the same position when the two differ.

    Input tokens → Output tokens:
        ["flygtningene"]  → ["flygtning"]
        ["kommunerne"]    → ["kommun"]
        ["århus"]         → ["aarhus"]
        ["høje"]          → ["hoej"]
        ["fanø"]          → ["fanoe", "fano"]   (both at the same position)
        ["fanoe"]         → ["fano"]
    """

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            if t.stopped:
                yield t
                continue
            forms = _forms(t.text)
            for form in forms:
                # The token object is re-used by the tokenizer; consumers read
                # it before asking for the next one, so mutating is safe.
                t.text = form
                yield t


def _build_stoplist() -> frozenset[str]:
    words = set(stopwords_for_language("da"))
    # "paa", "ogsaa", "naar", "vaere": folded spellings are stop words too.
    words |= {fold(w) for w in words}
    return frozenset(words)


#: Danish stop words, in both the Danish and the folded spelling.
DANISH_STOPWORDS: frozenset[str] = _build_stoplist()


class _FusedAnalyzer(Tokenizer):
    """A Whoosh analyzer giving exactly the tokens of the chain
    ``RegexTokenizer(PATTERN) | LowercaseFilter | StopFilter(DANISH_STOPWORDS,
    MINSIZE) [| DanishStemFoldFilter]`` -- text, position (stop words removed
    and positions closed up from the first kept word, as StopFilter
    renumbers), character offsets, ``original``, ``stopped`` with
    ``removestops=False``, ``tokenize=False`` -- in one generator.

    Whoosh pickles the analyzer into the index's table of contents, so these
    classes must stay importable under their names (and take no state:
    their behaviour is this module's code).  Indexes written before them hold
    the chain above; its classes (``DanishStemFoldFilter``, ``FoldFilter``)
    stay here so such an index still opens.
    """

    PATTERN = WORD_PATTERN

    def __init__(self):
        pass

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __hash__(self):
        return hash(self.__class__)

    @staticmethod
    def _forms_of(low: str) -> tuple[str, ...]:  # pragma: no cover - overridden
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        assert isinstance(value, str), f"{value!r} is not unicode"
        kwargs.pop("no_morph", None)  # our stemming is not a "morph" filter in Whoosh's sense
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        forms_of = self._forms_of
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar = start_char
                t.endchar = start_char + len(value)
            low = value.lower()
            forms = forms_of(low)
            if forms:
                t.stopped = False
                for form in forms:
                    t.text = form
                    yield t
            elif not removestops:
                t.text = low
                t.stopped = True
                yield t
            return
        regex = _compiled(self.PATTERN)
        if removestops and not chars and not keeporiginal:
            # The indexing case: one token object, only text and position change.
            t.boost = 1.0
            t.stopped = False
            pos = None
            for i, word in enumerate(regex.findall(value)):
                forms = forms_of(word.lower())
                if forms:
                    if positions:
                        pos = start_pos + i if pos is None else pos + 1
                        t.pos = pos
                    for form in forms:
                        t.text = form
                        yield t
            return
        pos = None
        for i, match in enumerate(regex.finditer(value)):
            word = match.group(0)
            t.boost = 1.0
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar = start_char + match.start()
                t.endchar = start_char + match.end()
            low = word.lower()
            forms = forms_of(low)
            if forms:
                if positions:
                    if pos is None:
                        pos = t.pos
                    else:
                        pos += 1
                        t.pos = pos
                t.stopped = False
                for form in forms:
                    t.text = form
                    yield t
            elif not removestops:
                t.text = low
                t.stopped = True
                yield t


@functools.lru_cache(maxsize=8)
def _compiled(pattern: str) -> re.Pattern:
    return re.compile(pattern)


class DanishAnalyzer(_FusedAnalyzer):
    """``RegexTokenizer(WORD_PATTERN) | LowercaseFilter |
    StopFilter(DANISH_STOPWORDS, minsize=2) | DanishStemFoldFilter``, fused."""

    PATTERN = WORD_PATTERN

    @staticmethod
    def _forms_of(low: str) -> tuple[str, ...]:
        return word_forms(low)

    @staticmethod
    def word_positions(value: str) -> dict[str, list[int]]:
        """Index term -> its positions, in order of first occurrence: what
        Whoosh's Positions format collects from ``self(value,
        positions=True)``, without a token per word (schema.FusedPositions).

        Input → Output: "og Fanø og Fanø" → {"fanoe": [1, 2], "fano": [1, 2]}
        """
        out: dict[str, list[int]] = {}
        get = out.get
        forms_of = word_forms
        pos = -1
        first = True
        extra = _suspended(value) if "- " in value else None
        for i, word in enumerate(_WORD_RE.findall(value)):
            forms = forms_of(word.lower())
            if extra and forms and i in extra:
                forms = _with_extra(forms, extra[i])
            if forms:
                if first:  # StopFilter keeps the first kept word's position
                    pos, first = i, False
                else:
                    pos += 1
                for form in forms:
                    found = get(form)
                    if found is None:
                        out[form] = [pos]
                    else:
                        found.append(pos)
        return out


class SpellingAnalyzer(_FusedAnalyzer):
    """``RegexTokenizer(r"[^\\W\\d_]{3,}") | LowercaseFilter |
    StopFilter(DANISH_STOPWORDS, minsize=3)``, fused."""

    PATTERN = r"[^\W\d_]{3,}"

    @staticmethod
    def _forms_of(low: str) -> tuple[str, ...]:
        return (low,) if len(low) >= 3 and low not in DANISH_STOPWORDS else ()

    @staticmethod
    def word_counts(value: str) -> dict[str, int]:
        """Word -> how often, in order of first occurrence: what Whoosh's
        Frequency format collects from ``self(value)`` (schema.FusedFrequency).

        Input → Output: "Fanø og fanø, Aarhus" → {"fanø": 2, "aarhus": 1}
        """
        out: dict[str, int] = {}
        get = out.get
        stop = DANISH_STOPWORDS
        for word in _SPELL_RE.findall(value):
            low = word.lower()
            if len(low) >= 3 and low not in stop:
                out[low] = get(low, 0) + 1
        return out


class PartsAnalyzer(_FusedAnalyzer):
    """The compound parts of a text's words (:func:`part_forms`), for the
    low-weight ``parts`` field; no positions (no phrases over parts).
    Pickled into the index like the others: keep the name importable."""

    PATTERN = WORD_PATTERN

    @staticmethod
    def _forms_of(low: str) -> tuple[str, ...]:
        from .compound_forms import part_forms

        return part_forms(low) if len(low) >= 7 else ()

    @staticmethod
    def word_counts(value: str) -> dict[str, int]:
        """Part form -> how often (schema.FusedFrequency).

        Input → Output: "jobcenter og jobcentret" → {"job": 2, "cent": 2}
        """
        from .compound_forms import part_forms

        out: dict[str, int] = {}
        get = out.get
        for word in _WORD_RE.findall(value):
            if len(word) >= 7:
                for form in part_forms(word.lower()):
                    out[form] = get(form, 0) + 1
        return out


def danish_analyzer():
    """The analyzer for every matched text field (title, body, names, topics).

    Input → Output: "Tidlig, virksomhedsrettet indsats for flygtninge"
                    → ["tid", "virksomhedsret", "indsat", "flygtning"]
    """
    return DanishAnalyzer()


def spelling_analyzer():
    """Analyzer for the spelling vocabulary: real, unstemmed, unfolded words.

    Lowercased, stop words and words under 3 letters dropped, words with
    digits dropped (no point in suggesting "2019").
    Input → Output: "Flygtninge i Århus 2019" → ["flygtninge", "århus"]
    """
    return SpellingAnalyzer()


def _chain_analyzers():
    """The Whoosh filter chains the fused analyzers replace (indexes built
    before them hold these; the tests compare both token for token)."""
    danish = (
        RegexTokenizer(expression=WORD_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=DANISH_STOPWORDS, minsize=2)
        | DanishStemFoldFilter()
    )
    spelling = (
        RegexTokenizer(expression=SpellingAnalyzer.PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=DANISH_STOPWORDS, minsize=3)
    )
    return danish, spelling


def query_terms_for_word(word: str) -> list[str]:
    """All index terms a single query word should match (empty if stop word).

    Input → Output:
        "Flygtningene" → ["flygtning"]
        "Fanø"         → ["fanoe", "fano"]
        "og"           → []
    """
    ana = danish_analyzer()
    return list(dict.fromkeys(t.text for t in ana(word, mode="query")))


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

_WORD_RE = re.compile(WORD_PATTERN)
_SPELL_RE = re.compile(SpellingAnalyzer.PATTERN)


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
