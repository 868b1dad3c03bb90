"""The benchmark of issues 7 and 16: one command, one table per corpus size.

::

    .venv/bin/python -m bench.run --sizes 1k,10k [--with-100k] [--http]

For each size: generate (or reuse) the synthetic corpus (bench/corpus.py),
run the real ingest in a subprocess (bench/ingest_step.py), then measure in
this process

* search latency over the fixed query set (bench/queries.py), warm, twice:
  "engine" = ``search_index.SearchIndex.search`` with the portal's text
  source (snippets from ``items.text``), and "flask" = ``/api/search``
  through the Flask test client of ``portal.create_app``;
* the same queries on a minimal SQLite FTS5 search (bench/fts5_baseline.py)
  and the ratio Whoosh/FTS5;
* publish-to-searchable: ``SearchIndex.update([doc])`` on a COPY of the live
  index, timed until a search finds the new words;
* page server time (front, practice, kommune, ranking) via the test client;
* RSS of this process;

and with ``--http`` the HTTP rounds of issue 16 (bench/floor.py): the portal on
every engine of ``--engines`` beside the FTS5 app and the bare tantivy app, each
under gunicorn (2 workers, loopback), every query new and then repeated, with
per-worker RSS, the ingest's peak memory and the issue-16 targets. Every loop is
bounded by a count and a deadline. See docs/performance.md for what each figure
means and the targets.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from . import corpus as corpus_mod
from . import floor
from .ingest_step import proc_kb
from .queries import CATEGORIES, QUERIES, label

PROJECT_ROOT = Path(__file__).resolve().parent.parent
OUT = corpus_mod.OUT_DIR

# target per size (None: no target at that size)
TARGETS = {
    "ingest_s": {10_000: 30.0, 100_000: 300.0},
    "http_p95_ms": {10_000: 100.0, 100_000: 400.0},
    "http_rps": {10_000: 100.0},
    "ratio_p95": {10_000: 3.0, 100_000: 3.0},
    "ratio_p50": {10_000: 3.0, 100_000: 3.0},
    "publish_ms": {100_000: 1000.0},
    "worker_rss_mb": {100_000: 300.0},
    "page_ms": {10_000: 20.0},
}


# ---------------------------------------------------------------- helpers


def pct(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100) of a non-empty list."""
    s = sorted(samples)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))
    return s[k]


def dir_size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mb(n_bytes: float) -> str:
    return f"{n_bytes / 1e6:.1f} MB"


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


class Deadline:
    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def passed(self) -> bool:
        return time.monotonic() >= self.end


def time_loop(fn, items: list, repeat: int, deadline: Deadline) -> tuple[dict[int, list[float]], int, float]:
    """Run fn(item) for every item, ``repeat`` times, until the deadline.

    One untimed warm-up pass first (its total is returned as cold seconds).
    Returns ({item index: [ms, …]}, error count, cold seconds).
    """
    samples: dict[int, list[float]] = {i: [] for i in range(len(items))}
    errors = 0
    t0 = time.perf_counter()
    for item in items:
        try:
            fn(item)
        except Exception:
            errors += 1
    cold = time.perf_counter() - t0
    for _ in range(repeat):
        for i, item in enumerate(items):
            if deadline.passed():
                return samples, errors, cold
            t = time.perf_counter()
            try:
                fn(item)
            except Exception:
                errors += 1
                continue
            samples[i].append((time.perf_counter() - t) * 1000)
    return samples, errors, cold


def flat(samples: dict[int, list[float]]) -> list[float]:
    return [x for v in samples.values() for x in v]


def summary(samples: dict[int, list[float]]) -> dict:
    xs = flat(samples)
    if not xs:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "qps": float("nan")}
    return {
        "n": len(xs),
        "p50": pct(xs, 50),
        "p95": pct(xs, 95),
        "p99": pct(xs, 99),
        "max": max(xs),
        "qps": len(xs) / (sum(xs) / 1000),
    }


# ---------------------------------------------------------------- phases


