"""The portal's distance to the floor (issue 16): HTTP rounds side by side, memory, targets.

``bench.run --http`` calls :func:`floor_phase` once per corpus size: the portal
on every engine asked for (each over its own ingest), the FTS5 app and the bare
tantivy app (bench/bare_tantivy.py) — each its own gunicorn with 2 workers on
loopback, loaded by the same client with the same queries (bench/http_rounds.py).
:func:`floor_report` prints them side by side with the ratios portal ÷ bare at
p95 and in searches/s, per-worker RSS, the ingest's peak memory, and the
targets of issue 16 marked ``ok``/``MISS``.
"""

from __future__ import annotations

from pathlib import Path

from . import bare_tantivy, http_rounds
from .query_gen import distinct_queries

# Issue 16, "Targets" (2 cores, loopback, every query new). Per (engine, size):
# key → (limit, higher is better). "ratio_p95" is portal p95 ÷ bare p95.
TARGETS: dict[tuple[str, int], dict[str, tuple[float, bool]]] = {
    ("tantivy", 10_000): {"rps": (200.0, True), "ratio_p95": (2.0, False)},
    ("whoosh", 10_000): {"p95": (100.0, False), "rps": (80.0, True)},
    ("tantivy", 100_000): {"ratio_p95": (3.0, False), "rps": (50.0, True)},
}
# Per size, whatever the engine.
SIZE_TARGETS: dict[int, dict[str, tuple[float, bool]]] = {
    100_000: {
        "ingest_s": (120.0, False),
        "ingest_peak_mb": (2048.0, False),
        "worker_rss_mb": (300.0, False),
        "publish_ms": (1000.0, False),
        "page_ms": (50.0, False),
    },
}


def verdict(engine: str, n: int, key: str, value: float) -> str:
    target = TARGETS.get((engine, n), {}).get(key) or SIZE_TARGETS.get(n, {}).get(key)
    if target is None or value != value:  # no target, or NaN
        return ""
    limit, higher = target
    ok = value >= limit if higher else value <= limit
    return f"{'≥' if higher else '≤'} {limit:g}: {'ok' if ok else 'MISS'}"


def floor_phase(
    n: int,
    content_dir: Path,
    data_dirs: dict[str, Path],
    fts5_db: Path | None,
    out_dir: Path,
    *,
    requests: int,
    clients: int,
    limit: float,
    seed: int,
    say=print,
) -> dict:
    """Rounds for the portal on each engine, then FTS5 (if ``fts5_db``), then bare tantivy."""
    new = distinct_queries(content_dir, requests, seed=seed)
    index_dir, build_s, cached = bare_tantivy.ensure_index(content_dir, out_dir)
    res: dict = {"n": n, "requests": requests, "clients": clients, "distinct_queries": len(new),
                 "bare_build_s": build_s, "bare_cached": cached, "apps": {}}  # fmt: skip
    apps: list[tuple[str, object]] = [
        (f"portal-{engine}", lambda port, d=d: http_rounds.portal_server(d, content_dir, port))
        for engine, d in data_dirs.items()
    ]
    if fts5_db is not None:
        apps.append(("fts5", lambda port: http_rounds.fts5_server(fts5_db, port)))
    apps.append(("bare", lambda port: http_rounds.bare_server(index_dir, port)))
    say(f"HTTP-runder: {', '.join(a for a, _m in apps)} på skift ({requests} nye + {requests} gentagne, "
        f"{clients} klienter) …")  # fmt: skip
    res["apps"] = http_rounds.measure_all(
        [(f"{name}-{n}", make) for name, make in apps], out_dir, new, requests, clients, limit
    )
    res["apps"] = {name.removesuffix(f"-{n}"): r for name, r in res["apps"].items()}
    return res


def _fmt(r: dict) -> str:
    return f"{r['p50']:.0f} / {r['p95']:.0f} / {r['p99']:.0f} ms, {r['rps']:.0f}/s"


