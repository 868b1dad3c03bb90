"""Every published version of every item, kept as a git history of ``content/``. Flask-free.

``content/`` is the source of truth, so its history is the items' history:
``content/.git`` is a git repository (created by the first publication when
there is none: its first commit is the content as shipped or hand-written,
so shipped items have a first version too), and every publication is one
commit of one file — the contributor as author, the editor as committer, the
decision as message. The history is read back with ``git log --follow`` and
``git show <rev>:<path>`` for ``/erfaringer/<slug>/versioner``. Being a plain
git repository, it is in every backup (``content.tar.gz``) and operators can
push it elsewhere as an off-site copy.

git is an outside program, so it is called through :func:`git` only: with a
timeout, without the user's or system's git configuration (no hooks, no
signing prompt), and every failure becomes a :class:`VersionsError` with a
clear message. An approval never waits on or fails because of it: the commit
is made by the publishing drain *after* the file is written and the item is
live; a failed commit stays marked in the outbox (``committed_at`` is NULL,
``commit_error`` says why), is retried by the next drain, and is reported by
``flask check``.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from .kinds import FILE_KINDS, KINDS
from .owned import OwnedDB, now

GIT_TIMEOUT = 5.0
FIRST_COMMIT_TIMEOUT = 60.0  # the first commit reads the whole content root, once
PORTAL = ("Hvad virker", "portal@hvad-virker.invalid")  # the committer of what no editor decided (a shared note)
#: The author of the first version: the files as shipped or written by hand, by nobody the portal knows.
DELIVERED = ("Leveret indhold (før versionshistorikken)", "portal@hvad-virker.invalid")
_REV = re.compile(r"[0-9a-f]{7,40}")
_SEP, _END = "\x1f", "\x1e"


class VersionsError(Exception):
    """git is missing, timed out, or refused; the message says which, in Danish."""


def git(content_dir: Path | str, *args: str, env: dict | None = None, timeout: float = GIT_TIMEOUT) -> str:
    """Run ``git -C content_dir args`` and return its output; VersionsError on any failure."""
    full_env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(content_dir),
        "LANG": "C.UTF-8",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        **(env or {}),
    }
    command = [
        "git",
        "-c",
        "safe.directory=*",
        "-c",
        "core.hooksPath=/dev/null",
        "-c",
        "commit.gpgSign=false",
        "-c",
        "core.quotePath=false",
        "-C",
        str(content_dir),
        *args,
    ]
    try:
        done = subprocess.run(command, capture_output=True, env=full_env, timeout=timeout, check=False)
    except FileNotFoundError:
        raise VersionsError("git findes ikke på maskinen (installér git for at få versioner)") from None
    except subprocess.TimeoutExpired:
        raise VersionsError(f"git {args[0]} svarede ikke inden for {timeout:g} sekunder") from None
    except OSError as exc:
        raise VersionsError(f"git kunne ikke startes: {exc}") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise VersionsError(f"git {args[0]} fejlede: {message[-1] if message else done.returncode}")
    return done.stdout.decode("utf-8", "replace")


def has_history(content_dir: Path | str) -> bool:
    return (Path(content_dir) / ".git").exists()


def _has_commits(content_dir: Path | str) -> bool:
    try:
        git(content_dir, "rev-parse", "-q", "--verify", "HEAD")
        return True
    except VersionsError:
        return False


def _identity(name: str, email: str) -> tuple[str, str]:
    """git refuses '<', '>' and new lines in a name or address, and an empty name."""
    clean = [re.sub(r"[<>\n\r]", "", v).strip() for v in (name, email)]
    return clean[0] or "Ukendt", clean[1] or "ukendt@hvad-virker.invalid"


def _env(author: tuple[str, str], committer: tuple[str, str]) -> dict:
    (an, ae), (cn, ce) = _identity(*author), _identity(*committer)
    return {"GIT_AUTHOR_NAME": an, "GIT_AUTHOR_EMAIL": ae, "GIT_COMMITTER_NAME": cn, "GIT_COMMITTER_EMAIL": ce}


def _unsaved(db: OwnedDB) -> list[dict]:
    return db.all("SELECT * FROM outbox WHERE done_at IS NOT NULL AND committed_at IS NULL ORDER BY id")


def _path(content_dir, entry: dict) -> str:
    """The entry's file relative to content/ (as publishing.content_path places it)."""
    spec = FILE_KINDS[entry["kind"]]
    return f"{spec.folder}/{entry['slug']}{spec.suffixes[0]}"


