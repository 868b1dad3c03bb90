"""Submissions that look like an existing or another pending practice, flagged in the editors' queue. Flask-free.

Two knowledge centres often write up the same method, and one contributor may send
the same text twice. Slugs cannot collide (a second new practice with the same title
gets ``-2``, see :mod:`portal.reservations`), so the editor would otherwise see two
different addresses and no hint. A submission is flagged when its address without
that suffix, or its title (case, spacing and punctuation aside), matches a published
practice or another pending submission; two pending updates of one practice are
flagged too, since approving one makes the other a conflict.
"""

from __future__ import annotations

import re

_SUFFIX = re.compile(r"-([2-9]|[1-9][0-9]{1,2})$")  # -2 … -999: what reservations add; a year such as -2020 is not


def base_slug(slug: str) -> str:
    return _SUFFIX.sub("", slug)


def normal_title(title: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", title.casefold()).split())


def lookalikes(sub, published: list[dict], pending: list) -> list[dict]:
    """What ``sub`` looks like: dicts with ``kind`` ('published' or 'pending'), ``slug``, ``title`` and,
    for a pending one, ``id``. ``published``: dicts with slug and title; ``pending``: Submissions."""
    slug, title = base_slug(sub.slug), normal_title(sub.title)
    found = []
    for item in published:
        if sub.is_update and item["slug"] == sub.slug:
            continue  # the practice it updates
        if base_slug(item["slug"]) == slug or normal_title(item["title"]) == title:
            found.append({"kind": "published", "slug": item["slug"], "title": item["title"]})
    for other in pending:
        if other.id == sub.id:
            continue
        if base_slug(other.slug) == slug or normal_title(other.title) == title:
            found.append({"kind": "pending", "slug": other.slug, "title": other.title, "id": other.id})
    return found
