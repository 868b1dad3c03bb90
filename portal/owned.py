"""Owned data: what users created, kept apart from everything an ingest rebuilds.

Accounts, sessions, API tokens, network memberships, submissions, the
moderation log, the publication times of items and the publishing outbox live
in ``DATA_DIR/owned.db``. An ingest never touches this file; it is evolved by
numbered migrations and backed up (``flask backup``), never rebuilt.

Every write goes through :meth:`OwnedDB.write`, which starts the transaction
with ``BEGIN IMMEDIATE``: a deferred transaction that reads and then writes
fails at once with "database is locked" whatever the busy timeout, while an
immediate one waits (up to ``BUSY_TIMEOUT_MS``) for the single writer slot.
Flask-free.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000
OWNED_DB = "owned.db"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# Each migration runs once, in order, inside a write transaction. Never edit a
# migration that has shipped; add a new one.
MIGRATIONS: list[tuple[str, str]] = [
    (
        "0001_accounts",
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            email TEXT NOT NULL UNIQUE COLLATE NOCASE,
            role TEXT NOT NULL CHECK (role IN ('contributor', 'editor', 'admin')),
            organisation TEXT,
            password_hash TEXT,
            disabled INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE memberships (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            network TEXT NOT NULL,
            PRIMARY KEY (user_id, network)
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        );
        CREATE TABLE tokens (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            token_hash TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
    """,
    ),
    (
        "0002_submissions",
        """
        CREATE TABLE submissions (
            id TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL DEFAULT 'practice',
            slug TEXT NOT NULL,
            title TEXT NOT NULL,
            raw TEXT NOT NULL,
            is_update INTEGER NOT NULL DEFAULT 0,
            base_raw TEXT,
            status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
            reason TEXT,
            created_at TEXT NOT NULL,
            decided_at TEXT,
            decided_by INTEGER REFERENCES users(id)
        );
        CREATE INDEX submissions_status ON submissions(status, created_at);
        CREATE INDEX submissions_user ON submissions(user_id, created_at);
        CREATE TABLE moderation_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id),
            action TEXT NOT NULL,
            kind TEXT,
            slug TEXT,
            submission_id TEXT,
            detail TEXT
        );
        CREATE INDEX moderation_log_item ON moderation_log(kind, slug, at);
    """,
    ),
    (
        "0003_publishing",
        """
        CREATE TABLE publications (
            item_id TEXT PRIMARY KEY,
            published_at TEXT NOT NULL
        );
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            slug TEXT NOT NULL,
            raw TEXT NOT NULL,
            created_at TEXT NOT NULL,
            done_at TEXT,
            error TEXT
        );
        CREATE INDEX outbox_pending ON outbox(done_at, id);
    """,
    ),
    (
        "0004_attempts",
        """
        CREATE TABLE attempts (
            key TEXT NOT NULL,
            at REAL NOT NULL
        );
        CREATE INDEX attempts_key ON attempts(key, at);
    """,
    ),
    # "What's new" reads the newest publications first.
    (
        "0005_publications_by_time",
        """
        CREATE INDEX publications_time ON publications(published_at, item_id);
    """,
    ),
    # Addresses (slugs) of new items are reserved in the same write transaction
    # that accepts the item (portal/reservations.py): the primary key makes two
    # writers unable to get the same one. ``owner`` is the submission id of a
    # new practice (released when it is rejected) or 'note' (a note is published at once).
    # Outbox entries remember their submission, so `flask check` can tell an
    # update that replaced the text it was based on from one that overwrote
    # another approval. Existing entries and pending/approved new practices
    # are reserved here (the oldest first, if two already share a slug).
    (
        "0006_slug_reservations",
        """
        CREATE TABLE reservations (
            kind TEXT NOT NULL,
            slug TEXT NOT NULL,
            owner TEXT NOT NULL,
            reserved_at TEXT NOT NULL,
            PRIMARY KEY (kind, slug)
        );
        ALTER TABLE outbox ADD COLUMN submission_id TEXT REFERENCES submissions(id);
        INSERT OR IGNORE INTO reservations (kind, slug, owner, reserved_at)
            SELECT kind, slug, 'note', created_at FROM outbox WHERE kind = 'note' ORDER BY id;
        INSERT OR IGNORE INTO reservations (kind, slug, owner, reserved_at)
            SELECT 'practice', slug, id, created_at FROM submissions
            WHERE is_update = 0 AND status IN ('pending', 'approved') ORDER BY created_at
    """,
    ),
    # E-mail notifications (portal/mail.py, portal/notifications.py): mails are
    # queued here in the same transaction as what they tell of, and sent later,
    # so an SMTP server that is down loses nothing. ``link`` is a path on the
    # portal, made absolute with BASE_URL when sent. A sender claims rows
    # (claimed_by/claimed_until) before sending, so two never send one mail.
    (
        "0007_mail",
        """
        CREATE TABLE mail_outbox (
            id INTEGER PRIMARY KEY,
            to_addr TEXT NOT NULL,
            subject TEXT NOT NULL,
            body TEXT NOT NULL,
            link TEXT,
            footer TEXT NOT NULL DEFAULT '',
            topic TEXT NOT NULL,
            created_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            claimed_by TEXT,
            claimed_until TEXT,
            sent_at TEXT,
            given_up_at TEXT,
            error TEXT
        );
        CREATE INDEX mail_outbox_due ON mail_outbox(sent_at, given_up_at, next_attempt_at);
        CREATE TABLE network_follows (
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            network TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (user_id, network)
        );
    """,
    ),
    # Notes with a life cycle (portal/notes.py): who wrote each note (its author
    # and editors may edit or withdraw it), who may see it (``audience``, kept
    # when it is withdrawn, so its 410 page is shown only to those who could
    # read it), and who withdrew or took it down and why. Outbox entries get an
    # ``op`` ('write' or 'delete': a withdrawal leaves content/ through the one
    # publishing path) and the version an edit was based on, so `flask check`
    # can tell an edit of the text it saw from a lost write. Notes posted
    # before are registered from their log entries (network-only to be safe).
    (
        "0008_note_life_cycle",
        """
        CREATE TABLE notes (
            slug TEXT PRIMARY KEY,
            network TEXT NOT NULL,
            author_id INTEGER REFERENCES users(id),
            audience TEXT NOT NULL,
            created_at TEXT NOT NULL,
            withdrawn_at TEXT,
            withdrawn_by INTEGER REFERENCES users(id),
            withdrawn_reason TEXT
        );
        ALTER TABLE outbox ADD COLUMN op TEXT NOT NULL DEFAULT 'write';
        ALTER TABLE outbox ADD COLUMN based_on TEXT;
        INSERT OR IGNORE INTO notes (slug, network, author_id, audience, created_at)
            SELECT slug, detail, actor_id, 'network:' || detail, at FROM moderation_log
            WHERE action = 'note_posted' AND slug IS NOT NULL AND detail IS NOT NULL ORDER BY id
    """,
    ),
    # Every text a submission has had (portal/revisions.py): the contributor's first sending, an
    # editor's correction before approving, a revised text resent after a rejection. ``round``
    # counts the sendings (1, then 2 after the first rejection …); ``role`` is 'contributor' or
    # 'editor'. Existing submissions get their one text as revision 1.
    (
        "0009_submission_revisions",
        """
        CREATE TABLE submission_revisions (
            id INTEGER PRIMARY KEY,
            submission_id TEXT NOT NULL REFERENCES submissions(id),
            round INTEGER NOT NULL,
            raw TEXT NOT NULL,
            title TEXT NOT NULL,
            actor_id INTEGER REFERENCES users(id),
            role TEXT NOT NULL CHECK (role IN ('contributor', 'editor')),
            note TEXT,
            at TEXT NOT NULL
        );
        CREATE INDEX submission_revisions_of ON submission_revisions(submission_id, id);
        INSERT INTO submission_revisions (submission_id, round, raw, title, actor_id, role, at)
            SELECT id, 1, raw, title, user_id, 'contributor', created_at FROM submissions ORDER BY created_at
    """,
    ),
    # Each publication becomes a commit of content/'s git history (portal/versions.py) after its
    # file is written; ``committed_at`` NULL on a published entry means the commit is still to be
    # made (retried by every drain, reported by flask check). Entries published before the history
    # existed are in its first commit.
    (
        "0010_outbox_commits",
        """
        ALTER TABLE outbox ADD COLUMN committed_at TEXT;
        ALTER TABLE outbox ADD COLUMN commit_error TEXT;
        UPDATE outbox SET committed_at = done_at WHERE done_at IS NOT NULL
    """,
    ),
]