def _cited(kind, content_dir, text: str) -> list[str]:
    names = sorted(set(re.findall(r"\b[0-9a-f]{64}\.pdf\b", text or "")))
    return [
        f"{kind.folder}/{kind.attachment_folder}/{n}"
        for n in names
        if (Path(content_dir) / kind.folder / kind.attachment_folder / n).is_file()
    ]


def _cited_attachments(content_dir) -> list[str]:
    """The attachments the records in content/ cite (for the first version)."""
    found: list[str] = []
    for kind in KINDS.values():
        if kind.attachment_folder:
            for record in sorted((Path(content_dir) / kind.folder).glob("*.y*ml")):
                found += _cited(kind, content_dir, record.read_text(encoding="utf-8", errors="replace"))
    return sorted(set(found))


def _paths(content_dir, entry: dict) -> list[str]:
    """The entry's file and the attachments its text cites (by their hash names), relative to content/."""
    paths = [_path(content_dir, entry)]
    kind = KINDS.get(entry["kind"])
    if kind is not None and kind.attachment_folder:
        paths += _cited(kind, content_dir, entry.get("raw"))
    return paths


def before_writes(db: OwnedDB, content_dir: Path | str) -> None:
    """Called by the drain before it writes files: create the history if there is none (its first commit
    is the content as it is now), and commit changes made directly in the files since, so they are not
    attributed to the next publication. Never raises (a failure is retried by the next drain)."""
    try:
        if not has_history(content_dir):
            git(content_dir, "init", "-q", "-b", "main")
        attachments = [f":(exclude){k.folder}/{k.attachment_folder}" for k in KINDS.values() if k.attachment_folder]
        if not _has_commits(content_dir):  # new, or a first commit that failed (timed out) last time
            # Once per content root, and it reads every file: a longer timeout than a single commit's.
            # Of the attachments, only those a record cites: a pending submission's PDF is not published.
            git(content_dir, "add", "-A", "--", ".", *attachments, timeout=FIRST_COMMIT_TIMEOUT)
            if cited := _cited_attachments(content_dir):
                git(content_dir, "add", "--", *cited, timeout=FIRST_COMMIT_TIMEOUT)
            git(
                content_dir,
                "commit",
                "-q",
                "--allow-empty",
                "-m",
                "Første udgave: indholdet, som det lå i content/, da versionshistorikken begyndte",
                env=_env(DELIVERED, PORTAL),
                timeout=FIRST_COMMIT_TIMEOUT,
            )
            return
        # Attachments (an evaluation's PDF) are stored when they are submitted, before anyone approved
        # them: they enter the history with the publication that cites them, never as a file change.
        waiting = [f":(exclude){p}" for e in _unsaved(db) for p in _paths(content_dir, e)] + attachments
        if git(content_dir, "status", "--porcelain", "--", ".", *waiting).strip():
            git(content_dir, "add", "-A", "--", ".", *waiting)
            git(
                content_dir,
                "commit",
                "-q",
                "-m",
                "Ændret direkte i filerne i content/ (ikke gennem portalen)",
                env=_env(("Ændret i filerne", PORTAL[1]), PORTAL),
            )
    except VersionsError:
        pass  # reported by flask check (commit_problems); the publication goes on


