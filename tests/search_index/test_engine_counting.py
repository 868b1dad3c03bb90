"""Counting inside the engine gives the obvious answers, on match sets far
larger than the shared test corpus: exact totals, disjunctive facet counts,
the all-words tier on every page, private documents never counted.

The documents are generated test material (no real practices): many share the
common words, so matches run past ``EXPAND_BELOW`` and the tiers are large.
"""

from __future__ import annotations

import random

import pytest

from search_index import IndexDocument, SearchIndex, SearchRequest
from search_index.documents import FACETS
from search_index.index import ENGINES

WORDS = ["sprog", "mentor", "praktik", "bolig", "job", "familie", "skole", "netværk"]
KOMMUNER = [f"{n:03d}" for n in range(101, 200, 7)]
NETWORK = "network:testnetvaerk"


def _corpus(seed: int = 3, n: int = 700) -> list[IndexDocument]:
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        words = rnd.sample(WORDS, rnd.choice([1, 2, 3, 4]))
        docs.append(
            IndexDocument(
                id=f"practice:test-{i}",
                type=rnd.choice(["practice", "practice", "note"]),
                title=f"Testpraksis {i} om {words[0]}",
                url=f"/erfaringer/test-{i}",
                body="Testmateriale. " + " ".join(rnd.choice(words) for _ in range(rnd.randint(3, 30))),
                kommuner=rnd.sample(KOMMUNER, rnd.choice([0, 1, 1, 2])),
                regions=rnd.sample(["Hovedstaden", "Sjælland", "Midtjylland"], rnd.choice([0, 1])),
                topics=rnd.sample(["sprog", "mentor", "unge", "bolig"], rnd.choice([0, 1, 2])),
                evidence=rnd.choice(["effekt", "ingen-effekt", "ikke-evalueret", None]),
                target_groups=rnd.sample(["flygtninge", "unge", "kvinder"], rnd.choice([0, 1, 2])),
                audience=NETWORK if i % 9 == 0 else "public",
            )
        )
    return docs


DOCS = _corpus()
BY_ID = {d.id: d for d in DOCS}


def _values(doc: IndexDocument, facet: str) -> set[str]:
    return {
        "type": {doc.type},
        "kommune": set(doc.kommuner),
        "region": set(doc.regions),
        "topic": set(doc.topics),
        "evidence": {doc.evidence} if doc.evidence else set(),
        "target_group": set(doc.target_groups),
    }[facet]


def _brute_force(word_sets: list[set[str]], filters: dict, audiences: frozenset):
    """(total, facet counts, first-tier ids) the slow, obvious way: a document
    matches when its text holds any query word."""

    def words(d):
        return set(" ".join([d.title, d.body, *d.topics]).lower().replace(".", " ").split())

    def passes(d, skip=None):
        return all(_values(d, f) & set(v) for f, v in filters.items() if f != skip)

    visible = [d for d in DOCS if d.audience in audiences]
    matched = [d for d in visible if any(words(d) & s for s in word_sets)]
    allowed = [d for d in matched if passes(d)]
    counts = {}
    for facet in FACETS:
        c: dict[str, int] = {}
        for d in matched:
            if passes(d, skip=facet):
                for v in _values(d, facet):
                    c[v] = c.get(v, 0) + 1
        counts[facet] = {v: n for v, n in c.items() if n}
        for v in filters.get(facet, ()):
            counts[facet].setdefault(v, 0)
    first = {d.id for d in allowed if all(words(d) & s for s in word_sets)}
    return len(allowed), counts, first


@pytest.fixture(scope="module", params=ENGINES)
def index(request, tmp_path_factory):
    path = tmp_path_factory.mktemp(f"counting-{request.param}") / "ix"
    idx = SearchIndex.build(path, DOCS, engine=request.param)
    yield idx
    idx.close()


CASES = [
    ("sprog", {}),
    ("sprog mentor", {}),
    ("sprog mentor bolig", {"type": ("practice",)}),
    ("praktik", {"topic": ("sprog", "unge"), "kommune": (KOMMUNER[0], KOMMUNER[3])}),
    ("job familie", {"evidence": ("effekt",), "region": ("Sjælland",)}),
    ("skole", {"target_group": ("kvinder",), "type": ("note", "practice")}),
    # In (almost) every text: tantivy counts the few it does not match and subtracts.
    ("testmateriale", {}),
    ("testmateriale sprog", {"type": ("note",), "topic": ("sprog", "bolig")}),
    ("testmateriale", {"evidence": ("effekt", "ikke-evalueret"), "kommune": (KOMMUNER[1], KOMMUNER[2])}),
]


@pytest.mark.parametrize("audiences", [frozenset({"public"}), frozenset({"public", NETWORK})])
@pytest.mark.parametrize("q,filters", CASES)
def test_totals_facets_and_tiers_equal_the_obvious_answer(index, q, filters, audiences):
    # Single test words, no inflection: each query word is matched as written.
    word_sets = [{w} for w in q.split()]
    want_total, want_counts, first = _brute_force(word_sets, filters, audiences)
    assert want_total >= (150 if not filters else 5)  # large enough to mean something
    req = dict(q=q, filters={k: list(v) for k, v in filters.items()}, audiences=audiences, expand=False)
    resp = index.search(SearchRequest(**req, per_page=100))
    assert resp.total == want_total
    assert {f: dict(c) for f, c in resp.facets.items()} == want_counts
    # Page by page (pages of 7 cross the tier boundary): every document once,
    # the whole first tier before anything else, nothing invisible.
    seen: list[str] = []
    for page in range(1, want_total // 7 + 2):
        seen += [h.id for h in index.search(SearchRequest(**req, page=page, per_page=7)).hits]
    assert len(seen) == len(set(seen)) == want_total
    assert set(seen[: len(first)]) == first
    assert all(BY_ID[i].audience in audiences for i in seen)


def test_a_synonym_also_adds_to_a_text_that_has_the_word_typed(tmp_path):
    """A text holding both 'praktik' and its thesaurus term 'virksomhedspraktik'
    ranks by both (as expansion.expanded_scores sums them), not by the word alone."""
    for engine in ENGINES:
        docs = [
            IndexDocument(id="practice:a", type="practice", title="Testprojekt A", url="/a", body="praktik og job"),
            IndexDocument(
                id="practice:b", type="practice", title="Testprojekt B", url="/b", body="praktik og virksomhedspraktik"
            ),
        ]
        with SearchIndex.build(tmp_path / engine, docs, engine=engine) as idx:
            scores = {}
            for expand in (False, True):
                hits = idx.search(SearchRequest(q="praktik", expand=expand)).hits
                scores[expand] = {h.id: h.score for h in hits}
            assert scores[True]["practice:b"] > scores[False]["practice:b"], engine
            assert scores[True]["practice:a"] == pytest.approx(scores[False]["practice:a"]), engine
