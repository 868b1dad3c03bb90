"""Work spread over worker processes that start clean, results in order.

Both the ingest (read, render, analyse each file) and tantivy's full build
(analyse each document) hand chunks of work to a few processes and consume
the results in order while the next chunks are being made. :func:`ordered_map`
is that loop, once.

The workers come from multiprocessing's *fork server*: a fresh interpreter,
started once per process, from which each worker is forked. They never
inherit the caller's threads. Forking a process that has threads (tantivy's
searchers and writers, a web server's, a test runner's) copies only the
forking thread, with every lock another thread held at that instant held
forever: a worker can then wait on such a lock and never answer. CI once
hung for 90 minutes in tantivy's parallel build, whose workers were forked
from the test runner while ten other threads (seven of tantivy's) were
alive; like such hangs, it did not recur in local runs. Python 3.14 made the
fork server the default on Linux for this reason. (Whoosh's own per-core
writers, in engine_whoosh, still fork: that is inside the library, and
their children run only Python.)

So nothing reaches a worker by inheritance: the function, its arguments and
``initargs`` are pickled (module-level functions and plain data), and each
worker loads its own word lists on first use (~0.2 s, ~60 MB).

A worker that dies, or gives no result within ``timeout`` seconds, ends the
whole map with :class:`WorkerFailed`, and the pool's workers are stopped: the
caller fails cleanly instead of waiting for ever. Where no pool can start
(the fork server's socket path too long under a deep TMPDIR, no /dev/shm for
its semaphores), the work runs in this process instead, slower but whole,
with a warning in the log. Flask-free.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import forkserver
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

__all__ = ["WorkerFailed", "ordered_map", "RESULT_TIMEOUT"]

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

#: Seconds to wait for any one result. A chunk takes well under a second
#: (50 files, 100 documents); this only turns a stuck worker into an error.
RESULT_TIMEOUT = 300.0


_DIED = "en arbejdsproces stoppede uventet (for lidt hukommelse?)"


class WorkerFailed(RuntimeError):
    """A worker process died or did not answer; the work was abandoned. The
    message is Danish and says which (it is shown to whoever ran the ingest)."""


def ordered_map(
    fn: Callable[[T], R],
    tasks: Iterable[T],
    *,
    procs: int,
    window: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple = (),
    preload: Sequence[str] = (),
    timeout: float | None = None,
) -> Iterator[R]:
    """``fn(task)`` for every task of the stream ``tasks``, in their order,
    computed in ``procs`` worker processes with at most ``window`` tasks in
    flight (the stream is read as results are taken, never held whole).

    ``preload`` names modules the fork server imports once, so that each
    worker starts with them. An exception raised by ``fn`` reaches the caller
    as itself; a dead or silent worker as :class:`WorkerFailed`. Closing the
    iterator early stops the workers."""
    timeout = RESULT_TIMEOUT if timeout is None else timeout
    context = multiprocessing.get_context("forkserver")
    try:
        if preload:
            # Only takes effect when this process starts its fork server (the
            # first pool); later pools share that server and what it imported.
            context.set_forkserver_preload(list(preload))
        if context.get_start_method() == "forkserver":
            forkserver.ensure_running()
        pool = ProcessPoolExecutor(max_workers=procs, mp_context=context, initializer=initializer, initargs=initargs)
    except OSError as exc:
        log.warning("no worker processes (%s): the work runs in this process", exc)
        if initializer is not None:
            initializer(*initargs)
        yield from map(fn, tasks)
        return
    clean = False
    try:
        todo = iter(tasks)
        pending: deque = deque()
        for task in todo:
            pending.append(_submit(pool, fn, task))
            if len(pending) >= window:
                break
        while pending:
            result = _result(pending.popleft(), timeout)
            for task in todo:  # one more in, for the one taken out
                pending.append(_submit(pool, fn, task))
                break
            yield result
        clean = True
    finally:
        _stop(pool, clean)


def _submit(pool: ProcessPoolExecutor, fn, task):
    try:
        return pool.submit(fn, task)
    except BrokenProcessPool:
        raise WorkerFailed(_DIED) from None
    except (OSError, EOFError) as exc:  # the fork server could not start a worker (memory, process limit)
        raise WorkerFailed(f"en arbejdsproces kunne ikke startes ({exc})") from None


def _result(future, timeout: float):
    try:
        return future.result(timeout=timeout)
    except BrokenProcessPool:
        raise WorkerFailed(_DIED) from None
    except FutureTimeout:
        raise WorkerFailed(f"en arbejdsproces svarede ikke inden for {timeout:g} s") from None


def _stop(pool: ProcessPoolExecutor, clean: bool) -> None:
    if clean:
        pool.shutdown(wait=True)
        return
    # Abandoned (an error here or in the caller, or the caller stopped reading):
    # queued tasks are dropped and the workers ended now rather than awaited, as
    # one may be the stuck one. concurrent.futures has no public handle on its
    # processes; ``_processes`` has been there since 3.2.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(10)
    pool.shutdown(wait=True)