def _meta(db: OwnedDB, entry: dict) -> tuple[dict, str]:
    """Who wrote and who decided an outbox entry's text, and the decision as a commit message."""
    if entry["submission_id"]:
        sub = db.one(
            """SELECT s.id, s.title, s.is_update, s.decided_at, u.email, u.organisation, e.email AS editor
                        FROM submissions s JOIN users u ON u.id = s.user_id LEFT JOIN users e ON e.id = s.decided_by
                        WHERE s.id = ?""",
            (entry["submission_id"],),
        )
        if sub is not None:
            corrected = db.one(
                "SELECT COUNT(*) AS n FROM submission_revisions WHERE submission_id = ? AND role = 'editor'",
                (sub["id"],),
            )["n"]
            message = (
                f"{'Ændring godkendt' if sub['is_update'] else 'Godkendt'}: {sub['title']}\n\n"
                f"Indsendelse {sub['id']} fra {sub['organisation'] or sub['email']}, "
                f"godkendt af redaktionen {sub['decided_at']}"
                + (" (rettet af redaktionen før godkendelse)" if corrected else "")
                + "."
            )
            author = (sub["organisation"] or sub["email"], sub["email"])
            return _env(author, (sub["editor"] or PORTAL[0], sub["editor"] or PORTAL[1])), message
    log = db.one(
        """SELECT l.action, l.detail, u.email, u.organisation FROM moderation_log l
                    LEFT JOIN users u ON u.id = l.actor_id
                    WHERE l.kind = ? AND l.slug = ? AND l.at <= ? ORDER BY l.id DESC LIMIT 1""",
        (entry["kind"], entry["slug"], entry["created_at"]),
    )
    if log is None or log["email"] is None:
        return _env(PORTAL, PORTAL), f"Udgivet: {entry['slug']}"
    author = (log["organisation"] or log["email"], log["email"])
    return _env(author, PORTAL), f"{log['action']}: {entry['slug']}" + (f"\n\n{log['detail']}" if log["detail"] else "")


def commit_published(db: OwnedDB, content_dir: Path | str) -> list[str]:
    """Commit each published outbox entry not yet in the history, in order, one commit per entry.
    Returns the problems (also kept in ``outbox.commit_error``); never raises."""
    problems: list[str] = []
    for entry in _unsaved(db):
        paths = _paths(content_dir, entry)
        path = paths[0]
        try:
            if not has_history(content_dir):
                raise VersionsError("content/ har ingen versionshistorik endnu")
            git(content_dir, "add", "-A", "--", *paths)
            if git(content_dir, "diff", "--cached", "--name-only", "--", *paths).strip():
                env, message = _meta(db, entry)
                git(content_dir, "commit", "-q", "-m", message, "--", *paths, env=env)
        except VersionsError as exc:
            with db.write() as conn:
                conn.execute("UPDATE outbox SET commit_error = ? WHERE id = ?", (str(exc)[:500], entry["id"]))
            problems.append(f"udbakke #{entry['id']} ({path}): {exc}")
            break  # keep the history in order: the next drain retries from here
        with db.write() as conn:
            conn.execute("UPDATE outbox SET committed_at = ?, commit_error = NULL WHERE id = ?", (now(), entry["id"]))
    return problems


def commit_problems(db: OwnedDB) -> list[str]:
    """For ``flask check``: published entries whose commit failed (they are retried by the next drain)."""
    return [
        f"udbakke #{e['id']} ({e['kind']} {e['slug']}) er offentliggjort, men ikke gemt i versionshistorikken"
        + (f": {e['commit_error']}" if e["commit_error"] else "")
        for e in _unsaved(db)
    ]


def log(content_dir: Path | str, kind: str, slug: str) -> list[dict]:
    """The item's versions, newest first: rev, author, author_email, date (ISO), committer,
    committer_email, subject. Empty when there is no history (yet) or git fails."""
    if not has_history(content_dir):
        return []
    path = _path(content_dir, {"kind": kind, "slug": slug})
    fields = ("rev", "author", "author_email", "date", "committer", "committer_email", "subject")
    try:
        out = git(
            content_dir,
            "log",
            "--follow",
            f"--format={_SEP.join(['%H', '%an', '%ae', '%aI', '%cn', '%ce', '%s'])}{_END}",
            "--",
            path,
        )
    except VersionsError:
        return []
    return [dict(zip(fields, chunk.strip("\n").split(_SEP))) for chunk in out.split(_END) if chunk.strip()]


def show(content_dir: Path | str, kind: str, slug: str, rev: str) -> tuple[dict, str] | None:
    """(the version, the file's text then) — or None if ``rev`` is not a version of this item."""
    if not _REV.fullmatch(rev or ""):
        return None
    version = next((v for v in log(content_dir, kind, slug) if v["rev"].startswith(rev)), None)
    if version is None:
        return None
    path = _path(content_dir, {"kind": kind, "slug": slug})
    try:
        return version, git(content_dir, "show", f"{version['rev']}:{path}")
    except VersionsError:  # --follow found it under an earlier name
        try:
            names = git(content_dir, "show", "--name-only", "--format=", version["rev"]).split()
            return (version, git(content_dir, "show", f"{version['rev']}:{names[0]}")) if len(names) == 1 else None
        except VersionsError:
            return None
