"""search_index.workers: results in order from a bounded window, failures as
errors (never a wait for ever), and workers that do not inherit the caller's
threads -- the cause of a 90-minute CI hang when they were forked."""

from __future__ import annotations

import os
import threading

import pytest
from worker_faults import LOCK, fails_on_three, square, square_logged, stuck_on_one, with_lock

from search_index import workers
from search_index.workers import WorkerFailed, ordered_map


def test_results_come_in_order_and_the_tasks_are_read_a_window_at_a_time(tmp_path):
    log = tmp_path / "taken"
    pulled = []

    def tasks():
        for n in range(40):
            pulled.append(n)
            yield (n, str(log))

    results = ordered_map(square_logged, tasks(), procs=2, window=3)
    first = next(results)
    assert first == 0
    assert len(pulled) <= 4  # the window, and the one sent for the result taken
    assert [first, *results] == [n * n for n in range(40)]
    assert sorted(int(line) for line in log.read_text().split()) == list(range(40))  # each task done once


def test_an_error_of_the_work_reaches_the_caller_as_itself():
    with pytest.raises(ValueError, match="tre er ikke tilladt"):
        list(ordered_map(fails_on_three, range(10), procs=2, window=2))


def test_a_worker_that_dies_is_an_error_not_a_wait():
    with pytest.raises(WorkerFailed, match="stoppede uventet"):
        list(ordered_map(os._exit, [0, 0, 0], procs=2, window=2))


def test_a_worker_that_does_not_answer_is_an_error_and_is_stopped(tmp_path):
    pid_file = tmp_path / "stuck.pid"
    with pytest.raises(WorkerFailed, match="svarede ikke inden for 5 s"):
        list(
            ordered_map(
                stuck_on_one, [(0, str(pid_file)), (1, str(pid_file)), (2, str(pid_file))], procs=2, window=3, timeout=5
            )
        )
    with pytest.raises(ProcessLookupError):  # killed, not left waiting
        os.kill(int(pid_file.read_text()), 0)


@pytest.fixture
def lock_held_by_a_thread():
    """worker_faults.LOCK, held by another thread of this process during the test."""
    release, holding = threading.Event(), threading.Event()

    def hold():
        with LOCK:
            holding.set()
            release.wait(120)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert holding.wait(10)
    yield
    release.set()
    thread.join()


def test_a_lock_held_by_another_thread_of_the_caller_does_not_reach_the_workers(lock_held_by_a_thread):
    """A thread of this process holds a lock the work takes. A forked worker
    would inherit it held and wait for ever; a clean worker does not."""
    assert list(ordered_map(with_lock, range(6), procs=2, window=2, timeout=20)) == list(range(6))


def test_the_lock_test_fails_with_forked_workers(lock_held_by_a_thread, monkeypatch):
    """The test above can fail: with fork as the start method, the same work
    stops answering (and that is reported, not waited for)."""
    import multiprocessing

    fork = multiprocessing.get_context("fork")
    monkeypatch.setattr(workers.multiprocessing, "get_context", lambda method: fork)
    with pytest.raises(WorkerFailed, match="svarede ikke"):
        list(ordered_map(with_lock, range(6), procs=2, window=2, timeout=3))


def test_no_tasks_and_one_task():
    assert list(ordered_map(square, [], procs=2, window=2)) == []
    assert list(ordered_map(square, [7], procs=2, window=2)) == [49]


def test_where_no_worker_can_start_the_work_runs_here_whole(monkeypatch, caplog):
    """The fork server listens on a socket whose path must be short: under a deep
    TMPDIR it cannot start (OSError: AF_UNIX path too long). The work is then
    done in this process, in order, and the log says why."""
    from multiprocessing import forkserver

    def refuse():
        raise OSError("AF_UNIX path too long")

    monkeypatch.setattr(forkserver, "ensure_running", refuse)
    with caplog.at_level("WARNING", logger="search_index.workers"):
        assert list(ordered_map(square, range(7), procs=2, window=2)) == [n * n for n in range(7)]
    assert "AF_UNIX path too long" in caplog.text


def test_a_worker_that_cannot_be_started_is_an_error_not_a_traceback(monkeypatch):
    """The fork server runs, but starting a worker fails (out of memory, the
    process limit): the map ends with WorkerFailed, which the ingest reports."""
    from concurrent.futures import ProcessPoolExecutor

    def no_worker(self, *args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", no_worker)
    with pytest.raises(WorkerFailed, match="kunne ikke startes"):
        list(ordered_map(square, range(3), procs=2, window=2))