def ensure_ingest(n: int, seed: int, content_dir: Path, reuse: bool, engine: str = "whoosh") -> tuple[Path, dict]:
    """Ingest with search engine ``engine`` (PORTAL_SEARCH_ENGINE); non-default engines get their own data dir."""
    data_dir = OUT / (f"data-{corpus_mod.size_label(n)}-s{seed}" + ("" if engine == "whoosh" else f"-{engine}"))
    marker = data_dir / "ingest.json"
    manifest = json.loads((content_dir / "MANIFEST.json").read_text())
    if reuse and marker.exists():
        info = json.loads(marker.read_text())
        if info.get("corpus") == manifest and _layout_is_current(data_dir):
            info["reused"] = True
            return data_dir, info
    say(f"ingest {n} ({engine}) … (subprocess)")
    proc = subprocess.run(
        [sys.executable, "-m", "bench.ingest_step", str(content_dir), str(data_dir)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=dict(os.environ, PORTAL_SEARCH_ENGINE=engine),
    )
    if proc.returncode != 0:
        raise SystemExit(f"ingest fejlede:\n{proc.stderr[-4000:]}")
    info = json.loads(marker.read_text())
    info["reused"] = False
    return data_dir, info


def _layout_is_current(data_dir: Path) -> bool:
    """False when the data was built by an older database layout (the portal would refuse it)."""
    from portal.ingest import current_generation
    from portal.store import STORE_VERSION, store_version

    from search_index import IndexUnavailable, SearchIndex

    gen = current_generation(data_dir)
    if gen is None or store_version(gen.db_path) != STORE_VERSION:
        return False
    try:  # an index of an older schema is refused by the portal: ingest again
        SearchIndex(gen.index_path).close()
    except IndexUnavailable:
        return False
    return True


def text_source_for(db_path: Path):
    """The portal's snippet text source (as in portal.web.resources): item_bodies.text, kommune pages."""
    import sqlite3

    from portal.content import kommuner as kommune_registry
    from portal.indexing import kommune_text
    from portal.store import text_of as store_text_of

    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)

    def text_of(doc_id: str):
        if doc_id.startswith("kommune:"):
            try:
                return kommune_text(kommune_registry.by_code(doc_id.split(":", 1)[1]))
            except KeyError:
                return None
        return store_text_of(conn, doc_id)

    return conn, text_of


BENCH_SECRET = "bench-only-not-a-secret"


def make_app(data_dir: Path, content_dir: Path):
    from portal.web import create_app

    return create_app(
        {"DATA_DIR": str(data_dir), "CONTENT_DIR": str(content_dir), "TESTING": True, "SECRET_KEY": BENCH_SECRET}
    )


def search_requests(app):
    """The query set as the portal parses it (anonymous reader: public audience)."""
    from flask import request

    from portal.web.views.search import parse_search_args

    out = []
    for _cat, params in QUERIES:
        with app.test_request_context("/api/search", query_string=params):
            out.append(parse_search_args(request.args))
    return out


def engine_phase(gen, reqs, repeat: int, limit: float, profile_to: Path | None) -> dict:
    from search_index import SearchIndex

    conn, text_of = text_source_for(gen.db_path)
    t = time.perf_counter()
    # Without the result cache: every search computed (the engine's real cost,
    # and what the FTS5 ratio compares).
    index = SearchIndex(gen.index_path, text_source=text_of, cache_docs=0)
    first = index.search(reqs[0])
    open_first_ms = (time.perf_counter() - t) * 1000
    totals = [index.search(r).total for r in reqs]
    samples, errors, cold = time_loop(index.search, reqs, repeat, Deadline(limit))
    # With the portal's result cache, as a worker runs: repeated searches.
    cached_index = SearchIndex(gen.index_path, text_source=text_of)
    cached, _errors, _cold = time_loop(cached_index.search, reqs, repeat, Deadline(limit))
    cached_index.close()
    prof = None
    if profile_to:
        pr = cProfile.Profile()
        pr.enable()
        time_loop(index.search, reqs, 1, Deadline(limit))
        pr.disable()
        buf = io.StringIO()
        pstats.Stats(pr, stream=buf).sort_stats("cumulative").print_stats(40)
        profile_to.write_text(buf.getvalue())
        prof = str(profile_to)
    index.close()
    conn.close()
    return {
        "samples": samples,
        "errors": errors,
        "cold_s": cold,
        "open_first_ms": open_first_ms,
        "totals": totals,
        "first_total": first.total,
        "profile": prof,
        "samples_cached": cached,
    }


