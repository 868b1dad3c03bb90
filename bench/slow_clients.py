"""Slow clients against a running server, and what readers feel meanwhile.

Used by the load-and-fault run (``bench/load_fault.py``) and by
``tests/test_serving.py``. A *slow body* announces a request body and sends it
one byte a second; a *slow reader* asks for a large answer and reads it a few
bytes a second through a tiny receive buffer. While they run, a reader fetches
pages and searches one after another and records each latency. Every loop is
bounded by a deadline; every socket is closed at the end.
"""

from __future__ import annotations

import socket
import statistics
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

READER_PATHS = ["/", "/api/search?q=mentor", "/erfaringer", "/api/search?q=flygtninge"]
SLOW_READER_PATH = "/api/search?q=&per_page=100"


@dataclass
class SlowResult:
    slow_bodies: int
    slow_readers: int
    seconds: float
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict = field(default_factory=dict)

    def quantiles(self) -> tuple[float, float, float]:
        lat = sorted(self.latencies_ms)
        if len(lat) < 2:
            return (lat[0], lat[0], lat[0]) if lat else (0.0, 0.0, 0.0)
        q = statistics.quantiles(lat, n=100)
        return q[49], q[94], lat[-1]

    def line(self) -> str:
        p50, p95, worst = self.quantiles()
        return (
            f"{len(self.latencies_ms)} reads in {self.seconds:.0f} s beside {self.slow_bodies} slow bodies and "
            f"{self.slow_readers} slow readers: p50/p95/max {p50:.0f} / {p95:.0f} / {worst:.0f} ms; "
            f"statuses {self.statuses}"
        )


def _slow_body(host: str, port: int, stop: threading.Event) -> None:
    """A sign-in form whose body arrives one byte a second (never finished before ``stop``).

    A form, because the CSRF check reads the whole body before any view runs."""
    try:
        with socket.create_connection((host, port), timeout=5) as s:
            s.sendall(
                b"POST /log-ind HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\n"
            )
            while not stop.wait(1.0):
                s.sendall(b"x")
    except OSError:
        pass  # the server may close a connection it finds too slow: that is its right


def _slow_reader(host: str, port: int, stop: threading.Event) -> None:
    """A large answer read a few bytes a second through a 4 kB receive buffer."""
    try:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(5)
        with s:
            s.connect((host, port))
            s.sendall(f"GET {SLOW_READER_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            while not stop.wait(1.0):
                if not s.recv(16):
                    return
    except OSError:
        pass


def _read(base: str, path: str, timeout: float) -> tuple[object, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(base + path, timeout=timeout) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, OSError):
        status = "timeout/error"
    return status, (time.perf_counter() - started) * 1000


def slow_phase(
    base: str, *, slow_bodies: int = 6, slow_readers: int = 6, seconds: float = 15.0, read_timeout: float = 35.0
) -> SlowResult:
    """Run the slow clients for ``seconds`` while one reader measures; returns the reader's figures."""
    host, port = base.split("//", 1)[1].split(":")
    port_n = int(port.rstrip("/"))
    stop = threading.Event()
    threads = [threading.Thread(target=_slow_body, args=(host, port_n, stop), daemon=True) for _ in range(slow_bodies)]
    threads += [
        threading.Thread(target=_slow_reader, args=(host, port_n, stop), daemon=True) for _ in range(slow_readers)
    ]
    for t in threads:
        t.start()
    time.sleep(1.5)  # let every slow client be connected and holding whatever it holds
    result = SlowResult(slow_bodies, slow_readers, seconds)
    deadline = time.monotonic() + seconds
    n = 0
    try:
        while time.monotonic() < deadline:
            status, ms = _read(base, READER_PATHS[n % len(READER_PATHS)], read_timeout)
            result.latencies_ms.append(ms)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            n += 1
            time.sleep(0.05)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=10)
    return result
