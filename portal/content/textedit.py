"""Editing a content file in place: change the keys that changed, keep every other byte. Flask-free.

Re-serialising a whole file with a YAML dumper rewrites what nobody touched:
``end: 2018`` became ``end: '2018'``, a double-quoted ``source`` came back
single-quoted, and the written file and the editor's diff showed changes that
were never made. A contributor's (or a correcting editor's) edit is therefore
applied to the text it started from, key by key: an unchanged key keeps its
lines exactly as written, a changed key gets new lines where the old ones were,
a new key goes at the end of the front matter, a removed key loses its lines,
and the body is replaced only when it changed. One changed field is one changed
line of the file (and of the diff), as long as it fits on one line.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

_KEY = re.compile(r"^([A-Za-z_][A-Za-z0-9_-]*)\s*:")
#: Keys whose values are years: written as plain numbers (``end: 2018``), as the shipped files write them.
YEAR_KEYS = frozenset({"start", "end"})


class NotEditable(ValueError):
    """The base text has no front matter block to edit (the caller writes a whole new file instead)."""


def dump_key(name: str, value) -> list[str]:
    """The lines of one key in the house style: lists in flow style (``topics: [a, b]``), years as numbers."""
    if name in YEAR_KEYS and isinstance(value, str) and re.fullmatch(r"\d{4}", value.strip()):
        value = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:  # a date is written plain (date: 2026-11-30), as people write it; the reader reads it as text
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            pass  # not a real date: quoted, and the checker says what is wrong
    if isinstance(value, list):
        flow = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1000).rstrip("\n")
        return [f"{name}: {flow}"]
    text = yaml.safe_dump({name: value}, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
    return text.rstrip("\n").removesuffix("\n...").split("\n")


def _split(raw: str) -> tuple[list[str], str]:
    """``raw`` → (front matter lines without the fences, body text after the closing fence)."""
    lines = raw.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise NotEditable("ingen front matter")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            return lines[1:i], "\n".join(lines[i + 1 :])
    raise NotEditable("front matter slutter ikke")


def _spans(front: list[str]) -> dict[str, tuple[int, int]]:
    """Each top-level key → (first line, line after its last), within the front matter.
    A key's value runs on over indented lines and block-list items (``- x``); blank
    lines and comments at the left margin belong to no key and are always kept."""
    spans: dict[str, tuple[int, int]] = {}
    i = 0
    while i < len(front):
        match = _KEY.match(front[i])
        if not match:
            i += 1
            continue
        end = i + 1
        while end < len(front) and front[end][:1] in (" ", "\t", "-") and front[end].strip():
            end += 1
        spans[match.group(1)] = (i, end)
        i = end
    return spans


def edit(raw: str, changes: dict, body: str | None = None) -> str:
    """``raw`` with the keys of ``changes`` set (a value of None, "" or [] removes the key)
    and, if ``body`` is not None and differs from the current body, the body replaced.
    Keys not in ``changes`` keep their exact text."""
    front, old_body = _split(raw)
    spans = _spans(front)
    replaced: dict[int, list[str]] = {}  # first line of a span → its new lines
    dropped: set[int] = set()
    appended: list[str] = []
    for name, value in changes.items():
        empty = value in (None, "", [])
        if name in spans:
            start, end = spans[name]
            dropped.update(range(start, end))
            if not empty:
                replaced[start] = dump_key(name, value)
        elif not empty:
            appended.extend(dump_key(name, value))
    out: list[str] = []
    for i, line in enumerate(front):
        if i in replaced:
            out.extend(replaced[i])
        if i not in dropped:
            out.append(line)
    while out and not out[-1].strip() and appended:  # new keys after the last key, not after a trailing blank
        out.pop()
    out.extend(appended)
    if body is not None and body.strip("\n") != old_body.strip("\n"):
        new_body = body.replace("\r\n", "\n").strip("\n") + "\n"
    else:
        new_body = old_body
    return "---\n" + "".join(line + "\n" for line in out) + "---\n" + new_body