def floor_rows(res: dict) -> list[tuple[str, str, str]]:
    """(figure, value, target verdict) rows of one size's floor comparison."""
    n, f = res["n"], res["floor"]
    apps = f["apps"]
    bare = apps.get("bare", {})
    rows: list[tuple[str, str, str]] = []
    for name, r in apps.items():
        if "error" in r:
            rows.append((f"{name}: FAILED", r["error"][:90], ""))
            continue
        engine = name.removeprefix("portal-") if name.startswith("portal-") else None
        for rnd, tag in (("new", "every query new"), ("repeated", "repeated (fixed 42)")):
            x = r[rnd]
            bad = {k: v for k, v in x["statuses"].items() if k != "200"}
            rows.append((f"{name}, {tag}: p50 / p95 / p99, searches/s", _fmt(x) + (f" errors {bad}" if bad else ""),
                         ""))  # fmt: skip
            if rnd == "new" and engine:
                rows[-1] = (*rows[-1][:2], "; ".join(v for v in (verdict(engine, n, "p95", x["p95"]),
                                                                  verdict(engine, n, "rps", x["rps"])) if v))  # fmt: skip
            if engine and "error" not in bare:
                b = bare[rnd]
                ratio_p95, ratio_rps = x["p95"] / b["p95"], x["rps"] / b["rps"]
                rows.append((f"{name}, {tag}: ÷ bare at p95 / in searches/s", f"{ratio_p95:.1f}× / {ratio_rps:.2f}×",
                             verdict(engine, n, "ratio_p95", ratio_p95) if rnd == "new" else ""))  # fmt: skip
        rss = r["rss_after_new_mb"] + r["rss_after_repeated_mb"]
        rows.append((f"{name}: RSS per worker after new / repeated",
                     " ".join(f"{v:.0f}" for v in r["rss_after_new_mb"]) + " / "
                     + " ".join(f"{v:.0f}" for v in r["rss_after_repeated_mb"]) + " MB",
                     verdict(engine, n, "worker_rss_mb", max(rss)) if engine and rss else ""))  # fmt: skip
    for engine, ing in res.get("ingests", {}).items():
        peak = (ing.get("peak_memory_kb") or ing.get("peak_rss_kb") or 0) / 1024
        rows.append((f"portal-{engine}: ingest wall" + (" (reused)" if ing.get("reused") else ""),
                     f"{ing['seconds']:.1f} s", verdict(engine, n, "ingest_s", ing["seconds"])))  # fmt: skip
        what = "process tree, PSS" if ing.get("peak_memory_kb") else "parent only: ingested before issue 16"
        rows.append((f"portal-{engine}: ingest peak memory ({what})", f"{peak:.0f} MB",
                     verdict(engine, n, "ingest_peak_mb", peak)))  # fmt: skip
    for engine, pub in res.get("publishes", {}).items():
        ms = max(pub[c]["searchable_ms"] for c in ("add", "replace"))
        rows.append((f"portal-{engine}: publish → searchable (worst of add, replace)", f"{ms:.0f} ms",
                     verdict(engine, n, "publish_ms", ms)))  # fmt: skip
    pages = res.get("flask", {}).get("pages", {})
    if pages:
        worst = max(pages.values(), key=lambda p: p["median_ms"] if p["median_ms"] == p["median_ms"] else -1)
        rows.append((f"portal-{res.get('engine_name')}: slowest page render, page cache off ({worst['url'][:30]})",
                     f"{worst['median_ms']:.1f} ms", verdict("", n, "page_ms", worst["median_ms"])))  # fmt: skip
    rows.append(("bare tantivy index build (cached in bench/out)",
                 f"{f['bare_build_s']:.1f} s" + (" (reused)" if f["bare_cached"] else ""), ""))  # fmt: skip
    return rows


def floor_report(res: dict, title: str) -> None:
    rows = [("figure", "value", "issue-16 target"), *floor_rows(res)]
    w = [max(len(r[i]) for r in rows) for i in range(3)]
    print()
    print(title)
    print("-" * (sum(w) + 6))
    for r in rows:
        print(f"{r[0]:<{w[0]}} | {r[1]:<{w[1]}} | {r[2]}")
    print("-" * (sum(w) + 6))
