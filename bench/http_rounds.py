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

All apps run at once and take turns slice by slice (:func:`measure_all`), so they
meet the same background load; only one is loaded at any moment.

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
from contextlib import ExitStack, contextmanager
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
    return {"lat": lat, "statuses": dict(statuses), "wall_s": wall, "asked": len(urls)}


def summarise(parts: list[dict]) -> dict:
    """One round's figures from its slices (see :func:`measure_all`): percentiles over all answers."""
    lat = [x for p in parts for x in p["lat"]]
    wall = sum(p["wall_s"] for p in parts)
    statuses: Counter = Counter()
    for p in parts:
        statuses.update({str(k): v for k, v in p["statuses"].items()})
    return {
        "n": len(lat),
        "p50": pct(lat, 50),
        "p95": pct(lat, 95),
        "p99": pct(lat, 99),
        "rps": len(lat) / wall if wall else float("nan"),
        "wall_s": wall,
        "statuses": dict(statuses),
        "asked": sum(p["asked"] for p in parts),
    }


def worker_rss_mb(master_pid: int) -> list[float]:
    return [kb / 1024 for pid in children(master_pid) if (kb := proc_kb("VmRSS", pid))]


def measure_all(apps: list[tuple[str, object]], log_dir: Path, new: list[dict], requests: int, clients: int,
                limit: float, slices: int = 6) -> dict:  # fmt: skip
    """Start every app ``make(port)`` → (argv, env) at once, run the rounds, stop them; {name: figures}.

    The rounds are cut into ``slices`` and the apps take turns slice by slice (in an order
    that rotates), so on a machine whose other load comes and goes every app meets the
    same background: figures measured one app after the other would compare the load of
    different minutes. Only one app is loaded at a time; the idle ones cost nothing.
    An app that fails to start is reported as {"error": …}, the others still run.
    """
    out: dict[str, dict] = {}
    with ExitStack() as stack:
        running = {}
        for name, make in apps:
            port = free_port()
            argv, env = make(port)
            try:
                running[name] = stack.enter_context(
                    server(argv, env, log_dir / f"gunicorn-{name}.log", port, limit=max(60.0, limit))
                )
            except RuntimeError as exc:
                out[name] = {"error": str(exc)}

        def url(base: str, params: dict) -> str:
            return f"{base}/api/search?{urllib.parse.urlencode(params)}"

        names = list(running)
        fixed_params = [p for _c, p in QUERIES]
        for name in names:  # warm-up: both workers open their index; the fixed set enters the result cache
            out[name] = {"clients": clients, "warm": summarise([load([url(running[name][0], p) for p in
                                                                      fixed_params * 2], clients, limit)])}  # fmt: skip
        per_round = {
            "new": new[:requests],
            "repeated": [fixed_params[i % len(fixed_params)] for i in range(requests)],
        }
        for rnd, params in per_round.items():
            parts: dict[str, list[dict]] = {name: [] for name in names}
            size = max(1, -(-len(params) // slices))
            deadline = time.monotonic() + limit * len(names)
            for k, lo in enumerate(range(0, len(params), size)):
                for name in names[k % len(names) :] + names[: k % len(names)]:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    base = running[name][0]
                    parts[name].append(load([url(base, p) for p in params[lo : lo + size]], clients, left))
            for name in names:
                out[name][rnd] = summarise(parts[name])
                out[name][f"rss_after_{rnd}_mb"] = worker_rss_mb(running[name][1])
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