def flask_phase(app, data_dir: Path, repeat: int, limit: float, pages_n: int) -> dict:
    client = app.test_client()
    statuses: Counter = Counter()

    def get(params):
        resp = client.get("/api/search", query_string=params)
        statuses[resp.status_code] += 1
        if resp.status_code != 200:
            raise RuntimeError(resp.status_code)
        return resp

    samples, errors, cold = time_loop(get, [p for _c, p in QUERIES], repeat, Deadline(limit))

    # pages: front, a practice, a kommune, a ranking (median of pages_n after a warm-up)
    import sqlite3

    from portal.ingest import current_generation

    gen = current_generation(data_dir)
    db = sqlite3.connect(f"file:{gen.db_path}?mode=ro", uri=True)
    practice = db.execute("SELECT url FROM items WHERE type='practice' ORDER BY id LIMIT 1").fetchone()[0]
    ranking = db.execute("SELECT url FROM items WHERE type='ranking' ORDER BY id LIMIT 1").fetchone()
    db.close()
    urls = {"/": "/", "practice": practice, "kommune": "/kommuner/koebenhavn", "search page": "/soeg?q=flygtninge"}
    if ranking:
        urls["ranking"] = ranking[0]
    pages = {}
    deadline = Deadline(limit)
    for name, url in urls.items():
        pages[name] = {"url": url}
        # Rendered (page cache off: what the first view after an ingest or a
        # publication costs), then from the page cache (every later view).
        for key, page_cache in (("median_ms", False), ("cached_ms", True)):
            app.config["PAGE_CACHE"] = page_cache
            times, status = [], None
            for i in range(pages_n + 1):
                if deadline.passed():
                    break
                t = time.perf_counter()
                resp = client.get(url)
                ms = (time.perf_counter() - t) * 1000
                status = resp.status_code
                if i:
                    times.append(ms)
            pages[name][key] = statistics.median(times) if times else float("nan")
            pages[name]["status"] = status
    app.config["PAGE_CACHE"] = True
    return {"samples": samples, "errors": errors, "cold_s": cold, "statuses": dict(statuses), "pages": pages}


def publish_phase(gen, limit: float) -> dict:
    """Time update([doc]) → first search that finds it, on a copy of the index."""
    from search_index import IndexDocument, SearchIndex, SearchRequest

    work = OUT / "tmp-publish"
    shutil.rmtree(work, ignore_errors=True)
    t = time.perf_counter()
    shutil.copytree(gen.index_path, work)
    copy_s = time.perf_counter() - t
    conn, text_of = text_source_for(gen.db_path)
    existing = conn.execute("SELECT id, title, url FROM items WHERE type='practice' ORDER BY id LIMIT 1").fetchone()
    out: dict = {"copy_s": copy_s}
    try:
        writer_ix = SearchIndex(work, text_source=text_of)
        other_ix = SearchIndex(work, text_source=text_of)  # stands for the other worker
        writer_ix.search(SearchRequest(q="flygtninge"))
        other_ix.search(SearchRequest(q="flygtninge"))

        def until_found(ix, word, deadline):
            n = 0
            while not deadline.passed():
                n += 1
                if ix.search(SearchRequest(q=word)).total >= 1:
                    return n
            return None

        cases = [
            (
                "add",
                IndexDocument(
                    id="practice:syn-publish-bench",
                    type="practice",
                    title="Syntetisk publiceringstest",
                    url="/erfaringer/syn-publish-bench",
                    body="Syntetisk testdata. benchpubliceringsord mentor flygtninge",
                    kommuner=["101"],
                    kommune_names=["København"],
                    regions=["Hovedstaden"],
                    topics=["mentor"],
                    evidence="effekt",
                ),
                "benchpubliceringsord",
            ),
            (
                "replace",
                IndexDocument(
                    id=existing[0],
                    type="practice",
                    title=existing[1],
                    url=existing[2],
                    body="Syntetisk testdata. benchopdateringsord",
                    topics=["mentor"],
                    evidence="delvis-effekt",
                ),
                "benchopdateringsord",
            ),
        ]
        for name, doc, word in cases:
            deadline = Deadline(limit)
            t0 = time.perf_counter()
            writer_ix.update([doc])
            t1 = time.perf_counter()
            tries = until_found(writer_ix, word, deadline)
            t2 = time.perf_counter()
            t3 = time.perf_counter()
            other = until_found(other_ix, word, deadline)
            t4 = time.perf_counter()
            out[name] = {
                "commit_ms": (t1 - t0) * 1000,
                "searchable_ms": (t2 - t0) * 1000,
                "found": tries is not None and other is not None,
                "other_worker_first_search_ms": (t4 - t3) * 1000,
            }
        writer_ix.close()
        other_ix.close()
    finally:
        conn.close()
        shutil.rmtree(work, ignore_errors=True)
    return out


