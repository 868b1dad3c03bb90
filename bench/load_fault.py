"""Load-and-fault run of issues 6 and 11: nothing accepted is lost, faults get a clean answer.

::

    .venv/bin/python -m bench.load_fault [--searches 300] [--submissions 40] [--clients 6] [--rounds 8]

On a copy of the shipped content it starts the production server (the one
command of ``portal/web/serving.py``: gunicorn, two workers, loopback only) and
runs, each phase bounded by a count and a deadline:

1. **load and a killed worker**: searches mixed with API submissions, each
   accepted one approved by one of two editors at once; half way through a
   worker is killed with SIGKILL (gunicorn starts a new one);
2. **slow clients**: slow bodies (1 byte/s) and slow readers beside a reader
   whose latency is reported (``bench/slow_clients.py``);
3. **races**: same-titled notes, same-titled new practices and two updates of
   one practice, each pair released together (``bench/races.py``);
4. **faults**: another process holds the owned database's write lock past the
   busy timeout while submissions arrive; the live index's table of contents
   vanishes under the running workers; then an ingest repairs it.

Afterwards it runs the operator's ``reconcile``, checks every accepted
submission against the owned database, ``content/``, the live database and the
index, counts the races' accepted writes whose own text is not in ``content/``,
and runs ``flask check``. Prints the figures documented in docs/reliability.md;
exits non-zero when anything accepted was lost or any answer was a 500.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import races  # noqa: E402
from bench.slow_clients import slow_phase  # noqa: E402
from portal import accounts  # noqa: E402
from portal.web.serving import server_command  # noqa: E402
from portal.ingest import ingest  # noqa: E402
from portal.integrity import check, reconcile  # noqa: E402
from portal.owned import OwnedDB  # noqa: E402

SEARCHES = [
    "flygtninge",
    "beskæftigelse",
    "mentor",
    "Århus",
    "Hoeje Taastrup",
    "frivillighed",
    "flygtnige",
    "sprog unge",
    '"nyankomne flygtninge"',
    "besk*",
]
DEADLINE_S = 240
REQUEST_TIMEOUT_S = 20

PRACTICE = """---
title: Belastningstest {n} – {tag}
kommuner: [{kommune}]
evidence: ikke-evalueret
topics: [belastningstest, sprog]
---
Syntetisk indhold fra bench/load_fault.py, nummer {n}. Ord til søgning: {tag}.
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, base: str):
        self.base = base
        self.lock = threading.Lock()
        self.statuses: Counter = Counter()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers or {})
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT_S) as resp:
                status, payload = resp.status, resp.read()
        except urllib.error.HTTPError as exc:
            status, payload = exc.code, exc.read()
        except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:  # e.g. killed mid-answer
            status, payload = "connection-error", str(exc).encode()
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.statuses[status] += 1
            self.latencies.append(elapsed)
        return status, payload


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--clients", type=int, default=6, help="concurrent clients (at most 8)")
    parser.add_argument("--rounds", type=int, default=8, help="rounds of each race")
    parser.add_argument("--slow", type=int, default=6, help="slow bodies, and as many slow readers")
    parser.add_argument("--slow-seconds", type=float, default=15.0)
    parser.add_argument(
        "--worker-class",
        default="portal.web.serving.BufferingWorker",
        help="gunicorn worker class (e.g. sync, to compare with the production server)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory")
    args = parser.parse_args()
    clients = max(1, min(args.clients, 8))
    work = Path(tempfile.mkdtemp(prefix="hv-load-"))
    content, data = work / "content", work / "data"
    shutil.copytree(ROOT / "content", content)
    ingest(content, data)
    db = OwnedDB(data)
    accounts.add_user(db, "vc@example.dk", "contributor", organisation="Belastningstest")
    accounts.add_user(db, "red1@example.dk", "editor")
    accounts.add_user(db, "red2@example.dk", "editor")
    for member in ("medlem1@example.dk", "medlem2@example.dk"):
        accounts.add_user(db, member, "contributor", networks=["vestegnen"])
    tokens = {
        e: accounts.issue_token(db, e)
        for e in ("vc@example.dk", "red1@example.dk", "red2@example.dk", "medlem1@example.dk", "medlem2@example.dk")
    }
    db.close()

    port = free_port()
    env = dict(
        os.environ, PORTAL_DATA_DIR=str(data), PORTAL_CONTENT_DIR=str(content), PORTAL_SESSION_COOKIE_SECURE="false"
    )
    server = subprocess.Popen(
        server_command("127.0.0.1", port, worker_class=args.worker_class),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(work / "gunicorn.log", "w"),
    )
    client = Client(f"http://127.0.0.1:{port}")
    try:
        for _ in range(100):
            if client.request("GET", "/api/search?q=x")[0] == 200:
                break
            time.sleep(0.1)
        client.statuses.clear()
        client.latencies.clear()
        return run(args, clients, client, server, tokens, content, data, work)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run(args, clients, client, server, tokens, content, data, work) -> int:
    rng = random.Random(6)
    accepted: dict[str, str] = {}  # submission id -> tag
    killed = {"at": None, "pid": None}
    deadline = time.monotonic() + DEADLINE_S
    tasks = [("search", i) for i in range(args.searches)] + [("submit", i) for i in range(args.submissions)]
    rng.shuffle(tasks)
    kill_after = len(tasks) // 2
    done = Counter()
    editors = [tokens["red1@example.dk"], tokens["red2@example.dk"]]

    def one(task):
        kind, n = task
        if time.monotonic() > deadline:
            return
        if kind == "search":
            q = urllib.parse.quote(rng.choice(SEARCHES))
            client.request("GET", f"/api/search?q={q}")
        else:
            tag = f"loadtag{n:04d}"
            body = PRACTICE.format(n=n, tag=tag, kommune=rng.choice(["Ishøj", "Brøndby", "Århus", "101"])).encode()
            status, payload = client.request(
                "POST",
                "/api/submissions",
                body,
                {"Authorization": f"Bearer {tokens['vc@example.dk']}", "Content-Type": "text/markdown; charset=utf-8"},
            )
            if status == 201:
                sid = json.loads(payload)["id"]
                with client.lock:
                    accepted[sid] = tag
                client.request(
                    "POST", f"/api/submissions/{sid}/approve", b"", {"Authorization": f"Bearer {editors[n % 2]}"}
                )
        with client.lock:
            done[kind] += 1
            if sum(done.values()) == kill_after and killed["pid"] is None:
                pid = worker_pid(server.pid)
                if pid:
                    os.kill(pid, signal.SIGKILL)
                    killed.update(at=time.monotonic(), pid=pid)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, tasks))
    wall = time.monotonic() - started

    slow = slow_phase(client.base, slow_bodies=args.slow, slow_readers=args.slow, seconds=args.slow_seconds)
    race_client = Client(client.base)
    race_results = [
        races.notes_race(race_client, [tokens["medlem1@example.dk"], tokens["medlem2@example.dk"]], args.rounds),
        races.new_practices_race(race_client, tokens["vc@example.dk"], editors, args.rounds),
        races.updates_race(race_client, tokens["vc@example.dk"], editors, args.rounds),
    ]
    fault_client = Client(client.base)
    faults_line = fault_phase(fault_client, tokens, editors, accepted, content, data)

    pending_before = len(OwnedDB(data).all("SELECT id FROM outbox WHERE done_at IS NULL"))
    repair = reconcile(content, data)
    report = check(content, data)
    lost, redone = verify(accepted, content, data, client)
    races.count_losses(race_results, content)
    race_lost = sum(len(r.lost) for r in race_results)

    lat = sorted(client.latencies)
    q = statistics.quantiles(lat, n=100) if len(lat) > 1 else [0] * 99
    statuses = dict(sorted(client.statuses.items(), key=lambda kv: str(kv[0])))
    server_errors = sum(n for s, n in client.statuses.items() if isinstance(s, int) and s >= 500)
    server_errors += sum(n for s, n in race_client.statuses.items() if isinstance(s, int) and s >= 500)
    server_errors += sum(n for s, n in fault_client.statuses.items() if isinstance(s, int) and s >= 500 and s != 503)
    retried = sum(1 for tag in accepted.values() if tag.startswith("heldtag"))
    conn_errors = client.statuses.get("connection-error", 0)
    p50, p95, worst = slow.quantiles()
    print(
        f"requests served        {sum(client.statuses.values())} in {wall:.1f} s with {clients} clients "
        f"({sum(client.statuses.values()) / wall:.0f}/s; with verification), then {len(slow.latencies_ms)} "
        f"beside slow clients, {sum(race_client.statuses.values())} in races "
        f"({dict(race_client.statuses)}) and {sum(fault_client.statuses.values())} during faults"
    )
    print(f"status counts          {statuses}")
    print(f"latency p50/p95/p99    {q[49]:.0f} / {q[94]:.0f} / {q[98]:.0f} ms")
    print(
        f"slow clients           {args.slow} slow bodies (1 byte/s) + {args.slow} slow readers for "
        f"{args.slow_seconds:.0f} s: readers p50/p95/max {p50:.0f} / {p95:.0f} / {worst:.0f} ms, "
        f"statuses {slow.statuses}"
    )
    print(f"faults injected        1 worker killed with SIGKILL (pid {killed['pid']}); {faults_line}")
    print(
        f"submissions accepted   {len(accepted) - retried} of {args.submissions} in the load, "
        f"{retried} of 2 retried after the held lock"
    )
    print(f"left in outbox         {pending_before} (published by reconcile: {len(repair.repaired)})")
    print(f"approvals redone       {redone} (their request died with the worker before it was recorded)")
    print(f"server errors (500s)   {server_errors}; connection errors (killed requests) {conn_errors}")
    for r in race_results:
        print(f"race: {r.line()}")
        for item in r.lost[:4]:
            print(f"      lost {item}")
    accepted_races = sum(len(r.accepted) for r in race_results)
    print(
        f"races                  {sum(r.rounds for r in race_results)} run, {accepted_races} writes accepted, "
        f"{race_lost} lost"
    )
    print(f"integrity check        {'clean' if report.ok else report.problems}")
    print(f"items lost             {len(lost) + race_lost}" + (f": {lost}" if lost else ""))
    return 0 if (not lost and not race_lost and report.ok and server_errors == 0 and killed["pid"]) else 1


