"""Throttling what fails, never what succeeds. Flask-free.

The old limits were a weapon: ten wrong passwords from anywhere locked a chosen
account, thirty failures from one address locked out everyone behind it, and
bad tokens made every *valid* token from that address answer 429. Now:

- **Passwords** are throttled per (account, address) pair: the first
  ``FREE_FAILURES`` failures cost nothing, then each further attempt of that
  pair must wait a delay that doubles with every failure (1 s, 2 s, 4 s … at
  most ``MAX_DELAY``). Someone guessing elsewhere, or guessing at another
  account from the same office, slows only themselves. A success clears the pair.
- **API tokens** are checked first; a valid one is always accepted. Only the
  answer to an invalid one turns from 401 into 429 when its address has sent
  many invalid tokens (a token is 256 random bits: guessing is hopeless anyway;
  the limit only keeps scanners cheap to answer).

Failures are rows in ``attempts`` in the owned database, so the limits hold
across workers. Keys: ``login:<email>|<address>`` and ``token:<address>``.
"""

from __future__ import annotations

import math
import time

from . import accounts
from .owned import OwnedDB

FREE_FAILURES = 5
MAX_DELAY = 15 * 60  # seconds
WINDOW = accounts.ATTEMPT_WINDOW  # failures older than this are forgotten
MAX_TOKEN_FAILURES = 30  # per address and window, before bad tokens are answered with 429


def login_key(email: str, address: str) -> str:
    return f"login:{(email or '').strip().lower()}|{address}"


def token_key(address: str) -> str:
    return f"token:{address}"


def delay_for(failures: int) -> int:
    """Seconds an (account, address) pair must wait after its last failure."""
    if failures < FREE_FAILURES:
        return 0
    return min(2 ** (failures - FREE_FAILURES), MAX_DELAY)


def login_wait(db: OwnedDB, email: str, address: str, at: float | None = None) -> int:
    """Seconds before this pair may try a password again (0: now). Never counts other pairs."""
    at = time.time() if at is None else at
    row = db.conn.execute(
        "SELECT COUNT(*), MAX(at) FROM attempts WHERE key = ? AND at > ?", (login_key(email, address), at - WINDOW)
    ).fetchone()
    failures, last = row[0], row[1]
    if not failures:
        return 0
    return max(0, math.ceil(last + delay_for(failures) - at))


def note_login_failure(db: OwnedDB, email: str, address: str) -> None:
    accounts.record_failure(db, login_key(email, address))


def note_login_success(db: OwnedDB, email: str, address: str) -> None:
    accounts.clear_failures(db, login_key(email, address))


def bad_token(db: OwnedDB, address: str) -> bool:
    """Record an invalid token from ``address``; True when that address is now over its limit."""
    over = accounts.recent_failures(db, token_key(address)) >= MAX_TOKEN_FAILURES
    if not over:
        accounts.record_failure(db, token_key(address))
    return over
