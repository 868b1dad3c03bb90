"""Filters (OR within a facet, AND across) and disjunctive facet counts."""

from __future__ import annotations

import pytest
from search_corpus import NETWORK_AUDIENCES, PUBLIC_DOCS, _engine_env, engine, shared_index  # noqa: F401 (fixtures)

from search_index import FACETS, QueryError, SearchRequest


def search(idx, q="", **kw):
    return idx.search(SearchRequest(q=q, per_page=100, **kw))


def ids(resp):
    return {h.id for h in resp.hits}


def expected_ids(**want):
    """Brute force over the corpus: docs matching every facet filter."""
    attr = {"type": "type", "kommune": "kommuner", "region": "regions", "topic": "topics", "evidence": "evidence"}
    out = set()
    for d in PUBLIC_DOCS:
        ok = True
        for facet, values in want.items():
            have = getattr(d, attr[facet])
            have = set(have) if isinstance(have, list) else {have}
            ok &= bool(have & set(values))
        if ok:
            out.add(d.id)
    return out


def test_browse_facet_counts_are_exact(shared_index):
    f = search(shared_index).facets
    assert set(f) == set(FACETS)
    assert f["type"] == {"practice": 6, "kommune": 3, "network": 1, "ranking": 1}
    assert f["kommune"] == {"101": 3, "169": 3, "530": 2, "751": 2}
    assert f["region"] == {"Hovedstaden": 6, "Midtjylland": 2, "Syddanmark": 2}
    assert f["topic"]["beskæftigelse"] == 4
    assert f["topic"]["flygtninge"] == 3
    assert f["evidence"] == {"effekt": 1, "delvis-effekt": 1, "ikke-evalueret": 2, "ingen-effekt": 1}


@pytest.mark.parametrize(
    "filters",
    [
        {"kommune": ["101"]},
        {"kommune": ["101", "530"]},
        {"topic": ["beskæftigelse"]},
        {"evidence": ["effekt"]},
        {"evidence": ["ikke-evalueret", "ingen-effekt"]},
        {"type": ["kommune"]},
        {"type": ["practice"], "region": ["Hovedstaden"]},
        {"type": ["practice"], "kommune": ["101", "169"], "topic": ["beskæftigelse"]},
        {"region": ["Nordjylland"]},
    ],
)
def test_filters_match_brute_force(shared_index, filters):
    resp = search(shared_index, filters=filters)
    want = expected_ids(**filters)
    assert ids(resp) == want
    assert resp.total == len(want)


def test_evidence_filter_is_exact_not_partial(shared_index):
    # "effekt" must not match "delvis-effekt" / "ingen-effekt".
    resp = search(shared_index, filters={"evidence": ["effekt"]})
    assert ids(resp) == {"practice:tidlig-virksomhedsrettet-indsats-for-flygtninge"}


def test_filters_combine_with_text(shared_index):
    resp = search(shared_index, "flygtninge", filters={"type": ["practice"]})
    assert ids(resp) == {
        "practice:tidlig-virksomhedsrettet-indsats-for-flygtninge",
        "practice:samarbejdsaftaler-civilsamfund",
    }
    assert resp.total == 2
    # Disjunctive: the type facet still shows the other types for "flygtninge".
    assert resp.facets["type"] == {"practice": 2, "ranking": 1}
    # Other facets are counted over the filtered set.
    assert resp.facets["evidence"] == {"effekt": 1, "delvis-effekt": 1}


def test_disjunctive_counts(shared_index):
    resp = search(shared_index, filters={"kommune": ["101"], "type": ["practice"]})
    f = resp.facets
    assert resp.total == 3
    # kommune counts: type filter applied, kommune filter not.
    assert f["kommune"] == {"101": 3, "169": 1, "530": 1, "751": 1}
    # type counts: kommune filter applied, type filter not.
    assert f["type"] == {"practice": 3}
    # Other facets: both filters applied.
    assert f["region"] == {"Hovedstaden": 3}
    assert sum(f["evidence"].values()) == 3


def test_ticked_value_without_matches_stays_listed(shared_index):
    resp = search(shared_index, filters={"kommune": ["999"]})
    assert resp.total == 0
    assert resp.facets["kommune"]["999"] == 0
    assert resp.facets["kommune"]["101"] == 3  # the other values can still be ticked


def test_facets_respect_audience(shared_index):
    public = search(shared_index, "flygtninge").facets
    member = search(shared_index, "flygtninge", audiences=NETWORK_AUDIENCES).facets
    assert "note" not in public["type"] and member["type"]["note"] == 1
    assert "bolig" not in public["topic"] and member["topic"]["bolig"] == 1
    assert public["evidence"]["effekt"] == 1 and member["evidence"]["effekt"] == 2


def test_unknown_filter_is_a_query_error(shared_index):
    with pytest.raises(QueryError) as e:
        search(shared_index, filters={"farve": ["rød"]})
    assert "Ukendt filter" in str(e.value)


def test_string_filter_value_is_treated_as_one_value(shared_index):
    resp = search(shared_index, filters={"kommune": "101"})
    assert resp.total == 3