HOLD_S = 12  # longer than the owned database's 10 s busy timeout


def fault_phase(client: Client, tokens: dict, editors: list[str], accepted: dict, content: Path, data: Path) -> str:
    """Faults a running portal meets, each answered and then repaired; returns a line for the report."""
    # 1. Another process holds the owned database's write lock past the busy timeout.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sqlite3, sys\n"
                f"c = sqlite3.connect({str(data / 'owned.db')!r}, isolation_level=None)\n"
                "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); sys.stdin.readline(); c.execute('ROLLBACK')\n"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    held_statuses: Counter = Counter()
    reads: Counter = Counter()
    try:
        holder.stdout.readline()
        deadline = time.monotonic() + HOLD_S
        with ThreadPoolExecutor(max_workers=2) as pool:
            posts = [
                pool.submit(
                    client.request,
                    "POST",
                    "/api/submissions",
                    PRACTICE.format(n=9000 + i, tag=f"heldtag{i}", kommune="Ishøj").encode(),
                    {
                        "Authorization": f"Bearer {tokens['vc@example.dk']}",
                        "Content-Type": "text/markdown; charset=utf-8",
                    },
                )
                for i in range(2)
            ]
            while time.monotonic() < deadline and not all(p.done() for p in posts):
                reads[client.request("GET", "/erfaringer")[0]] += 1
                time.sleep(0.2)
            for p in posts:
                held_statuses[p.result()[0]] += 1
    finally:
        holder.communicate("go\n", timeout=30)
    for i in range(2):  # what the clients do next: retry, and now it is accepted
        status, payload = client.request(
            "POST",
            "/api/submissions",
            PRACTICE.format(n=9000 + i, tag=f"heldtag{i}", kommune="Ishøj").encode(),
            {"Authorization": f"Bearer {tokens['vc@example.dk']}", "Content-Type": "text/markdown; charset=utf-8"},
        )
        if status == 201:
            sid = json.loads(payload)["id"]
            accepted[sid] = f"heldtag{i}"
            client.request("POST", f"/api/submissions/{sid}/approve", b"", {"Authorization": f"Bearer {editors[0]}"})
    # 2. The live index's table of contents vanishes under the running workers.
    from portal.generations import current_generation

    gen = current_generation(data)
    for path in gen.index_path.iterdir():
        if path.suffix == ".toc" or path.name == "meta.json":
            path.unlink()
    vanished = Counter(client.request("GET", "/api/search?q=flygtninge")[0] for _ in range(4))
    pages = Counter(client.request("GET", "/erfaringer/bydelsmoedrene")[0] for _ in range(4))
    ingest(content, data)  # the repair: a rebuild from the files
    after = Counter(client.request("GET", "/api/search?q=flygtninge")[0] for _ in range(4))
    return (
        f"write lock held {HOLD_S} s: submissions {dict(held_statuses)}, pages meanwhile {dict(reads)}, "
        f"retried and accepted afterwards; index TOC removed: searches {dict(vanished)}, "
        f"pages {dict(pages)}, after ingest {dict(after)}"
    )


