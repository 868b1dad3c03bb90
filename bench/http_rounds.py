"""HTTP rounds against gunicorn (2 workers, loopback): the portal beside FTS5 and bare tantivy.

Each app is started as its own gunicorn, loaded by the same client (``load``:
C threads, one urllib request at a time each), then stopped. Per app:

1. warm-up: the fixed query set (bench/queries.py) twice, so both workers have
   opened their index and the portal's result cache holds the fixed set;
2. **every query new**: N distinct queries (bench/query_gen.py), each asked once
   — no cache can answer, so this is what a search costs;
3. RSS of each worker;
4. **repeated**: N requests cycling the fixed 42 queries — what the result cache
   (the portal's; the baselines have none) makes of a repeated search;
5. RSS of each worker again.

p50/p95/p99 are of the whole request as the client sees it (queueing behind the
other clients included); searches/s is requests answered ÷ wall time. Every loop
is bounded by a count and a deadline.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

from .ingest_step import proc_kb
from .queries import QUERIES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET = "bench-only-not-a-secret"
WORKERS = 2


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def pct(samples: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no samples."""
    s = sorted(samples)
    if not s:
        return float("nan")
    return s[max(0, min(len(s) - 1, int(round(p / 100 * len(s) + 0.5)) - 1))]


def plain_gunicorn(app: str, port: int) -> list[str]:
    """gunicorn with 2 sync workers for a baseline WSGI app (the portal uses its own server_command)."""
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return [str(gunicorn), "--workers", str(WORKERS), "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
            "--timeout", "120", "--no-control-socket", app]  # fmt: skip


@contextmanager
def server(argv: list[str], env: dict, log_path: Path, port: int, limit: float = 60.0):
    """Start ``argv`` in its own session, wait until ``/api/search?q=`` answers 200; yield (base URL, pid)."""
    base = f"http://127.0.0.1:{port}"
    log = open(log_path, "w")
    proc = subprocess.Popen(argv, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)  # fmt: skip
    try:
        end = time.monotonic() + limit
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"serveren stoppede (kode {proc.returncode}); se {log_path}")
            try:
                with urllib.request.urlopen(f"{base}/api/search?q=", timeout=30) as r:
                    if r.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                pass
            if time.monotonic() > end:
                raise RuntimeError(f"serveren kom ikke op inden for {limit:.0f} s (se {log_path})")
            time.sleep(0.2)
        yield base, proc.pid
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def load(urls: list[str], clients: int, limit: float) -> dict:
    """Ask every URL once (in order, shared by ``clients`` threads) within ``limit`` seconds."""
    lat: list[float] = []
    statuses: Counter = Counter()
    lock = threading.Lock()
    todo = iter(urls)
    end = time.monotonic() + limit

    def worker():
        while time.monotonic() < end:
            with lock:
                url = next(todo, None)
            if url is None:
                return
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(url, timeout=60) as r:
                    r.read()
                    code = r.status
            except urllib.error.HTTPError as e:
                code = e.code
            except OSError as e:
                code = type(e).__name__
            ms = (time.perf_counter() - t) * 1000
            with lock:
                statuses[code] += 1
                if code == 200:
                    lat.append(ms)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=max(1.0, end - time.monotonic() + 65))
    wall = time.perf_counter() - t0
    return {
        "n": len(lat),
        "p50": pct(lat, 50),
        "p95": pct(lat, 95),
        "p99": pct(lat, 99),
        "rps": len(lat) / wall if wall else float("nan"),
        "wall_s": wall,
        "statuses": {str(k): v for k, v in statuses.items()},
        "asked": len(urls),
    }


def worker_rss_mb(master_pid: int) -> list[float]:
    return [kb / 1024 for pid in children(master_pid) if (kb := proc_kb("VmRSS", pid))]


def rounds(base: str, master_pid: int, new: list[dict], requests: int, clients: int, limit: float) -> dict:
    """Warm-up, every-query-new, RSS, repeated, RSS (see the module docstring)."""

    def url(params: dict) -> str:
        return f"{base}/api/search?{urllib.parse.urlencode(params)}"

    fixed = [url(p) for _c, p in QUERIES]
    warm = load(fixed * 2, clients, limit)
    out = {"warm": warm, "clients": clients}
    out["new"] = load([url(p) for p in new[:requests]], clients, limit)
    out["rss_after_new_mb"] = worker_rss_mb(master_pid)
    out["repeated"] = load([fixed[i % len(fixed)] for i in range(requests)], clients, limit)
    out["rss_after_repeated_mb"] = worker_rss_mb(master_pid)
    return out


def portal_server(data_dir: Path, content_dir: Path, port: int) -> tuple[list[str], dict]:
    """The production server (portal.web.serving.server_command) over a bench data dir; result cache on."""
    from portal.web.serving import server_command

    env = dict(os.environ, PORTAL_DATA_DIR=str(data_dir), PORTAL_CONTENT_DIR=str(content_dir))
    env.setdefault("PORTAL_SECRET_KEY", BENCH_SECRET)
    env.pop("PORTAL_SEARCH_CACHE_DOCS", None)
    return server_command("127.0.0.1", port), env


def bare_server(index_dir: Path, port: int) -> tuple[list[str], dict]:
    return plain_gunicorn("bench.bare_tantivy:app", port), dict(os.environ, BENCH_BARE_INDEX=str(index_dir))


def fts5_server(db_path: Path, port: int) -> tuple[list[str], dict]:
    return plain_gunicorn("bench.fts5_app:app", port), dict(os.environ, BENCH_FTS5_DB=str(db_path))


def measure(name: str, make, log_dir: Path, new: list[dict], requests: int, clients: int, limit: float) -> dict:
    """Start the app ``make(port)`` returns (argv, env), run the rounds, stop it. A failure is reported, not raised."""
    port = free_port()
    argv, env = make(port)
    try:
        with server(argv, env, log_dir / f"gunicorn-{name}.log", port, limit=max(60.0, limit)) as (base, pid):
            return rounds(base, pid, new, requests, clients, limit)
    except RuntimeError as exc:
        return {"error": str(exc)}