def _brute_force_counts(info, matched, filters):
    """Disjunctive facet counts the slow, obvious way."""
    from search_index.documents import FACETS

    def passes(d, skip=None):
        return all(
            set(info[d].values[i]) & set(filters[name])
            for i, name in enumerate(FACETS)
            if name in filters and i != skip
        )

    allowed = {d for d in matched if passes(d)}
    counts = {}
    for i, name in enumerate(FACETS):
        c = {}
        for d in matched:
            if passes(d, skip=i):
                for v in info[d].values[i]:
                    c[v] = c.get(v, 0) + 1
        for v in filters.get(name, ()):
            c.setdefault(v, 0)
        counts[name] = c
    return allowed, counts


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("spread", [1, 10**12])  # Whoosh's dense numbers; tantivy's sparse keys
def test_counts_over_large_match_sets_equal_brute_force(seed, spread):
    """Large match sets are counted with byte masks; small ones value by value.
    Both must give exactly the obvious counts, with and without filters."""
    import random

    from search_index.facets import DocInfo, FacetCache, filter_and_count

    rnd = random.Random(seed)
    kommuner = [f"{n:03d}" for n in range(101, 200, 3)]
    info = {}
    for d in rnd.sample(range(3000), 1500):  # gaps, as after deletions
        info[d * spread] = DocInfo(
            audience="public",
            sort_key=(str(d), str(d)),
            values=(
                (rnd.choice(["practice", "note"]),),
                tuple(rnd.sample(kommuner, rnd.choice([0, 1, 1, 2]))),
                tuple(rnd.sample(["Hovedstaden", "Sjælland", "Midtjylland"], rnd.choice([0, 1]))),
                tuple(rnd.sample(["sprog", "mentor", "unge", "bolig", "job"], rnd.choice([0, 1, 2, 3]))),
                (rnd.choice(["effekt", "ingen-effekt", "ikke-evalueret"]),),
                tuple(rnd.sample(["flygtninge", "unge", "kvinder"], rnd.choice([0, 1, 2]))),
            ),
        )
    cache = FacetCache.from_info(info)
    docs = sorted(info)
    for matched in (set(docs), set(rnd.sample(docs, 900)), set(rnd.sample(docs, 150)), set(rnd.sample(docs, 10))):
        for filters in (
            {},
            {"type": ("practice",)},
            {"topic": ("sprog", "unge"), "kommune": (kommuner[0], kommuner[5])},
            {"evidence": ("effekt",), "region": ("Sjælland",)},
        ):
            allowed, counts = filter_and_count(cache, matched, filters)
            want_allowed, want_counts = _brute_force_counts(info, matched, filters)
            assert allowed == want_allowed
            assert {k: dict(v) for k, v in counts.items()} == want_counts, (len(matched), filters)


@pytest.mark.parametrize("seed", range(4))
def test_tables_patched_from_the_previous_generation_equal_a_full_build(seed):
    """After a publication only the changed documents are applied to the
    previous generation's arrays (deletions in kept segments, a new segment,
    a small merged segment replacing two); the result must be exactly a full build."""
    import random

    from search_index.facet_tables import SegmentTable, Vocabulary
    from search_index.facets import FacetCache, filter_and_count

    rnd = random.Random(seed)
    vocab = Vocabulary()

    def table(n):
        t = SegmentTable(vocab)
        for local in range(n):
            t.add(
                local,
                rnd.choice(["public", "public", "network:vestegn"]),
                (f"t{rnd.random()}", str(local)),
                (
                    (rnd.choice(["practice", "note"]),),
                    tuple(rnd.sample(["101", "147", "851"], rnd.choice([0, 1, 2]))),
                    (),
                    tuple(rnd.sample(["sprog", "mentor", "unge"], rnd.choice([0, 1, 2]))),
                    (rnd.choice(["effekt", "ikke-evalueret"]),),
                    (),
                ),
            )
        return t.freeze()

    big, small1, small2 = table(600), table(5), table(7)
    before = [
        ("big", 0, big, frozenset(rnd.sample(range(600), 10))),
        ("s1", 600, small1, frozenset()),
        ("s2", 605, small2, frozenset({3})),
    ]
    previous = FacetCache.from_segments(before, vocab)
    old_order = list(previous.title_order)
    merged, new = table(11), table(40)
    after = [
        ("big", 0, big, before[0][3] | frozenset(rnd.sample(range(600), 30))),
        ("m", 600, merged, frozenset()),
        ("new", 611, new, frozenset({0, 39})),
    ]
    patched = FacetCache.from_segments(after, vocab, previous=previous)
    full = FacetCache.from_segments(after, vocab)
    assert patched.patched and not full.patched
    assert patched.by_audience == full.by_audience
    assert patched.postings == full.postings
    assert list(patched.title_order) == list(full.title_order)
    live = set().union(*full.by_audience.values())
    assert len(live) == 600 - len(after[0][3]) + 11 + 38
    for matched in (live, set(rnd.sample(sorted(live), 300))):
        assert filter_and_count(patched, matched, {}) == filter_and_count(full, matched, {})
    # previous is left as it was (other requests may still be using it)
    assert list(previous.title_order) == old_order == list(FacetCache.from_segments(before, vocab).title_order)


def test_too_many_changes_build_the_tables_anew():
    from search_index.facet_tables import SegmentTable, Vocabulary
    from search_index.facets import PATCH_MAX_CHANGES, FacetCache

    vocab = Vocabulary()
    t = SegmentTable(vocab)
    for local in range(PATCH_MAX_CHANGES + 10):
        t.add(local, "public", (str(local), str(local)), (("practice",), (), (), (), (), ()))
    t.freeze()
    previous = FacetCache.from_segments([("a", 0, t, frozenset())], vocab)
    renumbered = FacetCache.from_segments([("b", 0, t, frozenset())], vocab, previous=previous)
    assert not renumbered.patched
    assert len(renumbered.postings[0]["practice"]) == PATCH_MAX_CHANGES + 10
