"""The Whoosh engine's own fast paths give exactly what Whoosh itself gives.

Scoring reads posting blocks itself (one read per posting list, C-level
decoding), phrases are checked from those postings, the page's top documents
are picked with a keyed ``nlargest``, and spelling candidates are filtered by
length first. Each is compared here with the slow, obvious way over an index
big enough for posting lists of many blocks, over several segments, with
deleted documents. (Test material: the documents are generated, not real.)
"""

from __future__ import annotations

import random

import pytest
from whoosh import query as wq

from search_index import IndexDocument, SearchIndex, SearchRequest
from search_index.hits import best
from search_index.whoosh_suggestions import terms_within

WORDS = ["flygtninge", "mentor", "praktik", "sprog", "job", "kvinder", "de", "nyankomne", "unge", "fast"]


def _doc(i: int, rnd: random.Random) -> IndexDocument:
    body = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 40)))
    if i % 7 == 0:
        body += " de nyankomne flygtninge"
    return IndexDocument(
        id=f"test:{i}",
        type=rnd.choice(["practice", "note"]),
        title=f"Testdokument {i} {rnd.choice(WORDS)}",
        url=f"/test/{i}",
        body=body,
        kommuner=rnd.sample(["101", "147", "751"], rnd.randint(0, 2)),
        topics=rnd.sample(["sprog", "unge", "job"], rnd.randint(0, 2)),
        evidence=rnd.choice(["effekt", "ikke-evalueret", None]),
        audience=rnd.choice(["public", "public", "public", "network:vestegn"]),
    )


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """~900 documents in several segments (a build, then two updates), some deleted."""
    rnd = random.Random(16)
    path = tmp_path_factory.mktemp("fast") / "ix"
    ix = SearchIndex.build(path, [_doc(i, rnd) for i in range(700)], engine="whoosh")
    ix.update([_doc(i, rnd) for i in range(700, 850)])
    ix.delete([f"test:{i}" for i in rnd.sample(range(850), 60)])
    ix.update([_doc(i, rnd) for i in range(850, 900)] + [_doc(i, rnd) for i in range(0, 40, 3)])
    yield ix
    ix.close()


def _whoosh_postings(reader, field: str, term: str) -> list[tuple[int, float]]:
    out = []
    m = reader.postings(field, term)
    while m.is_active():
        out.append((m.id(), m.weight()))
        m.next()
    return out


def test_the_index_has_several_segments_deletions_and_long_posting_lists(big):
    snap = big._snapshot()
    assert len(snap.leaves) > 1
    assert any(deleted for _leaf, _offset, deleted in snap.leaves)
    assert snap.reader.doc_frequency("body", "flygtning") > 300  # several blocks of 128


@pytest.mark.parametrize("field", ["body", "title", "parts"])
@pytest.mark.parametrize("word", ["flygtninge", "mentor", "testdokument", "nyankomne", "ukendtord"])
def test_postings_equal_whooshs_matcher(big, field, word):
    from search_index.analysis import query_terms_for_word

    snap = big._snapshot()
    for term in query_terms_for_word(word):
        if (field, term) not in snap.reader:
            assert list(snap._postings(field, term)) == []
            continue
        assert [(d, float(w)) for d, w in snap._postings(field, term)] == _whoosh_postings(snap.reader, field, term)


@pytest.mark.parametrize("phrase", ["nyankomne flygtninge", "flygtninge flygtninge", "job sprog mentor", "sprog job"])
def test_phrase_documents_equal_whooshs_phrase_query(big, phrase):
    from search_index.analysis import canonical_term

    snap = big._snapshot()
    terms = [canonical_term(w) for w in phrase.split()]
    assert all(terms)
    acc: dict[int, float] = {}
    snap._add_phrase(acc, "body", terms, 1.0)
    want = set(snap.searcher.docs_for_query(wq.Phrase("body", terms)))
    assert set(acc) == want
    assert phrase != "nyankomne flygtninge" or len(want) > 50


def test_search_scores_and_order_are_whooshs_bm25f(big):
    """The hand-made BM25F equals Whoosh's own scoring of the same Or of Terms."""
    from search_index.analysis import query_terms_for_word
    from search_index.fields import TEXT_FIELD_BOOSTS

    snap = big._snapshot()
    terms = query_terms_for_word("flygtninge")
    q = wq.Or([wq.Term(f, t, boost=b) for f, b in TEXT_FIELD_BOOSTS.items() for t in terms])
    want = {hit.docnum: hit.score for hit in snap.searcher.search(q, limit=None)}  # Whoosh's default: BM25F
    acc: dict[int, float] = {}
    for f, b in TEXT_FIELD_BOOSTS.items():
        for t in terms:
            snap._add_term(acc, f, t, b)
    assert set(acc) == set(want)
    assert all(abs(acc[d] - want[d]) < 1e-4 * max(1.0, want[d]) for d in want)


