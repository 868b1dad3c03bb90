"""The issue-16 bench, end to end on a tiny synthetic corpus, so a broken bench is caught here.

Test material: the corpus is bench/corpus.py's synthetic data (every file says so).
"""

import json
from collections import Counter
from pathlib import Path

import pytest
import yaml

from bench import bare_tantivy, corpus, floor, fts5_baseline, ingest_step
from bench.queries import QUERIES
from bench.query_gen import _key, distinct_queries

N_DOCS = 200


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / "corpus-tiny"
    content, _s, _cached = corpus.generate(N_DOCS, out=out, seed=7, check=False, say=lambda _m: None)
    return content


def _front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def test_distinct_queries_never_repeat_and_keep_the_fixed_sets_shapes(tiny):
    qs = distinct_queries(tiny, 200, seed=3)
    keys = [_key(p) for p in qs]
    assert len(set(keys)) == 200, "a query repeats: a cache could answer it"
    assert not set(keys) & {_key(p) for _c, p in QUERIES}, "a fixed query in the every-query-new round"
    assert qs == distinct_queries(tiny, 200, seed=3), "not deterministic"
    assert qs != distinct_queries(tiny, 200, seed=4)
    texts = [p.get("q", "") for p in qs]
    assert any(t.startswith('"') for t in texts), "no phrase"
    assert any("*" in t for t in texts), "no prefix"
    assert any(" " in t and '"' not in t for t in texts), "no several-word query"
    for facet in ("type", "evidence", "topic", "region", "kommune"):
        assert any(facet in p for p in qs), f"no {facet} filter"


def test_bare_tantivy_counts_what_the_corpus_holds(tiny, tmp_path):
    index_dir, _s, cached = bare_tantivy.ensure_index(tiny, tmp_path)
    assert not cached and bare_tantivy.ensure_index(tiny, tmp_path)[2], "the built index is not reused"
    bare = bare_tantivy.BareSearch(index_dir)
    practices = [_front(p) for p in sorted((tiny / "practices").glob("*.md"))]
    notes = [_front(p) for p in sorted((tiny / "notes").glob("*.md"))]
    public_notes = sum(1 for m in notes if m.get("visibility", "public") == "public")
    assert public_notes < len(notes), "test corpus has no private note: the audience filter is untested"

    everything = bare.search({"q": ""})
    assert everything["total"] == len(practices) + public_notes
    assert everything["facets"]["type"] == {
        k: v for k, v in (("practice", len(practices)), ("note", public_notes)) if v
    }
    assert everything["facets"]["evidence"] == dict(Counter(m["evidence"] for m in practices))

    # a filtered facet is counted without its own filter (disjunctive), the others with it
    effekt = bare.search({"q": "", "evidence": "effekt", "type": "practice"})
    assert effekt["total"] == sum(1 for m in practices if m["evidence"] == "effekt")
    assert effekt["facets"]["evidence"] == everything["facets"]["evidence"]
    assert effekt["facets"]["type"] == {"practice": effekt["total"]}

    # Danish stemming: a plural finds its singular's documents; the prefix finds at least as many
    assert bare.search({"q": "flygtningene"})["total"] == bare.search({"q": "flygtninge"})["total"] > 0
    prefixed = bare.search({"q": "flygt*"})
    assert prefixed["total"] >= bare.search({"q": "flygtninge"})["total"]
    hit = bare.search({"q": "flygtninge", "per_page": "3"})["hits"]
    assert len(hit) == 3 and all("<b>" in h["snippet"] for h in hit)
    with pytest.raises(ValueError, match="Xyzby"):
        bare.search({"q": "", "kommune": "Xyzby"})


def test_the_rounds_run_end_to_end_and_the_floor_table_shows_every_app(tiny, tmp_path):
    data = tmp_path / "data-whoosh"
    ing = ingest_step.run(tiny, data)
    assert ing["memory_samples"] >= 1 and ing["peak_memory_kb"] >= ing["peak_tree_pss_kb"] > 0
    assert json.loads((data / "ingest.json").read_text())["peak_memory_kb"] == ing["peak_memory_kb"]
    from portal.ingest import current_generation

    fts5_db = tmp_path / "fts5.db"
    fts5_baseline.build(current_generation(data).db_path, fts5_db)

    requests = 30
    res = {"n": N_DOCS, "ingests": {"whoosh": ing}}
    res["floor"] = floor.floor_phase(
        N_DOCS, tiny, {"whoosh": data}, fts5_db, tmp_path, requests=requests, clients=4, limit=60, seed=7,
        say=lambda _m: None,
    )  # fmt: skip
    apps = res["floor"]["apps"]
    assert set(apps) == {"portal-whoosh", "fts5", "bare"}
    for name, r in apps.items():
        assert "error" not in r, (name, r)
        for rnd in ("warm", "new", "repeated"):
            assert r[rnd]["statuses"] == {"200": r[rnd]["asked"]}, (name, rnd, r[rnd]["statuses"])
        assert r["new"]["n"] == requests and r["repeated"]["n"] == requests
        assert r["new"]["p50"] <= r["new"]["p95"] <= r["new"]["p99"]
        assert len(r["rss_after_new_mb"]) == 2 and min(r["rss_after_new_mb"]) > 10, "2 workers, each measured"
    rows = {figure: value for figure, value, _v in floor.floor_rows(res)}
    assert "portal-whoosh, every query new: ÷ bare at p95 / in searches/s" in rows
    assert rows["portal-whoosh: ingest peak memory (process tree, PSS)"].endswith(" MB")


def test_targets_are_marked_ok_or_miss():
    assert floor.verdict("tantivy", 10_000, "rps", 250.0) == "≥ 200: ok"
    assert floor.verdict("tantivy", 10_000, "ratio_p95", 2.5) == "≤ 2: MISS"
    assert floor.verdict("whoosh", 10_000, "p95", 99.0) == "≤ 100: ok"
    assert floor.verdict("tantivy", 100_000, "worker_rss_mb", 566.0) == "≤ 300: MISS"
    assert floor.verdict("whoosh", 1_000, "p95", 500.0) == "", "no target at 1k"
