"""What a snippet must not show: paragraphs many documents share, and the title again.

Boilerplate (a standard source note, a shared definition) is found at build
time by paragraph keys (:func:`line_key`) and kept beside the index; a snippet
never comes from such a paragraph, and never opens by repeating the hit's title.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

log = logging.getLogger(__name__)


#: A paragraph (line) found in at least this many documents at build time is
#: boilerplate (a shared source note, a standard definition): never a snippet.
BOILERPLATE_MIN_DOCS = 3


def line_key(line: str) -> str | None:
    """A short, case- and space-insensitive key of one paragraph (None if too
    short to matter: headings like "## Kilde" are left alone)."""
    if len(line) < 40:
        return None
    norm = " ".join(line.split()).lower()
    if len(norm) < 40:
        return None
    return hashlib.blake2b(norm.encode("utf-8"), digest_size=8).hexdigest()


def boilerplate_of(path) -> frozenset[str]:
    """The boilerplate paragraph keys an index was built with (a JSON list in
    ``path``); none for an index from before them or a damaged file."""
    try:
        return frozenset(json.loads(Path(path).read_text(encoding="utf-8")))
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError, TypeError):
        log.exception("boilerplate list %s ignored", path)
        return frozenset()


def without_boilerplate(text: str | None, keys: frozenset[str]) -> str | None:
    """``text`` without its boilerplate paragraphs (``keys`` from build time);
    the text as it is when nothing else would be left."""
    if not text or not keys:
        return text
    kept = [line for line in text.split("\n") if line_key(line) not in keys]
    rest = "\n".join(kept)
    return rest if rest.strip() else text


def without_title(text: str | None, title: str | None) -> str | None:
    """``text`` without a leading repeat of ``title`` (bodies often open with
    their heading): the hit shows the title already.

    Input → Output: ("Mentorer\nMentorer hjælper …", "Mentorer") → "Mentorer hjælper …"
    """
    if not text or not title:
        return text
    head = text.lstrip()
    t = " ".join(title.split())
    if " ".join(head[: len(title) + 20].split()).lower().startswith(t.lower()):
        n, seen = 0, 0
        norm_len = len(t.replace(" ", ""))
        while n < len(head) and seen < norm_len:
            if not head[n].isspace():
                seen += 1
            n += 1
        if n < len(head) and (head[n].isalnum() or head[n] == "_"):
            return text  # "Jobbet …" does not repeat the title "Job"
        rest = head[n:].lstrip(" .:-–\n\t")
        return rest or text
    return text


def _outside_boilerplate(matches, scan: str, keys: frozenset[str]):
    """The matches not inside a boilerplate paragraph (only the paragraphs
    holding a match are keyed: a few, not the whole text)."""
    memo: dict[int, bool] = {}
    kept = []
    for m in matches:
        start = scan.rfind("\n", 0, m[0]) + 1
        shared = memo.get(start)
        if shared is None:
            end = scan.find("\n", m[1])
            shared = memo[start] = line_key(scan[start : end if end != -1 else len(scan)]) in keys
        if not shared:
            kept.append(m)
    return kept