def fts5_phase(gen, reqs, label_: str, seed: int, repeat: int, limit: float) -> dict:
    from . import fts5_baseline

    path = OUT / f"fts5-{label_}-s{seed}.db"
    build_s = fts5_baseline.build(gen.db_path, path)
    fts = fts5_baseline.FTS5Search(path)
    totals = [fts.search(r)["total"] for r in reqs]
    samples, errors, cold = time_loop(fts.search, reqs, repeat, Deadline(limit))
    fts.close()
    return {
        "samples": samples,
        "errors": errors,
        "cold_s": cold,
        "build_s": build_s,
        "size": dir_size(path),
        "totals": totals,
    }


# ---------------------------------------------------------------- report


def verdict(key: str, n: int, value: float, higher_is_better: bool = False) -> tuple[str, str]:
    target = TARGETS.get(key, {}).get(n)
    if target is None or value != value:  # no target at this size, or NaN
        return "", ""
    ok = value >= target if higher_is_better else value <= target
    return (f"{'≥' if higher_is_better else '≤'} {target:g}", "ok" if ok else "MISS")


def print_table(title: str, rows: list[tuple[str, str, str, str]]) -> None:
    w = [max(len(r[i]) for r in rows) for i in range(4)]
    print()
    print(title)
    print("-" * (sum(w) + 9))
    for r in rows:
        print(f"{r[0]:<{w[0]}} | {r[1]:>{w[1]}} | {r[2]:<{w[2]}} | {r[3]}")
    print("-" * (sum(w) + 9))