class OwnedDB:
    """One connection to the owned database (per request, per command)."""

    def __init__(self, data_dir: Path | str):
        path = Path(data_dir) / OWNED_DB
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: we issue BEGIN ourselves, so the kind of
        # transaction is explicit (IMMEDIATE for every write).
        self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        self.conn.execute("PRAGMA foreign_keys = ON")
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")  # owned data: durability over speed
        # The file's header says how many migrations it has (user_version, set
        # by migrate()): one cheap read per connection instead of reading the
        # migrations table. It holds for a restored or recreated
        # file too (a per-process memo by inode did not: a new file can reuse
        # the inode of a deleted one).
        if self.conn.execute("PRAGMA user_version").fetchone()[0] < len(MIGRATIONS):
            self.migrate()

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction that holds the write lock from its first statement."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")

    def migrate(self) -> None:
        self.conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
        applied = {r[0] for r in self.conn.execute("SELECT name FROM migrations")}
        for name, sql in MIGRATIONS:
            if name in applied:
                continue
            with self.write() as conn:
                if conn.execute("SELECT 1 FROM migrations WHERE name = ?", (name,)).fetchone():
                    continue  # another process applied it while we waited for the lock
                for statement in filter(str.strip, sql.split(";")):
                    conn.execute(statement)
                conn.execute("INSERT INTO migrations VALUES (?, ?)", (name, now()))
        with self.write() as conn:  # files migrated before user_version was kept
            count = conn.execute("SELECT COUNT(*) FROM migrations").fetchone()[0]
            conn.execute(f"PRAGMA user_version = {int(count)}")

    def one(self, sql: str, params=()) -> dict | None:
        row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row else None

    def all(self, sql: str, params=()) -> list[dict]:
        return [dict(r) for r in self.conn.execute(sql, params)]

    # -- the log and publication times, used by several modules ---------------
    def log(
        self,
        conn: sqlite3.Connection,
        actor_id: int | None,
        action: str,
        *,
        kind=None,
        slug=None,
        submission_id=None,
        detail: str | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO moderation_log (at, actor_id, action, kind, slug, submission_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (now(), actor_id, action, kind, slug, submission_id, detail),
        )

    def history(self, kind: str, slug: str) -> list[dict]:
        return self.all(
            """SELECT l.at, l.action, l.detail, l.submission_id, u.email AS actor, u.organisation
               FROM moderation_log l LEFT JOIN users u ON u.id = l.actor_id
               WHERE l.kind = ? AND l.slug = ? ORDER BY l.at, l.id""",
            (kind, slug),
        )

    def record_publications(self, item_ids, when: str | None = None) -> None:
        """Remember when each item was first seen published (for feeds and 'what's new')."""
        when = when or now()
        with self.write() as conn:
            conn.executemany("INSERT OR IGNORE INTO publications VALUES (?, ?)", [(i, when) for i in item_ids])

    def publication_times(self, item_ids: list[str]) -> dict[str, str]:
        """When each of ``item_ids`` was first published (those never recorded are left out)."""
        times: dict[str, str] = {}
        for start in range(0, len(item_ids), 500):  # SQLite caps the number of parameters
            chunk = item_ids[start : start + 500]
            times.update(
                self.conn.execute(
                    f"SELECT item_id, published_at FROM publications WHERE item_id IN ({','.join('?' * len(chunk))})",
                    chunk,
                ).fetchall()
            )
        return times
