"""Relevance benchmark (issue 13): nDCG@10 and recall@10 per kind of query.

    .venv/bin/python -m bench.relevance [--engines whoosh,tantivy] [--no-fts5] [--per-query] [--json FILE]

Builds an index of the judged TEST MATERIAL of ``bench/relevance_set.py``
with each engine (the portal's search as a reader gets it: default request,
thesaurus and corrections on) and an SQLite FTS5 baseline over the same
documents, runs every query, and prints per kind and overall:

* nDCG@10 with gains 2^grade − 1 and the ideal ranking of all judged documents;
* recall@10: the share of documents judged relevant (grade ≥ 1) in the top 10.

The FTS5 baseline is the analysis the portal had before issue 13 in a minimal
FTS5 search (as ``bench/fts5_baseline.py``): every word fold-then-stemmed
(Snowball Danish on the folded word), Danish stop words dropped, clauses
OR-ed, bm25 with the portal's field weights. No compounds, thesaurus, names or
corrections. Nothing is tuned here; it measures.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from search_index import IndexDocument, SearchIndex, SearchRequest
from search_index.analysis import DANISH_STOPWORDS, _danish_stemmer, fold
from search_index.querying import parse_query

from .relevance_set import DOCS, LABEL, QUERIES

K = 10
_WORD_RE = re.compile(r"\w+")


def documents() -> list[IndexDocument]:
    return [
        IndexDocument(
            id=doc_id,
            type="practice",
            title=title,
            url=f"/test/{doc_id}",
            body=f"{LABEL}\n{body}",
            kommune_names=names,
            topics=topics,
        )
        for doc_id, (title, body, names, topics) in DOCS.items()
    ]


def ndcg(ranked: list[str], judged: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** judged.get(d, 0) - 1) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted(judged.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 1.0


def recall(ranked: list[str], judged: dict[str, int], k: int = K) -> float:
    relevant = {d for d, g in judged.items() if g > 0}
    return len(relevant & set(ranked[:k])) / len(relevant) if relevant else 1.0


# -- the FTS5 baseline: the analysis before issue 13 --------------------------------------------


def _old_term(word: str) -> str | None:
    low = word.lower()
    if len(low) < 2 or low in DANISH_STOPWORDS:
        return None
    return _danish_stemmer()(fold(low))  # plain Snowball, as before issue 13


def _old_text(text: str) -> str:
    return " ".join(t for t in map(_old_term, _WORD_RE.findall(text)) if t)


class Fts5Baseline:
    def __init__(self, docs: list[IndexDocument]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, names, topics, body)")
        self.db.executemany(
            "INSERT INTO d VALUES (?, ?, ?, ?, ?)",
            [
                (
                    d.id,
                    _old_text(d.title),
                    _old_text(" ".join(d.kommune_names)),
                    _old_text(" ".join(d.topics)),
                    _old_text(d.body),
                )
                for d in docs
            ],
        )

    def search(self, q: str) -> list[str]:
        clauses = []
        for c in parse_query(q).clauses:
            terms = [t for t in map(_old_term, c.words) if t]
            if not terms:
                continue
            if c.kind == "prefix":
                clauses.append(f'"{fold(c.words[0].lower())}"*')
            else:
                clauses.append('"' + " ".join(terms) + '"')
        if not clauses:
            return []
        rows = self.db.execute(
            "SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d, 0, 3.0, 2.0, 1.5, 1.0) LIMIT ?",
            (" OR ".join(clauses), K),
        ).fetchall()
        return [r[0] for r in rows]


def run(engines: list[str], with_fts5: bool = True) -> dict:
    docs = documents()
    searchers = {}
    tmp = tempfile.TemporaryDirectory(prefix="relevance-")
    for engine in engines:
        idx = SearchIndex.build(Path(tmp.name) / engine, docs, engine=engine)
        searchers[engine] = lambda q, idx=idx: [h.id for h in idx.search(SearchRequest(q=q, per_page=K)).hits]
    if with_fts5:
        searchers["fts5"] = Fts5Baseline(docs).search
    rows = []
    for q, kind, judged in QUERIES:
        unknown = set(judged) - set(DOCS)
        if unknown:
            raise ValueError(f"bench/relevance_set.py: query {q!r} judges unknown documents {sorted(unknown)}")
        row = {"q": q, "kind": kind}
        for name, search in searchers.items():
            ranked = search(q)
            row[name] = {"ndcg": ndcg(ranked, judged), "recall": recall(ranked, judged), "top": ranked[:K]}
        rows.append(row)
    tmp.cleanup()
    return {"systems": list(searchers), "rows": rows}


def summary(result: dict) -> dict[str, dict[str, tuple[float, float, int]]]:
    """kind (and "all") -> system -> (mean nDCG@10, mean recall@10, queries)."""
    by_kind: dict[str, list[dict]] = defaultdict(list)
    for row in result["rows"]:
        by_kind[row["kind"]].append(row)
        by_kind["all"].append(row)
    out = {}
    for kind, rows in by_kind.items():
        out[kind] = {
            s: (sum(r[s]["ndcg"] for r in rows) / len(rows), sum(r[s]["recall"] for r in rows) / len(rows), len(rows))
            for s in result["systems"]
        }
    return out


def print_table(result: dict, per_query: bool = False, out=sys.stdout) -> None:
    systems = result["systems"]
    table = summary(result)
    head = "kind (queries)".ljust(22) + "".join(f" | {s + ' nDCG@10 / R@10':>22}" for s in systems)
    print(head, file=out)
    print("-" * len(head), file=out)
    kinds = [k for k in dict.fromkeys(r["kind"] for r in result["rows"])] + ["all"]
    for kind in kinds:
        n = table[kind][systems[0]][2]
        cells = "".join(f" | {table[kind][s][0]:>14.3f} / {table[kind][s][1]:.3f}" for s in systems)
        print(f"{kind} ({n})".ljust(22) + cells, file=out)
    if per_query:
        print(file=out)
        for row in result["rows"]:
            cells = "".join(f" | {s} {row[s]['ndcg']:.2f}" for s in systems)
            print(f"{row['q'][:28]:<28} {row['kind']:<15}{cells}", file=out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Relevance benchmark: nDCG@10 and recall@10 per kind of query")
    ap.add_argument("--engines", default="whoosh,tantivy")
    ap.add_argument("--no-fts5", action="store_true")
    ap.add_argument("--per-query", action="store_true")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    result = run([e.strip() for e in args.engines.split(",") if e.strip()], not args.no_fts5)
    print(f"Relevance on the judged test set: {len(DOCS)} documents, {len(QUERIES)} queries (TEST MATERIAL)")
    print_table(result, args.per_query)
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