@pytest.mark.parametrize("seed", range(5))
def test_best_equals_a_full_sort_even_with_ties(seed):
    rnd = random.Random(seed)
    docs = set(rnd.sample(range(5000), 900))
    # Few distinct scores: many ties, also across the cut.
    scores = {d: float(rnd.choice([1, 2, 2.5, 3, 3, 3])) if seed % 2 else rnd.random() for d in docs}
    full = sorted(docs, key=lambda d: (-scores[d], d))
    for n in (0, 1, 10, 25, 899, 900, 1000):
        assert best(docs, scores, n) == full[:n]


def test_ranked_pages_follow_the_full_order(big):
    resp = [big.search(SearchRequest(q="flygtninge job", page=p, per_page=20)) for p in (1, 2, 3)]
    everything = big.search(SearchRequest(q="flygtninge job", per_page=60))
    assert [h.id for r in resp for h in r.hits] == [h.id for h in everything.hits]


@pytest.mark.parametrize("word", ["flygtnige", "mentr", "nyankone", "sprg", "kvinderne", "x"])
def test_spelling_candidates_equal_whooshs_terms_within(big, word):
    reader = big._snapshot().reader
    for maxdist in (1, 2):
        assert list(terms_within(reader, "spell", word, maxdist)) == list(
            reader.terms_within("spell", word, maxdist, prefix=1)
        )


def test_a_publication_patches_the_facet_state_and_counts_as_a_fresh_open(big, tmp_path):
    """An update of one document derives the new generation's facet arrays
    from the previous ones; the counts equal those of an index opened anew."""
    import shutil

    path = tmp_path / "copy"
    shutil.copytree(big.path, path)
    ix = SearchIndex(path)
    try:
        ix.search(SearchRequest(q=""))
        changed = _doc(5, random.Random(1))
        changed.topics = ["bolig"]
        changed.audience = "public"
        ix.update([changed])
        patched = ix.search(SearchRequest(q="", per_page=5))
        assert ix._snapshot().cache.patched
        assert patched.facets["topic"]["bolig"] == 1
        for q in ("", "flygtninge"):
            with SearchIndex(path) as fresh:
                want = fresh.search(SearchRequest(q=q, per_page=30))
            got = ix.search(SearchRequest(q=q, per_page=30))
            assert (got.total, got.facets, [h.id for h in got.hits]) == (
                want.total,
                want.facets,
                [h.id for h in want.hits],
            )
    finally:
        ix.close()


def _block_pickles(snap, field: str, term: str):
    """The raw (decompressed) block pickles of one term in every segment."""
    import io
    import pickle
    import zlib

    from whoosh.reading import TermNotFound

    for leaf, _offset, _deleted in snap.leaves:
        try:
            info = leaf._terms.term_info(field, leaf.schema[field].to_bytes(term))
        except TermNotFound:
            continue
        if info.is_inlined():
            continue
        start, length = info.extent()
        length = length[0] if isinstance(length, tuple) else length
        buf = leaf._terms._postfile.get(start, length)
        pos = 4
        while pos < len(buf):
            blen = int.from_bytes(buf[pos : pos + 4], "big", signed=True)
            block = io.BytesIO(buf[pos + 4 : pos + 4 + abs(blen)])
            count, _maxid, _maxw, compression, _mn, _mx = pickle.load(block)
            data = block.read()
            yield count, zlib.decompress(data) if compression else data
            if blen < 0:
                break
            pos += 4 + abs(blen)


def test_ids_and_weights_read_without_the_values_equal_the_whole_pickle(big):
    import pickle

    from search_index.whoosh_postings import ids_and_weights

    snap = big._snapshot()
    blocks = list(_block_pickles(snap, "body", "flygtning")) + list(_block_pickles(snap, "parts", "flygtning"))
    assert len(blocks) > 4
    for count, raw in blocks:
        ids, weights, _values = pickle.loads(raw)
        got = ids_and_weights(raw, count)
        if count > 3:
            assert got == (ids, weights)  # the fast path is taken, and right
        else:  # a tuple of 1-3 is pickled without MARK: declined, the caller unpickles it all
            assert got is None or got == (ids, weights)


@pytest.mark.parametrize(
    "ids",
    [
        (0, 1, 2, 3),
        (5, 29044, 7),  # the little-endian bytes of 29044 are "tq\x00\x00": a false end of the ids
        (300, 70000, 2**31 - 1, 1),
        (1, 2),
        (9,),
    ],
)
@pytest.mark.parametrize("weights", [None, 2.0, "tuple"])
def test_ids_and_weights_is_right_or_declines_for_any_block(ids, weights):
    import pickle

    from search_index.whoosh_postings import ids_and_weights

    if weights == "tuple":
        weights = tuple(float(i % 5 + 1) for i in range(len(ids)))
    values = [b"\x00\x00\x00\x01" + pickle.dumps([i], 2)[2:-1] for i in range(len(ids))]
    raw = pickle.dumps((ids, weights, values), 2)
    got = ids_and_weights(raw, len(ids))
    assert got is None or got == (ids, weights)
    if len(ids) > 3:  # short tuples use TUPLE1..3 opcodes: the caller unpickles all of it
        assert got == (ids, weights)
