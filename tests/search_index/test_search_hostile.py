"""Hostile and odd input: quick sensible results or QueryError, nothing else."""

from __future__ import annotations

import time

import pytest
from search_corpus import _engine_env, engine, shared_index  # noqa: F401 (fixtures)

from search_index import MAX_QUERY_CHARS, MAX_QUERY_TERMS, QueryError, SearchRequest, SearchResponse

HOSTILE = [
    "x" * 10_000,
    "a " * 5_000,
    " ".join(f"ord{i}" for i in range(500)),
    "flygtninge " * 500,
    "((((((((((a))))))))))",
    "*",
    "**",
    "*a*",
    "a*",
    "ab*",
    "f*",
    "title:x^1000",
    "title:flygtninge^1000",
    "[a TO z]",
    "{a TO z}",
    "flygt\x00ninge",
    "\x00\x00\x00",
    "AND OR NOT",
    "flygtninge AND NOT praktik",
    "-flygtninge +praktik",
    '"',
    '"""',
    '"unbalanced phrase',
    "~2 flygtninge~2",
    "\\",
    "%s %d {0} ${x}",
    "<script>alert(1)</script>",
    "'; DROP TABLE docs; --",
    "🙂 flygtninge 🙂",
    "\ud800",  # lone surrogate
    "a" * 499 + "*",
    "é" * 400,
]


@pytest.mark.parametrize("q", HOSTILE, ids=lambda q: repr(q[:30]) + f"…({len(q)})")
def test_hostile_query_is_safe(shared_index, q):
    t0 = time.perf_counter()
    try:
        resp = shared_index.search(SearchRequest(q=q))
    except QueryError as e:
        assert str(e)  # a clear message
        assert "Søgningen" in str(e)
    else:
        assert isinstance(resp, SearchResponse)
        assert resp.total >= 0 and len(resp.hits) <= resp.per_page
        for h in resp.hits:
            assert "<script>" not in h.snippet
    assert time.perf_counter() - t0 < 2.0


def test_too_long_query_is_refused_with_danish_message(shared_index):
    with pytest.raises(QueryError) as e:
        shared_index.search(SearchRequest(q="x" * (MAX_QUERY_CHARS + 1)))
    assert f"højst {MAX_QUERY_CHARS} tegn" in str(e.value)


def test_too_many_words_is_refused(shared_index):
    words = [f"ord{i}" for i in range(MAX_QUERY_TERMS + 1)]
    with pytest.raises(QueryError) as e:
        shared_index.search(SearchRequest(q=" ".join(words)))
    assert f"højst {MAX_QUERY_TERMS} ord" in str(e.value)
    # Exactly at the cap is fine, and stop words do not count.
    ok = shared_index.search(SearchRequest(q=" ".join(words[:MAX_QUERY_TERMS]) + " og i på for"))
    assert ok.total == 0


def test_repeated_word_counts_once(shared_index):
    resp = shared_index.search(SearchRequest(q="flygtninge " * 40))
    assert resp.total == 3


def test_operators_are_plain_words(shared_index):
    # "title:x^1000" must not become a field query with a boost.
    assert shared_index.search(SearchRequest(q="title:flygtninge^1000")).total == 3
    assert shared_index.search(SearchRequest(q="flygtninge AND NOT praktik")).total == 4


def test_short_prefix_is_a_plain_word(shared_index):
    # "f*" would expand to every word starting with f: refused as a prefix.
    assert shared_index.search(SearchRequest(q="fl*")).total == 0


def test_nul_bytes_separate_words(shared_index):
    resp = shared_index.search(SearchRequest(q="flygtninge\x00praktik"))
    assert resp.total == 4


def test_only_punctuation_browses(shared_index):
    assert shared_index.search(SearchRequest(q="*")).total == 11
    assert shared_index.search(SearchRequest(q="((( )))")).total == 11


@pytest.mark.parametrize(("page", "per_page"), [(0, 10), (-5, 10), (1, 0), (1, -1), (1, 10_000), (10**9, 10)])
def test_odd_paging_values_are_clamped(shared_index, page, per_page):
    resp = shared_index.search(SearchRequest(q="", page=page, per_page=per_page))
    assert resp.total == 11
    assert 1 <= resp.per_page <= 100 and resp.page >= 1
