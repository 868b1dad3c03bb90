"""Accounts, roles, network memberships, sessions and API tokens. Flask-free.

Roles: ``contributor`` (knowledge centres, practitioners: submit practices),
``editor`` (moderate), ``admin`` (manage users; may also moderate). Network
membership is separate from the role: any user may belong to leader networks.

Secrets are never stored: passwords are hashed with Werkzeug's current default
(scrypt), session ids and API tokens are random and only their SHA-256 is kept,
so a copy of the database does not let anyone in. Sessions live server-side,
so logging out really ends them (a replayed cookie finds nothing).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass, field

from werkzeug.security import check_password_hash, generate_password_hash

from .errors import PortalError
from .owned import OwnedDB, now

ROLES = ("contributor", "editor", "admin")
SESSION_DAYS = 7
MIN_PASSWORD = 10
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")
# A fixed hash to compare against when the user does not exist, so a login
# takes the same time whether or not the e-mail is known.
_DUMMY_HASH = generate_password_hash("dummy-password-for-timing")


class AccountError(PortalError, ValueError):
    """A refused account operation, with a Danish message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message, status)


@dataclass
class User:
    id: int
    email: str
    role: str
    organisation: str | None
    disabled: bool = False
    networks: list[str] = field(default_factory=list)

    @property
    def is_editor(self) -> bool:
        return self.role in ("editor", "admin") and not self.disabled

    @property
    def is_admin(self) -> bool:
        return self.role == "admin" and not self.disabled

    def audiences(self) -> frozenset[str]:
        """What this user may read: public items and their networks' items."""
        return frozenset({"public", *(f"network:{n}" for n in self.networks)})


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _user(db: OwnedDB, row: dict | None) -> User | None:
    if row is None:
        return None
    networks = [
        r["network"] for r in db.all("SELECT network FROM memberships WHERE user_id = ? ORDER BY network", (row["id"],))
    ]
    return User(row["id"], row["email"], row["role"], row["organisation"], bool(row["disabled"]), networks)


def get_user(db: OwnedDB, email: str) -> User | None:
    return _user(db, db.one("SELECT * FROM users WHERE email = ?", (email.strip(),)))


def user_by_id(db: OwnedDB, user_id: int) -> User | None:
    return _user(db, db.one("SELECT * FROM users WHERE id = ?", (user_id,)))


def list_users(db: OwnedDB) -> list[User]:
    return [_user(db, r) for r in db.all("SELECT * FROM users ORDER BY email")]


def add_user(
    db: OwnedDB,
    email: str,
    role: str,
    *,
    networks=(),
    organisation: str | None = None,
    known_networks=None,
    actor_id: int | None = None,
) -> User:
    email = email.strip()
    if not EMAIL_RE.fullmatch(email):
        raise AccountError(f"'{email}' er ikke en gyldig e-mailadresse")
    if role not in ROLES:
        raise AccountError(f"ukendt rolle '{role}'; brug én af {', '.join(ROLES)}")
    if known_networks is not None:
        for n in networks:
            if n not in known_networks:
                raise AccountError(
                    f"netværket '{n}' findes ikke (kendte: {', '.join(sorted(known_networks)) or 'ingen'})"
                )
    with db.write() as conn:
        if conn.execute("SELECT 1 FROM users WHERE email = ?", (email,)).fetchone():
            raise AccountError(f"der findes allerede en bruger med e-mailen {email}")
        cur = conn.execute(
            "INSERT INTO users (email, role, organisation, created_at) VALUES (?, ?, ?, ?)",
            (email, role, organisation, now()),
        )
        for n in dict.fromkeys(networks):
            conn.execute("INSERT INTO memberships VALUES (?, ?)", (cur.lastrowid, n))
        db.log(conn, actor_id, "user_added", detail=f"{email} ({role})")
    return get_user(db, email)


