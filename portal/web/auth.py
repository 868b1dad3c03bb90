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

from .. import accounts
from ..accounts import User
from ..owned import OwnedDB
from ..store import PUBLIC

SESSION_KEY = "sid"
# Failed attempts allowed per 15 minutes before answering 429 (counted across workers).
MAX_LOGIN_FAILURES_PER_ACCOUNT = 10
MAX_LOGIN_FAILURES_PER_CLIENT = 30
MAX_TOKEN_FAILURES_PER_CLIENT = 30


class TooManyAttempts(Exception):
    """Too many failed logins or bad tokens; the response is a 429."""


def client_key() -> str:
    return f"ip:{request.remote_addr or 'ukendt'}"


def check_login_allowed(email: str) -> None:
    db = owned_db()
    if (accounts.recent_failures(db, f"login:{email.strip().lower()}") >= MAX_LOGIN_FAILURES_PER_ACCOUNT
            or accounts.recent_failures(db, f"login-{client_key()}") >= MAX_LOGIN_FAILURES_PER_CLIENT):
        raise TooManyAttempts()


def note_login_failure(email: str) -> None:
    accounts.record_failure(owned_db(), f"login:{email.strip().lower()}", f"login-{client_key()}")


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
                key = f"token-{client_key()}"
                if accounts.recent_failures(owned_db(), key) >= MAX_TOKEN_FAILURES_PER_CLIENT:
                    raise TooManyAttempts()
                g.user = accounts.token_user(owned_db(), token)
                if g.user is None:
                    accounts.record_failure(owned_db(), key)
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

    @app.context_processor
    def _user():
        return {"current_user": current_user() if not request.path.startswith("/static/") else None}
