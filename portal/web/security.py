"""Secure defaults Flask does not have: secret key, cookies, CSRF, security headers.

- The secret key comes from ``PORTAL_SECRET_KEY`` or, failing that, from a
  random key created once in ``DATA_DIR/secret_key`` (mode 0600), so every
  gunicorn worker and every restart signs sessions alike.
- Session cookies: HttpOnly, SameSite=Lax, Secure unless configured off (for
  plain-HTTP development), a 7-day lifetime (Flask's default is 31 days).
- CSRF protection (Flask-WTF) on every form; the token-authenticated API is
  exempt because it never reads cookies.
- Every response carries a strict Content-Security-Policy and the usual headers.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

from flask import Flask
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CSP = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _secret_key(data_dir: str) -> str:
    """Read the key, or create it: written aside, then hard-linked into place,
    which fails if another worker won the race — then we read theirs."""
    path = Path(data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".secret_key.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text(encoding="ascii").strip()


def init_app(app: Flask) -> None:
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app.config["DATA_DIR"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="hv_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(days=7),
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session instead: a long write-up never loses to a timer
    )
    csrf.init_app(app)

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