def set_password(db: OwnedDB, email: str, password: str) -> int:
    """Set the password; every session ends and every API token is revoked (returns how many
    tokens): whoever knew the old password, or took a token with it, is out."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"adgangskoden skal være mindst {MIN_PASSWORD} tegn")
    user = get_user(db, email)
    if user is None:
        raise AccountError(f"ingen bruger med e-mailen {email}")
    with db.write() as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE id = ?", (generate_password_hash(password), user.id))
        conn.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,))
        revoked = _revoke_all(conn, user.id)
        db.log(conn, user.id, "password_set", detail=f"{email}; {revoked} API-nøgle(r) tilbagekaldt")
    return revoked


def _revoke_all(conn, user_id: int) -> int:
    cur = conn.execute("UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (now(), user_id))
    return cur.rowcount


def set_disabled(db: OwnedDB, email: str, disabled: bool, actor_id: int | None = None) -> tuple[User, int, int]:
    """Disable or enable a user. Disabling ends every session and revokes every API token for
    good: enabling again revives none of them (the user signs in anew, and gets new tokens).
    Returns (user, sessions ended, tokens revoked)."""
    user = get_user(db, email)
    if user is None:
        raise AccountError(f"ingen bruger med e-mailen {email}")
    sessions = tokens = 0
    with db.write() as conn:
        conn.execute("UPDATE users SET disabled = ? WHERE id = ?", (int(disabled), user.id))
        if disabled:
            sessions = conn.execute("DELETE FROM sessions WHERE user_id = ?", (user.id,)).rowcount
            tokens = _revoke_all(conn, user.id)
        db.log(conn, actor_id, "user_disabled" if disabled else "user_enabled", detail=email)
    return get_user(db, email), sessions, tokens


def authenticate(db: OwnedDB, email: str, password: str) -> User | None:
    row = db.one("SELECT * FROM users WHERE email = ?", ((email or "").strip(),))
    stored = row["password_hash"] if row and row["password_hash"] else _DUMMY_HASH
    ok = check_password_hash(stored, password or "")
    if not row or not row["password_hash"] or not ok or row["disabled"]:
        return None
    return _user(db, row)


# -- sessions ------------------------------------------------------------------
def start_session(db: OwnedDB, user: User) -> str:
    """A new session id (the cookie value); always new, so a login renews it."""
    sid = secrets.token_urlsafe(32)
    expires = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=SESSION_DAYS)).isoformat(timespec="seconds")
    with db.write() as conn:
        conn.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (_hash(sid), user.id, now(), expires))
        conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now(),))
    return sid


def session_user(db: OwnedDB, sid: str | None) -> User | None:
    if not sid:
        return None
    row = db.one("SELECT user_id, expires_at FROM sessions WHERE token_hash = ?", (_hash(sid),))
    if row is None or row["expires_at"] < now():
        return None
    user = user_by_id(db, row["user_id"])
    return user if user and not user.disabled else None


def end_session(db: OwnedDB, sid: str | None) -> None:
    if sid:
        with db.write() as conn:
            conn.execute("DELETE FROM sessions WHERE token_hash = ?", (_hash(sid),))


# -- API tokens ------------------------------------------------------------------
def issue_token(db: OwnedDB, email: str) -> str:
    user = get_user(db, email)
    if user is None:
        raise AccountError(f"ingen bruger med e-mailen {email}")
    token = "hv_" + secrets.token_urlsafe(32)
    with db.write() as conn:
        conn.execute(
            "INSERT INTO tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)", (user.id, _hash(token), now())
        )
        db.log(conn, user.id, "token_issued", detail=email)
    return token


def revoke_tokens(db: OwnedDB, email: str) -> int:
    user = get_user(db, email)
    if user is None:
        raise AccountError(f"ingen bruger med e-mailen {email}")
    with db.write() as conn:
        cur = conn.execute(
            "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", (now(), user.id)
        )
        db.log(conn, user.id, "tokens_revoked", detail=f"{email}: {cur.rowcount}")
    return cur.rowcount


def token_user(db: OwnedDB, token: str | None) -> User | None:
    if not token:
        return None
    row = db.one("SELECT user_id FROM tokens WHERE token_hash = ? AND revoked_at IS NULL", (_hash(token),))
    if row is None:
        return None
    user = user_by_id(db, row["user_id"])
    return user if user and not user.disabled else None


# -- rate limiting (in the owned database, so it holds across all workers) ------
ATTEMPT_WINDOW = 15 * 60  # seconds


def recent_failures(db: OwnedDB, key: str, window: float = ATTEMPT_WINDOW) -> int:
    import time

    return db.conn.execute(
        "SELECT COUNT(*) FROM attempts WHERE key = ? AND at > ?", (key, time.time() - window)
    ).fetchone()[0]


def record_failure(db: OwnedDB, *keys: str) -> None:
    import time

    at = time.time()
    with db.write() as conn:
        conn.executemany("INSERT INTO attempts VALUES (?, ?)", [(k, at) for k in keys])
        conn.execute("DELETE FROM attempts WHERE at < ?", (at - 24 * 3600,))


def clear_failures(db: OwnedDB, key: str) -> None:
    with db.write() as conn:
        conn.execute("DELETE FROM attempts WHERE key = ?", (key,))
