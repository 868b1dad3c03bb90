"""First render of each page type (page cache off), over a built data directory.

::

    .venv/bin/python -m bench.first_render DATA_DIR CONTENT_DIR [--n 5] [--profile NAME]

"First render" is what the first reader after an ingest or a publication waits
for: the page cache is off, so every request renders. Prints the median of
``--n`` renders (after one warm-up that opens the store and the index) per page,
in milliseconds, as JSON, with the median CPU time of this process per render
(``cpu_ms``: the page's own cost, little disturbed by other load on a shared machine).
``--profile NAME`` prints a cProfile of that page.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sqlite3
import statistics
import time
from pathlib import Path

from .run import make_app


def urls_of(data_dir: Path) -> dict[str, str]:
    """One address per page type, read from the generation (the first of each kind by id)."""
    from portal.generations import current_generation

    gen = current_generation(data_dir)
    db = sqlite3.connect(f"file:{gen.db_path}?mode=ro", uri=True)

    def first(kind: str) -> str | None:
        row = db.execute("SELECT url FROM items WHERE type = ? ORDER BY id LIMIT 1", (kind,)).fetchone()
        return row[0] if row else None

    urls = {
        "front": "/",
        "practice": first("practice"),
        "note": first("note"),
        "network": first("network"),
        "kommune koebenhavn": "/kommuner/koebenhavn",
        "kommune broendby": "/kommuner/broendby",
        "kommuner": "/kommuner",
        "ranking": first("ranking"),
        "rankings": "/rangeringer",
        "evidence map": "/evidenskort",
        "evaluation debt": "/evalueringsgaeld",
        "indicators": "/indikatorer",
        "search": "/soeg?q=flygtninge",
    }
    db.close()
    return {name: url for name, url in urls.items() if url}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("content_dir", type=Path)
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--profile")
    parser.add_argument("--only")
    args = parser.parse_args()
    app = make_app(args.data_dir, args.content_dir)
    app.config["PAGE_CACHE"] = False
    client = app.test_client()
    urls = urls_of(args.data_dir)
    if args.only:
        urls = {k: v for k, v in urls.items() if args.only in k}
    out = {}
    for name, url in urls.items():
        times, cpu = [], []
        for i in range(args.n + 1):
            t, c = time.perf_counter(), time.process_time()
            resp = client.get(url)
            ms, cpu_ms = (time.perf_counter() - t) * 1000, (time.process_time() - c) * 1000
            if resp.status_code != 200:
                raise SystemExit(f"{url}: HTTP {resp.status_code}")
            if i:
                times.append(ms)
                cpu.append(cpu_ms)
        out[name] = {
            "url": url,
            "median_ms": round(statistics.median(times), 1),
            "min_ms": round(min(times), 1),  # the least disturbed by other load on a shared machine
            "max_ms": round(max(times), 1),
            # CPU time of this process: what the page costs, steady even when other work shares the cores.
            "cpu_ms": round(statistics.median(cpu), 1),
        }
        if args.profile and args.profile == name:
            pr = cProfile.Profile()
            pr.enable()
            for _ in range(args.n):
                client.get(url)
            pr.disable()
            pstats.Stats(pr).sort_stats("cumulative").print_stats(45)
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