def run_size(n: int, args) -> dict:
    label_ = corpus_mod.size_label(n)
    say(f"== {label_}: korpus")
    content_dir, gen_s, cached = corpus_mod.generate(n, seed=args.seed, say=say)
    say(f"korpus {content_dir} ({'cache' if cached else f'{gen_s:.1f} s'})")
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    # Every engine's ingest first (one at a time), so no ingest runs beside a measurement.
    ingested = {e: ensure_ingest(n, args.seed, content_dir, args.reuse_ingest, e) for e in engines}
    data_dir, ing = ingested[engines[0]]
    from portal.ingest import current_generation

    gen = current_generation(data_dir)
    res: dict = {
        "n": n,
        "label": label_,
        "engine_name": engines[0],
        "ingest": ing,
        "index_bytes": dir_size(gen.index_path),
        "db_bytes": sum(dir_size(p) for p in gen.path.glob("portal.db*")),
        "content_bytes": dir_size(content_dir),
        "rss_start_kb": proc_kb("VmRSS"),
    }
    say(f"ingest {ing['seconds']:.1f} s{' (genbrugt)' if ing.get('reused') else ''}; engine …")
    prof = OUT / f"profile-engine-{label_}.txt" if args.profile else None
    app = make_app(data_dir, content_dir)
    reqs = search_requests(app)
    res["rss_app_kb"] = proc_kb("VmRSS")
    res["engine"] = engine_phase(gen, reqs, args.repeat, args.limit, prof)
    res["rss_after_engine_kb"] = proc_kb("VmRSS")
    say("flask test client …")
    res["flask"] = flask_phase(app, data_dir, args.repeat, args.limit, args.pages)
    res["rss_after_flask_kb"] = proc_kb("VmRSS")
    say("publish …")
    res["publish"] = publish_phase(gen, min(args.limit, 60))
    if not args.no_fts5:
        say("FTS5 …")
        res["fts5"] = fts5_phase(gen, reqs, label_, args.seed, args.repeat, args.limit)
    res["others"] = {}
    for other in engines[1:]:  # side by side: ingest, engine (in-process) and publish only
        d2, ing2 = ingested[other]
        gen2 = current_generation(d2)
        say(f"engine {other} …")
        res["others"][other] = {
            "ingest": ing2,
            "index_bytes": dir_size(gen2.index_path),
            "engine": engine_phase(gen2, reqs, args.repeat, args.limit, None),
            "publish": publish_phase(gen2, min(args.limit, 60)),
        }
    if args.http:
        # Issue 16: the portal on every engine beside FTS5 and bare tantivy, over HTTP.
        fts5_db = None if args.no_fts5 else OUT / f"fts5-{label_}-s{args.seed}.db"
        res["floor"] = floor.floor_phase(
            n,
            content_dir,
            {e: d for e, (d, _i) in ingested.items()},
            fts5_db,
            OUT,
            requests=args.requests,
            clients=args.clients,
            limit=args.limit,
            seed=args.seed,
            say=say,
        )
        res["ingests"] = {e: i for e, (_d, i) in ingested.items()}
        res["publishes"] = {engines[0]: res["publish"], **{e: o["publish"] for e, o in res["others"].items()}}
    report(res, args)
    if args.http:
        floor.floor_report(
            res,
            f"Issue 16 — {label_}: the portal beside FTS5 and bare tantivy over HTTP (gunicorn, 2 workers, "
            f"{args.clients} clients; {args.requests} distinct queries, then {args.requests} repeated)",
        )
    return res


