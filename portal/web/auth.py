"""Who is asking: session cookie (pages) or Bearer token (API), and role checks.

The session cookie holds only a random session id; the session itself lives in
the owned database, so logging out (or a password change) ends it for good.
Roles are checked here, in one place: views call ``login_required``,
``editor_required``, or ask ``current_user()`` and ``audiences()`` — the
audiences decide what every listing, search, feed and API answer may contain.
"""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, current_app, g, redirect, request, session, url_for

from .. import accounts, throttle
from ..accounts import User
from ..owned import OwnedDB
from ..store import PUBLIC

SESSION_KEY = "sid"


class TooManyAttempts(Exception):
    """Too many failed logins of one (account, address) pair, or bad tokens from one
    address; the response is a 429 with ``Retry-After``. See :mod:`portal.throttle`."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = max(1, int(retry_after))


def client_address() -> str:
    """The client's address: the peer, or the address the trusted proxies in front reported
    (werkzeug's ProxyFix with ``TRUSTED_PROXIES``; never ``X-Forwarded-For`` by default)."""
    return request.remote_addr or "ukendt"


def check_login_allowed(email: str) -> None:
    """Refuse (429) only a pair that has been failing: this account from this address."""
    wait = throttle.login_wait(owned_db(), email, client_address())
    if wait:
        raise TooManyAttempts(wait)


def note_login_failure(email: str) -> None:
    throttle.note_login_failure(owned_db(), email, client_address())


def note_login_success(email: str) -> None:
    throttle.note_login_success(owned_db(), email, client_address())


def owned_db() -> OwnedDB:
    if "owned" not in g:
        g.owned = OwnedDB(current_app.config["DATA_DIR"])
    return g.owned


def current_user() -> User | None:
    if "user" not in g:
        if request.path.startswith("/api/"):
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header.startswith("Bearer ") else None
            g.user = None
            if token:
                # The token is checked first: a valid one is never refused for others' failures.
                g.user = accounts.token_user(owned_db(), token)
                if g.user is None and throttle.bad_token(owned_db(), client_address()):
                    raise TooManyAttempts(60)
        else:
            sid = session.get(SESSION_KEY)
            g.user = accounts.session_user(owned_db(), sid) if sid else None
    return g.user


def audiences() -> frozenset[str]:
    user = current_user()
    return user.audiences() if user else PUBLIC


def login_user(user: User) -> None:
    session.clear()  # a new session id at every login (no fixation)
    session[SESSION_KEY] = accounts.start_session(owned_db(), user)
    session.permanent = True
    g.user = user


def logout_user() -> None:
    accounts.end_session(owned_db(), session.get(SESSION_KEY))
    session.clear()
    g.user = None


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if current_user() is None:
            if request.path.startswith("/api/"):
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def editor_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user()
        if user is None:
            if request.path.startswith("/api/"):
                abort(401)
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if not user.is_editor:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only a local path: never another host (``//evil``, ``/\\evil``, ``https:``…)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("pages.front")
    if any(c in target for c in "\r\n\t") or ":" in target.split("?", 1)[0]:
        return url_for("pages.front")
    return target


def _teardown(_exc) -> None:
    db = g.pop("owned", None)
    if db is not None:
        db.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(_teardown)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind that many reverse proxies, each appending to X-Forwarded-For/-Proto: the
        # client is the address the outermost trusted one saw. Without it the header is ignored,
        # so nobody can choose the address their failures are counted against.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    @app.context_processor
    def _user():
        return {"current_user": current_user() if not request.path.startswith("/static/") else None}
