"""Run the real ingest of a bench corpus in its own process; record time and peak memory.

``python -m bench.ingest_step CONTENT_DIR DATA_DIR`` runs
``portal.ingest.ingest(CONTENT_DIR, DATA_DIR)`` and writes ``DATA_DIR/ingest.json``
(seconds, peak memory, counts).

Peak memory is of the whole process tree, since the ingest forks workers
(Markdown rendering, index writers) whose memory the parent's own VmHWM never
sees: a sampler thread walks this process and its descendants every
``SAMPLE_S`` and records the largest sum of their PSS (proportional set size:
a page shared by a forked child and its parent is counted once, split between
them) and of their RSS (shared pages counted in every process: an upper
bound). ``getrusage(RUSAGE_CHILDREN)`` adds the largest single child's peak,
which a short-lived child between two samples cannot escape. The same samples
give the tree's CPU time: each descendant's own user+system time as last
seen (the workers are the fork server's children, never waited for here, so
``os.times()`` does not see them; a sample's interval at most is missed per
process). ``bench.run`` calls it as a subprocess so the
ingest's memory does not inflate the RSS of the search measurements, and so
``--reuse-ingest`` can pick up the figures of an earlier run.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import threading
import time
from pathlib import Path

SAMPLE_S = 0.2


def proc_kb(field: str, pid: str | int = "self") -> int | None:
    """A ``/proc/<pid>/status`` field in kB (VmRSS, VmHWM), or None."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def tree(pid: int) -> list[int]:
    """``pid`` and all its descendants (from /proc/<pid>/task/*/children)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:  # gone meanwhile
            continue
    return out


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU time of the process itself, in clock ticks (/proc/<pid>/stat), or None."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the line)


def pss_kb(pid: int) -> int | None:
    """Proportional set size of a process in kB (/proc/<pid>/smaps_rollup), or None."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


class TreeSampler:
    """Samples the memory of this process tree in a thread until stopped; keeps the peaks."""

    def __init__(self, interval: float = SAMPLE_S):
        self.interval = interval
        self.peak_pss_kb = 0
        self.peak_rss_kb = 0
        self.peak_processes = 0
        self.samples = 0
        self._ticks: dict[int, int] = {}  # descendant pid -> its CPU ticks when last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(self.interval):
                return

    def sample(self) -> None:
        pids = tree(os.getpid())
        self.peak_pss_kb = max(self.peak_pss_kb, sum(pss_kb(p) or 0 for p in pids))
        self.peak_rss_kb = max(self.peak_rss_kb, sum(proc_kb("VmRSS", p) or 0 for p in pids))
        self.peak_processes = max(self.peak_processes, len(pids))
        for pid in pids[1:]:
            ticks = cpu_ticks(pid)
            if ticks is not None:
                self._ticks[pid] = max(ticks, self._ticks.get(pid, 0))
        self.samples += 1

    def descendants_cpu_seconds(self) -> float:
        return sum(self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def result(self) -> dict:
        return {
            "peak_tree_pss_kb": self.peak_pss_kb,
            "peak_tree_rss_kb": self.peak_rss_kb,
            "peak_tree_processes": self.peak_processes,
            # ru_maxrss is in kB on Linux: the largest peak of any one waited-for child
            "peak_child_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
            "memory_samples": self.samples,
        }


def run(content_dir: Path, data_dir: Path) -> dict:
    from portal.ingest import ingest

    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    started = time.monotonic()
    with TreeSampler() as sampler:
        report = ingest(content_dir, data_dir)
    wall = time.monotonic() - started
    manifest = json.loads((content_dir / "MANIFEST.json").read_text())
    result = {
        "seconds": report.seconds,
        "wall_seconds": wall,
        "counts": report.counts,
        "generation": report.generation.name,
        "peak_rss_kb": proc_kb("VmHWM"),  # this process alone
        **sampler.result(),
        "corpus": manifest,
        # This process's CPU time, and with its worker processes (the ingest's
        # and Whoosh's per-core writers), as sampled.
        "cpu_seconds_self": sum(os.times()[:2]),
        "cpu_seconds": round(sum(os.times()[:2]) + sampler.descendants_cpu_seconds(), 2),
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    # The headline: the tree's sampled peak PSS, never below the parent's own peak or any one child's
    # (either may peak between two samples).
    result["peak_memory_kb"] = max(result["peak_tree_pss_kb"], result["peak_rss_kb"] or 0, result["peak_child_rss_kb"])
    (data_dir / "ingest.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(json.dumps(run(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())))