def report(res: dict, args) -> None:
    n, ing = res["n"], res["ingest"]
    e, f = summary(res["engine"]["samples"]), summary(res["flask"]["samples"])
    rows = [("figure", "value", "target", "")]

    def add(name, value, key=None, raw=None, hib=False):
        t, v = verdict(key, n, raw, hib) if key else ("", "")
        rows.append((name, value, t, v))

    counts = ", ".join(f"{k} {v}" for k, v in ing["counts"].items())
    add("documents ingested", counts)
    add(
        "ingest (portal.ingest.ingest)",
        f"{ing['seconds']:.1f} s" + (" (reused)" if ing.get("reused") else ""),
        "ingest_s",
        ing["seconds"],
    )
    if ing.get("cpu_seconds"):
        add("ingest CPU time (user+sys)", f"{ing['cpu_seconds']:.1f} s")
    add("ingest peak RSS (subprocess)", f"{(ing.get('peak_rss_kb') or 0) / 1024:.0f} MB")
    if ing.get("peak_memory_kb"):
        add("ingest peak memory (process tree, PSS)", f"{ing['peak_memory_kb'] / 1024:.0f} MB")
    add("content on disk", mb(res["content_bytes"]))
    add("index size on disk", mb(res["index_bytes"]))
    add("database size (portal.db*)", mb(res["db_bytes"]))
    add("engine (search_index)", res.get("engine_name", "whoosh"))
    add("engine: open + first search", f"{res['engine']['open_first_ms']:.0f} ms")
    add("engine: cold pass (all queries)", f"{res['engine']['cold_s'] * 1000:.0f} ms")
    ec = summary(res["engine"]["samples_cached"])
    for tag, s in (("engine", e), ("engine, repeated (result cache)", ec), ("flask (result cache)", f)):
        add(f"{tag}: search p50 / p95 / p99", f"{s['p50']:.1f} / {s['p95']:.1f} / {s['p99']:.1f} ms")
        add(f"{tag}: searches/s (1 thread)", f"{s['qps']:.1f}")
    add("engine: samples / errors", f"{e['n']} / {res['engine']['errors']}")
    add("flask: statuses", " ".join(f"{k}:{v}" for k, v in sorted(res["flask"]["statuses"].items(), key=str)))
    if "fts5" in res:
        s = summary(res["fts5"]["samples"])
        add("fts5: build from portal.db", f"{res['fts5']['build_s']:.1f} s, {mb(res['fts5']['size'])}")
        add("fts5: search p50 / p95 / p99", f"{s['p50']:.1f} / {s['p95']:.1f} / {s['p99']:.1f} ms")
        add("fts5: searches/s (1 thread)", f"{s['qps']:.1f}")
        add("ratio engine/fts5 p50", f"{e['p50'] / s['p50']:.1f}×", "ratio_p50", e["p50"] / s["p50"])
        add("ratio engine/fts5 p95", f"{e['p95'] / s['p95']:.1f}×", "ratio_p95", e["p95"] / s["p95"])
        add("ratio flask/fts5 p95", f"{f['p95'] / s['p95']:.1f}×")
    p = res["publish"]
    for case in ("add", "replace"):
        c = p[case]
        add(
            f"publish ({case}): commit / searchable",
            f"{c['commit_ms']:.0f} / {c['searchable_ms']:.0f} ms" + ("" if c["found"] else " NOT FOUND"),
            "publish_ms",
            c["searchable_ms"],
        )
        add(f"publish ({case}): other worker 1st search", f"{c['other_worker_first_search_ms']:.0f} ms")
    for other, o in res.get("others", {}).items():  # further engines, side by side
        oi, os_ = o["ingest"], summary(o["engine"]["samples"])
        add(
            f"[{other}] ingest wall / CPU",
            f"{oi['seconds']:.1f} s / {oi.get('cpu_seconds') or 0:.1f} s" + (" (reused)" if oi.get("reused") else ""),
            "ingest_s",
            oi["seconds"],
        )
        add(f"[{other}] index size on disk", mb(o["index_bytes"]))
        add(f"[{other}] engine: open + first search", f"{o['engine']['open_first_ms']:.0f} ms")
        add(f"[{other}] engine: search p50 / p95 / p99", f"{os_['p50']:.1f} / {os_['p95']:.1f} / {os_['p99']:.1f} ms")
        add(f"[{other}] engine: searches/s (1 thread)", f"{os_['qps']:.1f}")
        add(f"[{other}] engine: samples / errors", f"{os_['n']} / {o['engine']['errors']}")
        if "fts5" in res:
            s = summary(res["fts5"]["samples"])
            add(f"[{other}] ratio engine/fts5 p50", f"{os_['p50'] / s['p50']:.1f}×", "ratio_p50", os_["p50"] / s["p50"])
            add(f"[{other}] ratio engine/fts5 p95", f"{os_['p95'] / s['p95']:.1f}×", "ratio_p95", os_["p95"] / s["p95"])
        for case in ("add", "replace"):
            c = o["publish"][case]
            add(
                f"[{other}] publish ({case}): commit / searchable",
                f"{c['commit_ms']:.0f} / {c['searchable_ms']:.0f} ms" + ("" if c["found"] else " NOT FOUND"),
                "publish_ms",
                c["searchable_ms"],
            )
    for name, pg in res["flask"]["pages"].items():
        add(
            f"page {name} ({pg['url'][:28]}) rendered",
            f"{pg['median_ms']:.1f} ms [{pg['status']}]",
            "page_ms",
            pg["median_ms"],
        )
        add(f"page {name}: from the page cache", f"{pg['cached_ms']:.1f} ms")
    add(
        "RSS this process: app loaded / +engine / +flask",
        f"{res['rss_app_kb'] / 1024:.0f} / {res['rss_after_engine_kb'] / 1024:.0f} / {res['rss_after_flask_kb'] / 1024:.0f} MB",
    )
    for failure in res.get("failures", []):
        add("FAILED", failure[:90])
    print_table(
        f"Hvad virker bench — {res['label']} ({n} practices), seed {args.seed}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPU, Python {platform.python_version()}",
        rows,
    )

    # per category
    others = res.get("others", {})
    cat_rows = [
        (
            "category (queries)",
            "engine p50/p95 ms",
            "flask p50 ms",
            "fts5 p50/p95 ms" + "".join(f" · {o} p50/p95 ms" for o in others),
        )
    ]
    for cat in CATEGORIES:
        idx = [i for i, (c, _p) in enumerate(QUERIES) if c == cat]
        es = [x for i in idx for x in res["engine"]["samples"][i]]
        fs = [x for i in idx for x in res["flask"]["samples"][i]]
        ts = [x for i in idx for x in res["fts5"]["samples"][i]] if "fts5" in res else []
        extra = ""
        for o in others.values():
            os_ = [x for i in idx for x in o["engine"]["samples"][i]]
            extra += f" · {pct(os_, 50):.1f} / {pct(os_, 95):.1f}"
        cat_rows.append(
            (
                f"{cat} ({len(idx)})",
                f"{pct(es, 50):.1f} / {pct(es, 95):.1f}",
                f"{pct(fs, 50):.1f}",
                (f"{pct(ts, 50):.1f} / {pct(ts, 95):.1f}" if ts else "–") + extra,
            )
        )
    print_table("per query category" + (f" (engine = {res.get('engine_name', 'whoosh')})" if others else ""), cat_rows)
    if args.per_query:
        q_rows = [("query", "engine p50 ms", "total", "fts5 p50 ms / total")]
        for i, (_c, params) in enumerate(QUERIES):
            es = res["engine"]["samples"][i]
            ts = res["fts5"]["samples"][i] if "fts5" in res else []
            q_rows.append(
                (
                    label(params)[:60],
                    f"{pct(es, 50):.1f}",
                    str(res["engine"]["totals"][i]),
                    f"{pct(ts, 50):.1f} / {res['fts5']['totals'][i]}" if ts else "–",
                )
            )
        print_table("per query", q_rows)
    if res["engine"].get("profile"):
        print(f"cProfile of one engine pass: {res['engine']['profile']}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark of issue 7 (docs/performance.md).")
    ap.add_argument("--sizes", default="1k,10k", help="comma-separated sizes: 1k,10k (default) or numbers")
    ap.add_argument("--with-100k", action="store_true", help="also run 100k (ingest takes many minutes)")
    ap.add_argument("--http", action="store_true", help="also load gunicorn (2 workers) over loopback")
    ap.add_argument("--seed", type=int, default=corpus_mod.DEFAULT_SEED)
    ap.add_argument("--repeat", type=int, default=3, help="timed passes over the query set (after 1 warm-up)")
    ap.add_argument("--limit", type=float, default=120.0, help="wall-clock limit per phase, seconds")
    ap.add_argument("--pages", type=int, default=5, help="timed requests per page")
    ap.add_argument("--requests", type=int, default=300, help="HTTP requests per round (distinct queries, repeated)")
    ap.add_argument("--clients", type=int, default=4, help="concurrent HTTP clients (≤ 8; 4 = two per worker)")
    ap.add_argument(
        "--reuse-ingest",
        action="store_true",
        help="reuse an earlier ingest of the same corpus (its recorded time is shown as reused)",
    )
    ap.add_argument(
        "--engines",
        default="whoosh",
        help="search engines, comma-separated (whoosh,tantivy): the first runs every phase, the "
        "others ingest + engine + publish side by side (default whoosh)",
    )
    ap.add_argument("--no-fts5", action="store_true")
    ap.add_argument("--per-query", action="store_true", help="also print one row per query")
    ap.add_argument("--profile", action="store_true", help="cProfile one engine pass into bench/out/")
    ap.add_argument("--json", type=Path, help="write all results as JSON here")
    args = ap.parse_args(argv)
    args.clients = max(1, min(args.clients, 8))
    sizes = [corpus_mod.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    if args.with_100k and 100_000 not in sizes:
        sizes.append(100_000)
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for n in sizes:
        results.append(run_size(n, args))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
