"""The public history of an item: what was published, and nothing else. Flask-free.

The moderation log also holds submissions that are pending or were rejected,
with who sent them. Those are seen by their author (``/mine-indsendelser``)
and by editors (``/redaktion/``) only; a public page, which is also cached for
every anonymous reader, shows approvals alone. An approval names the
organisation that sent the text it published.
"""

from __future__ import annotations

from .owned import OwnedDB


def public_history(db: OwnedDB, kind: str, slug: str) -> list[dict]:
    """Each published version of the item, oldest first: ``at``, ``is_update``, ``organisation``."""
    return db.all(
        """SELECT l.at, s.is_update, u.organisation
           FROM moderation_log l
           JOIN submissions s ON s.id = l.submission_id AND s.status = 'approved'
           LEFT JOIN users u ON u.id = s.user_id
           WHERE l.kind = ? AND l.slug = ? AND l.action = 'approved'
           ORDER BY l.at, l.id""",
        (kind, slug),
    )


def unpublished_proposals(db: OwnedDB, kind: str, slug: str, *, author_id: int | None = None) -> list[dict]:
    """Pending and rejected proposals for the item, newest first: every one (for an editor) or
    only those of ``author_id``. Never for a public page: the caller decides who is asking."""
    sql = """SELECT s.id, s.status, s.created_at, s.is_update, u.email, u.organisation
             FROM submissions s LEFT JOIN users u ON u.id = s.user_id
             WHERE s.kind = ? AND s.slug = ? AND s.status IN ('pending', 'rejected')"""
    params: tuple = (kind, slug)
    if author_id is not None:
        sql += " AND s.user_id = ?"
        params += (author_id,)
    return db.all(sql + " ORDER BY s.created_at DESC, s.id", params)
