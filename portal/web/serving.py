"""The production server: one command, used by ``make serve``, the browser tests and the benches.

Why this shape (measured in docs/reliability.md, "Slow clients"):

- gunicorn's **sync** workers hand a connection to the application as soon as
  the headers are in, so a body trickling in at 1 byte/s holds a whole worker:
  six such clients froze both workers until the 30 s timeout.
- **gthread** moves the wait to a thread, but still one thread per slow client;
  **gevent** would block on SQLite's busy-wait, which runs in C and never yields.
- **waitress** reads each request completely (body spooled to a temp file past
  512 kB) in its event loop before a thread sees it, and sends responses from
  its buffers, so slow bodies and slow readers cost a socket, not a thread. But
  it is one process, one core under the GIL.

So the two are combined: gunicorn's master keeps what it is good at (two worker
processes on a shared socket, restarting a killed one, graceful stop), and each
worker runs waitress's buffering loop and thread pool on the inherited socket
(:class:`BufferingWorker`). The worker's heartbeat comes from that loop, which
never runs application code, so a slow request does not get a healthy worker
killed, and a dead loop does.

``python -m portal.web.serving [--host H] [--port P]`` checks the port first (a
taken port gets a clear message and exit status 1, not gunicorn's retries) and
prints where it listens only once gunicorn has bound it (``when_ready``).
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys
import time
from pathlib import Path

from gunicorn.workers.base import Worker

WORKERS = 2
THREADS = 4  # per worker: requests the application runs at once (the rest wait, fully read, in the loop)
TIMEOUT = 30  # seconds without a heartbeat from a worker's loop before the master replaces it
LOOP_TICK = 1.0  # seconds; how often the loop wakes up to send the heartbeat when idle
ROOT = Path(__file__).resolve().parent.parent.parent


def server_command(
    host: str = "127.0.0.1",
    port: int = 8000,
    *,
    workers: int = WORKERS,
    worker_class: str = "portal.web.serving.BufferingWorker",
    extra: list[str] | None = None,
) -> list[str]:
    """The argv of the production server (gunicorn with :class:`BufferingWorker`). Run it in the project root.

    ``worker_class="sync"`` is only for the bench's comparison with gunicorn's plain workers.
    gunicorn's control socket is off: it is one path per user, which the tests' and benches'
    servers running side by side would fight over.
    """
    gunicorn = Path(sys.executable).with_name("gunicorn")
    argv = [
        str(gunicorn),
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--bind",
        f"{host}:{port}",
        "--timeout",
        str(TIMEOUT),
        "--no-control-socket",
        "--config",
        "python:portal.web.serving",
    ]
    return argv + list(extra or []) + ["app:app"]


def when_ready(server) -> None:  # a gunicorn server hook (this module is also its config)
    """Said once gunicorn listens, never before: the address a user can open."""
    for listener in server.LISTENERS:
        host, port = listener.sock.getsockname()[:2]
        if host in ("0.0.0.0", "::"):  # every interface: name one a browser can open
            print(
                f"Portalen kører på http://127.0.0.1:{port}/ og på alle maskinens adresser (stop med Ctrl+C)",
                flush=True,
            )
        else:
            print(f"Portalen kører på http://{host}:{port}/ (stop med Ctrl+C)", flush=True)


class BufferingWorker(Worker):
    """A gunicorn worker that serves with waitress's buffering server (see the module docstring)."""

    def run(self) -> None:
        from waitress import wasyncore
        from waitress.server import create_server

        max_body = int(getattr(self.wsgi, "config", {}).get("MAX_CONTENT_LENGTH") or 2 * 1024 * 1024)
        sock_map: dict = {}
        app = self._access_logged(self.wsgi) if self.log.access_log_enabled else self.wsgi
        server = create_server(
            app,
            map=sock_map,
            sockets=[s.sock for s in self.sockets],
            threads=THREADS,
            # A body over the application's limit is refused while it arrives (413), not spooled first.
            max_request_body_size=max_body + 64 * 1024,
            channel_timeout=60,  # a connection silent this long is closed (slow but active ones are harmless)
            ident="hvad-virker",
            expose_tracebacks=False,
        )
        try:
            while self.alive:
                self.notify()
                if self.ppid != os.getppid():  # the master is gone: stop, as gunicorn's own workers do
                    self.log.info("Parent changed, shutting down: %s", self)
                    break
                wasyncore.loop(timeout=LOOP_TICK, map=sock_map, use_poll=True, count=1)
        finally:
            self._drain(server, sock_map, wasyncore)
            server.task_dispatcher.shutdown(timeout=1)
            wasyncore.close_all(sock_map)

    def _drain(self, server, sock_map: dict, wasyncore) -> None:
        """A graceful stop: accept nothing new (the socket stays with the other workers), finish the
        requests already read, and send their answers, so a write that was committed is also told
        to its client. Bounded by gunicorn's graceful timeout (the master kills us after it anyway)."""
        from waitress.channel import HTTPChannel

        server.accepting = False
        deadline = time.monotonic() + max(1.0, float(self.cfg.graceful_timeout) - 1.0)
        while time.monotonic() < deadline:
            channels = [c for c in list(sock_map.values()) if isinstance(c, HTTPChannel)]
            if not any(c.requests or c.total_outbufs_len for c in channels):
                return
            self.notify()
            wasyncore.loop(timeout=0.1, map=sock_map, use_poll=True, count=1)

    def _access_logged(self, app):
        """gunicorn's access log (``--access-logfile``), which only its own workers write:
        one line per request, with the time the application took."""
        access = self.log.access_log

        def logged(environ, start_response):
            started, seen = time.monotonic(), {}

            def start(status, headers, exc_info=None):
                seen["status"] = status.split(" ", 1)[0]
                return start_response(status, headers, exc_info)

            try:
                return app(environ, start)
            finally:
                query = environ.get("QUERY_STRING")
                access.info(
                    '%s "%s %s%s" %s %.0f ms',
                    environ.get("REMOTE_ADDR", "-"),
                    environ.get("REQUEST_METHOD"),
                    environ.get("PATH_INFO"),
                    f"?{query}" if query else "",
                    seen.get("status", "-"),
                    (time.monotonic() - started) * 1000,
                )

        return logged


def port_problem(host: str, port: int) -> str | None:
    """Why gunicorn could not listen on host:port, in words a user can act on (None: it can)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return f"adressen {host} kan ikke bruges ({exc.strerror}); sæt HOST, fx HOST=127.0.0.1"
    family, kind, proto, _name, addr = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn does
        try:
            probe.bind(addr)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"port {port} på {host} er optaget af et andet program (kører portalen allerede?). "
                    f"Stop det, eller vælg en anden port: make serve PORT={port + 1}"
                )
            if exc.errno == errno.EACCES:
                return f"port {port} kræver særlige rettigheder; vælg en port over 1023, fx make serve PORT=8000"
            return f"kan ikke lytte på {host}:{port}: {exc.strerror}"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m portal.web.serving", description="Start the production server.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    args = parser.parse_args(argv)
    problem = port_problem(args.host, args.port)
    if problem:
        print(f"Portalen kan ikke starte: {problem}", file=sys.stderr)
        return 1
    command = server_command(args.host, args.port, extra=["--access-logfile", "-"])
    os.chdir(ROOT)
    os.execv(command[0], command)  # gunicorn takes over this process (signals, exit status)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