def worker_pid(master: int) -> int | None:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return None
    return int(children[0]) if children else None


def verify(accepted: dict[str, str], content: Path, data: Path, client: Client) -> tuple[list[str], int]:
    """Every accepted submission: approved in owned.db, a file, in the database and found by search."""
    import sqlite3

    from portal.generations import current_generation

    db = OwnedDB(data)
    gen = current_generation(data)
    conn = sqlite3.connect(f"file:{gen.db_path}?mode=ro", uri=True)
    lost, redone = [], 0
    try:
        for sid, tag in accepted.items():
            sub = db.one("SELECT status, slug FROM submissions WHERE id = ?", (sid,))
            if sub is None:
                lost.append(f"{sid}: not in owned.db")
                continue
            if sub["status"] != "approved":
                # its approval request may have died with the worker: approve it now, as an editor would
                db.close()
                db = OwnedDB(data)
                from portal import submissions

                editor = accounts.get_user(db, "red1@example.dk")
                submissions.approve(db, editor, sid, content, data)
                redone += 1
            if not (content / "practices" / f"{sub['slug']}.md").exists():
                lost.append(f"{sid}: no file")
            if not conn.execute("SELECT 1 FROM items WHERE id = ?", (f"practice:{sub['slug']}",)).fetchone():
                lost.append(f"{sid}: not in the database")
            status, payload = client.request("GET", f"/api/search?q={tag}")
            if status != 200 or sub["slug"] not in [r["id"] for r in json.loads(payload)["results"]]:
                lost.append(f"{sid}: not found by search ({status})")
    finally:
        conn.close()
        db.close()
    return lost, redone


if __name__ == "__main__":
    sys.exit(main())
