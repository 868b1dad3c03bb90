"""The Whoosh side of the Danish analysis: token filters and analyzers for Whoosh's schema.

The analysis itself (stemming, folding, names, stop words) is engine-neutral and
lives in :mod:`search_index.analysis`; these classes feed its results to Whoosh's
formats as tokens. Only the Whoosh engine uses them.

Whoosh pickles the analyzer into the index's table of contents, so these
classes must stay importable under their names (``analysis`` forwards the old
module path, see its ``__getattr__``).
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter, Token, Tokenizer

from .analysis import (
    _WORD_RE,
    _SPELL_RE,
    DANISH_STOPWORDS,
    SPELL_PATTERN,
    WORD_PATTERN,
    _forms,
    _suspended,
    _with_extra,
    fold,
    word_forms,
)

__all__ = [
    "FoldFilter",
    "DanishStemFoldFilter",
    "DanishAnalyzer",
    "SpellingAnalyzer",
    "PartsAnalyzer",
    "danish_analyzer",
    "spelling_analyzer",
]


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

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
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
        positions=True)``, without a token per word (whoosh_schema.FusedPositions).

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

    PATTERN = SPELL_PATTERN

    @staticmethod
    def _forms_of(low: str) -> tuple[str, ...]:
        return (low,) if len(low) >= 3 and low not in DANISH_STOPWORDS else ()

    @staticmethod
    def word_counts(value: str) -> dict[str, int]:
        """Word -> how often, in order of first occurrence: what Whoosh's
        Frequency format collects from ``self(value)`` (whoosh_schema.FusedFrequency).

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
        """Part form -> how often (whoosh_schema.FusedFrequency).

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
