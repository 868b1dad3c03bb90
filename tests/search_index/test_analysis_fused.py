"""The fused analyzers give exactly the tokens of the Whoosh filter chains
they replace, for every way Whoosh (or we) may call them."""

from __future__ import annotations

import itertools
import pickle
import random

import pytest

from search_index.whoosh_analyzers import (
    DanishAnalyzer,
    DanishStemFoldFilter,
    SpellingAnalyzer,
    _chain_analyzers,
    danish_analyzer,
    spelling_analyzer,
)

TEXTS = [
    "",
    "og i på",
    "Flygtningene i kommunerne",
    "Fanø og Fanoe, Århus og Aarhus; Høje-Taastrup!",
    "og Fanø",  # a leading stop word: the first kept word keeps its position
    "I 2019 deltog 195 borgere i jobmatchet, og 68 procent var i job",
    "x y z a b c æ ø å",
    "İstanbul ǅemal ΣΑΣ straße STRASSE café CAFÉ naïve",
    "snake_case_ord og under_score 3.141 big-time",
    "Tab\tnew\nline\u00a0nbsp  dobbelt",
    "Virksomhedsrettede indsatser for flygtninge og familiesammenførte",
]


def _rng_texts(n: int) -> list[str]:
    rng = random.Random(3)
    words = " ".join(TEXTS).split() + ["og", "i", "på", "af", "æ", "å", "ø", "12", "a1", "_", "-"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(0, 25))) for _ in range(200)]


def _stream(analyzer, text, **kwargs):
    return [
        (
            t.text,
            getattr(t, "pos", None),
            getattr(t, "startchar", None),
            getattr(t, "endchar", None),
            getattr(t, "original", None),
            t.stopped,
            t.boost,
            t.positions,
            t.chars,
            t.removestops,
            t.mode,
        )
        for t in analyzer(text, **kwargs)
    ]


FLAGS = [
    dict(zip(("positions", "chars", "keeporiginal", "removestops"), combo))
    for combo in itertools.product((False, True), repeat=4)
]


@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: ",".join(k for k, v in f.items() if v) or "none")
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"mode": "index"},
        {"mode": "query"},
        {"start_pos": 5, "start_char": 7},
        {"tokenize": False},
        {"no_morph": True},
    ],
)
def test_fused_analyzers_equal_the_chains(flags, extra):
    old_danish, old_spelling = _chain_analyzers()
    for text in TEXTS + _rng_texts(200):
        assert _stream(danish_analyzer(), text, **flags, **extra) == _stream(old_danish, text, **flags, **extra)
        assert _stream(spelling_analyzer(), text, **flags, **extra) == _stream(old_spelling, text, **flags, **extra)


def test_fused_analyzers_pickle_without_state():
    """Whoosh pickles them into the index; they must round-trip and compare equal."""
    for analyzer in (danish_analyzer(), spelling_analyzer()):
        again = pickle.loads(pickle.dumps(analyzer))
        assert again == analyzer and type(again) is type(analyzer) and vars(again) == {}
    assert DanishAnalyzer() != SpellingAnalyzer()


def test_old_chain_still_unpickles():
    """Indexes written before the fused analyzers hold the chain."""
    old_danish, _ = _chain_analyzers()
    again = pickle.loads(pickle.dumps(old_danish))
    assert any(isinstance(item, DanishStemFoldFilter) for item in again.items)
    assert [t.text for t in again("året")] == ["aaret", "aar"]


def test_fused_formats_equal_whoosh_formats_over_the_chains():
    """schema.FusedPositions / FusedFrequency (terms straight from the
    analyzer) give Whoosh's Positions / Frequency tuples, in the same order."""
    from whoosh.formats import Frequency, Positions

    from search_index.whoosh_schema import SCHEMA, FusedFrequency, FusedPositions

    old_danish, old_spelling = _chain_analyzers()
    for text in TEXTS + _rng_texts(200):
        assert FusedPositions().word_values(text, danish_analyzer(), mode="index") == list(
            Positions().word_values(text, old_danish, mode="index")
        )
        assert FusedFrequency().word_values(text, spelling_analyzer(), mode="index") == list(
            Frequency().word_values(text, old_spelling, mode="index")
        )
        # and what the schema's fields give Whoosh's writer
        for name, chain in (("body", old_danish), ("title", old_danish), ("spell", old_spelling)):
            field = SCHEMA[name]
            reference = type(field.format).__mro__[1](field_boost=field.format.field_boost)
            assert list(field.index(text)) == [
                (w.encode("utf-8"), f, wt, v) for w, f, wt, v in reference.word_values(text, chain, mode="index")
            ]


def test_analyse_with_spelling_is_both_functions():
    from search_index.analysis import analyse_for_index, analyse_with_spelling, spelling_words

    odd = ["abc1def", "x²yz", "a_bcd_efgh", "ÅÆØ12æøå", "Ⅻabc", "١٢٣abc", "ǅabc", "İİİ", "ßa", "ab", "abc"]
    texts = TEXTS + _rng_texts(200) + odd + [" ".join(odd), "_".join(odd)]
    for text in texts:
        canon, alt, spell = analyse_with_spelling(text)
        assert (canon, alt) == analyse_for_index(text)
        assert spell == spelling_words(text)
    # the tantivy engine joins per-field spelling words in this order
    pieces = texts[:30]
    assert spelling_words("\n".join(pieces)) == [w for p in pieces for w in analyse_with_spelling(p)[2]]
    assert spelling_words(" ; ".join(pieces)) == [w for p in pieces for w in analyse_with_spelling(p)[2]]
