"""Run the real ingest of a bench corpus in its own process; record time and peak memory.

``python -m bench.ingest_step CONTENT_DIR DATA_DIR`` runs
``portal.ingest.ingest(CONTENT_DIR, DATA_DIR)`` and writes ``DATA_DIR/ingest.json``
(seconds, peak RSS, counts). ``bench.run`` calls it as a subprocess so the
ingest's memory does not inflate the RSS of the search measurements, and so
``--reuse-ingest`` can pick up the figures of an earlier run.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path


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


def run(content_dir: Path, data_dir: Path) -> dict:
    from portal.ingest import ingest

    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    started = time.monotonic()
    report = ingest(content_dir, data_dir)
    wall = time.monotonic() - started
    manifest = json.loads((content_dir / "MANIFEST.json").read_text())
    result = {
        "seconds": report.seconds,
        "wall_seconds": wall,
        "counts": report.counts,
        "generation": report.generation.name,
        "peak_rss_kb": proc_kb("VmHWM"),
        "corpus": manifest,
        # This process's CPU time, and with the processes the ingest forked
        # (Markdown rendering, Whoosh's per-core writers; all waited for).
        "cpu_seconds_self": sum(os.times()[:2]),
        "cpu_seconds": sum(os.times()[:4]),
        "finished_at": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    (data_dir / "ingest.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    print(json.dumps(run(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())))
