"""Stand-ins for the work of the ingest's worker processes, for tests.

Workers start clean (search_index.workers): what runs there is pickled by
name, so a test cannot hand them a closure or rely on a monkeypatch made in
its own process. These module-level callables can be sent. What they count
or record goes to files, which every process sees."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from portal.ingest_work import prepare_file

#: Held by a thread of the test process in test_workers.py. A worker forked from
#: that process would inherit it locked and wait for ever; a clean one does not.
LOCK = threading.Lock()


class CountsReads:
    """prepare_file that first adds one byte to ``counter`` (an append of one
    byte is atomic), so the test reads how many files have been read."""

    def __init__(self, counter: Path) -> None:
        self.counter = str(counter)

    def __call__(self, kind: str, path: str, engine: str):
        fd = os.open(self.counter, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, b".")
        finally:
            os.close(fd)
        return prepare_file(kind, path, engine)


def reads(counter: Path) -> int:
    return counter.stat().st_size if counter.exists() else 0


class DiesOn:
    """prepare_file, except that the worker process ends (as the kernel's OOM
    killer would end it) on the file whose name ends with ``name``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, kind: str, path: str, engine: str):
        if path.endswith(self.name):
            os._exit(9)
        return prepare_file(kind, path, engine)


class HangsOn:
    """prepare_file, except that on the file ending with ``name`` the worker
    writes its process id to ``pid_file`` and never answers."""

    def __init__(self, name: str, pid_file: Path) -> None:
        self.name, self.pid_file = name, str(pid_file)

    def __call__(self, kind: str, path: str, engine: str):
        if path.endswith(self.name):
            Path(self.pid_file).write_text(str(os.getpid()))
            while True:
                time.sleep(60)
        return prepare_file(kind, path, engine)


def stuck_on_one(task: tuple[int, str]) -> int:
    """n, except for n == 1: the worker writes its process id to the file
    ``task[1]`` and never answers."""
    n, pid_file = task
    if n == 1:
        Path(pid_file).write_text(str(os.getpid()))
        while True:
            time.sleep(60)
    return n


def square(n: int) -> int:
    return n * n


def square_logged(task: tuple[int, str]) -> int:
    """n², after adding a line for n to the file ``log`` (what the workers took)."""
    n, log = task
    with open(log, "a", encoding="utf-8") as fh:
        fh.write(f"{n}\n")
    return n * n


def fails_on_three(n: int) -> int:
    if n == 3:
        raise ValueError("tre er ikke tilladt (testfejl)")
    return n


def with_lock(n: int) -> int:
    with LOCK:
        return n
