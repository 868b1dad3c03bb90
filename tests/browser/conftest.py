"""One portal for the whole browser suite: the shipped content copied and ingested,
users made with the command line, the production server (gunicorn, two workers) on a
free port, and one Chromium driven by Playwright with one page per kind of user.

Locally a missing Chromium or Java skips the tests that need it, with the reason;
with ``CI`` set it fails them instead: CI must run them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from portal.web import create_app
from portal.web.serving import server_command

from conftest import PASSWORD, close_site, make_site, run_cli

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"
SCREENSHOTS = ROOT / "screenshots"
CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SERVER_START_TIMEOUT = 30  # seconds until gunicorn must answer
SERVER_STOP_TIMEOUT = 10  # seconds for a graceful stop before SIGKILL

USERS = {
    # role: (email, extra `users add` arguments)
    "contributor": ("videnscenter@example.dk", ["--role", "contributor", "--organisation", "Videnscenter Test"]),
    "editor": ("redaktoer@example.dk", ["--role", "editor"]),
    "member": ("leder@broendby.example.dk", ["--role", "contributor", "--network", "vestegnen"]),
}

PENDING = """---
title: Sprogcafé for nyankomne i Albertslund
kommuner: [Albertslund]
evidence: ikke-evalueret
source: Testmateriale, ingen rigtig kilde
topics: [sprog, frivillighed]
---
## Sådan gør vi

Frivillige holder sprogcafé hver torsdag. (Testindhold til redaktionens kø.)
"""


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def require(ok: bool, reason: str) -> None:
    """Skip locally when a tool is missing; fail under CI, which must run these tests."""
    if ok:
        return
    if in_ci():
        pytest.fail(f"{reason} (CI is set: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@dataclass
class Site:
    content: Path
    data: Path
    emails: dict[str, str]
    pending_sid: str
    pending_title: str
    base_url: str = ""
    extra: dict = field(default_factory=dict)

    def app(self):
        return create_app(
            {
                "TESTING": True,
                "DATA_DIR": str(self.data),
                "CONTENT_DIR": str(self.content),
                "SESSION_COOKIE_SECURE": False,
            }
        )


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Site:
    """The shipped content in a tmp dir, ingested, with users and one pending submission."""
    root = tmp_path_factory.mktemp("browser-site")
    content, data = root / "content", root / "data"
    app = make_site(root)
    try:
        for email, args in USERS.values():
            run_cli(app, "users", "add", email, *args)
            run_cli(app, "users", "password", email, "--password", PASSWORD)
        token = run_cli(app, "users", "token", USERS["contributor"][0]).strip().splitlines()[-1]
        created = app.test_client().post(
            "/api/submissions",
            data=PENDING.encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"},
        )
        assert created.status_code == 201, created.get_data(as_text=True)
        sid = created.get_json()["id"]
        # content/'s version history, as the first publication starts it: the shipped files are its first version
        from portal import versions
        from portal.owned import OwnedDB

        owned = OwnedDB(data)
        versions.before_writes(owned, content)
        owned.close()
        rev = versions.log(content, "practice", "bydelsmoedrene")[0]["rev"][:12]
    finally:
        close_site(app)
    return Site(
        content,
        data,
        {role: email for role, (email, _a) in USERS.items()},
        sid,
        "Sprogcafé for nyankomne i Albertslund",
        extra={"rev": rev},
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def live_server(site, tmp_path_factory) -> str:
    """The real production server: gunicorn with two workers, stopped at the end."""
    port = _free_port()
    env = os.environ | {
        "PORTAL_DATA_DIR": str(site.data),
        "PORTAL_CONTENT_DIR": str(site.content),
        "PORTAL_SESSION_COOKIE_SECURE": "false",
    }
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            server_command("127.0.0.1", port),
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _answers(base + "/"):
            if proc.poll() is not None:
                pytest.fail(f"gunicorn exited with {proc.returncode}:\n{log_path.read_text(errors='replace')}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"gunicorn did not answer within {SERVER_START_TIMEOUT} s:\n{log_path.read_text(errors='replace')}"
                )
            time.sleep(0.2)
        site.base_url = base
        site.extra["log"] = log_path
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)  # gunicorn's master stops its workers
            try:
                proc.wait(timeout=SERVER_STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # our own process group only
                proc.wait(timeout=SERVER_STOP_TIMEOUT)


@pytest.fixture(scope="session")
def browser():
    """One Chromium for the session: Debian's package, driven by Playwright (no download)."""
    require(
        Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK),
        f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)",
    )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - requirements-dev.txt pins it
        require(False, "playwright is not installed (pip install -r requirements-dev.txt)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield b
        finally:
            b.close()


DESKTOP = {"width": 1280, "height": 900}


class Pages:
    """One browser context and one page per kind of user, logged in once and reused."""

    def __init__(self, browser, base_url: str, site: Site):
        self.browser, self.base_url, self.site = browser, base_url, site
        self._pages: dict[str, object] = {}
        self._contexts: list = []

    def __call__(self, role: str = "anonymous"):
        if role not in self._pages:
            context = self.browser.new_context(
                base_url=self.base_url, viewport=DESKTOP, locale="da-DK", reduced_motion="reduce"
            )
            context.set_default_timeout(10_000)
            self._contexts.append(context)
            page = context.new_page()
            if role != "anonymous":
                login(page, self.site.emails[role])
            self._pages[role] = page
        page = self._pages[role]
        page.set_viewport_size(DESKTOP)
        return page

    def close(self):
        for context in self._contexts:
            context.close()


def login(page, email: str) -> None:
    page.goto("/log-ind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/log-ind" not in page.url, f"login as {email} failed: {page.title()}"


@pytest.fixture(scope="session")
def pages(browser, live_server, site):
    p = Pages(browser, live_server, site)
    yield p
    p.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def server_log_tail(site: Site, lines: int = 30) -> str:
    """The end of gunicorn's log, to show with a failure (a 500 leaves its traceback there)."""
    log = site.extra.get("log")
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log and log.exists() else ""
