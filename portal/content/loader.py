"""Load a whole content root: every file parsed, validated and cross-checked.

Problems never stop the walk: all of them are collected so one ingest run
reports every bad file at once (``path:line: message``), and the caller
decides what to do (the ingest refuses to swap anything in).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..kinds import FILE_KINDS
from .errors import ContentError, ContentErrors


@dataclass
class Content:
    """Everything in one content root, keyed by kind then slug."""

    root: Path
    items: dict[str, dict[str, dict]] = field(default_factory=lambda: {k: {} for k in FILE_KINDS})
    errors: list[ContentError] = field(default_factory=list)

    @property
    def practices(self) -> dict[str, dict]:
        return self.items["practice"]

    @property
    def notes(self) -> dict[str, dict]:
        return self.items["note"]

    @property
    def networks(self) -> dict[str, dict]:
        return self.items["network"]

    @property
    def rankings(self) -> dict[str, dict]:
        return self.items["ranking"]

    @property
    def indicators(self) -> dict[str, dict]:
        return self.items["indicator"]

    def count(self) -> int:
        return sum(len(v) for v in self.items.values())


def parse_file(kind: str, raw: bytes, path: str, slug: str | None = None) -> dict:
    """Parse and validate one file's bytes. Raises ContentErrors."""
    spec = FILE_KINDS[kind]
    try:
        doc = spec.reader(raw, path)
    except ContentError as exc:
        raise ContentErrors([exc]) from None
    return spec.validator(doc, path, slug=slug)


def content_files(root: Path) -> list[tuple[str, Path]]:
    """(kind, path) of every file in the content root, in a stable order."""
    out = []
    for kind, spec in FILE_KINDS.items():
        base = root / spec.folder
        if base.is_dir():
            # A kind's attachment folder holds files its records cite; they are checked through those records.
            out.extend(
                (kind, p)
                for p in sorted(base.iterdir())
                if not p.name.startswith(".") and not (p.name == spec.attachment_folder and p.is_dir())
            )
    return out


def load_content(root: Path | str, progress: Callable[[int, int], None] | None = None) -> Content:
    root = Path(root)
    content = Content(root=root)
    if not root.is_dir():
        content.errors.append(ContentError(str(root), 1, "indholdsmappen findes ikke"))
        return content
    files = content_files(root)
    for n, (kind, path) in enumerate(files, 1):
        _load_one(content, kind, path)
        if progress and (n % 500 == 0 or n == len(files)):
            progress(n, len(files))
    _check_references(content)
    return content


def _load_one(content: Content, kind: str, path: Path) -> None:
    record, _raw, errors = read_record(kind, path)
    content.errors.extend(errors)
    if record is not None:
        content.items[kind][record["slug"]] = record


def read_record(kind: str, path: Path) -> tuple[dict | None, bytes | None, list[ContentError]]:
    """Read, parse and validate one content file: (record, its bytes, []) or
    (None, …, its errors). The one per-file step of :func:`load_content` and the
    streaming ingest alike."""
    suffixes = FILE_KINDS[kind].suffixes
    shown = str(path)
    if path.is_dir() or path.suffix not in suffixes:
        return (
            None,
            None,
            [ContentError(shown, 1, f"ukendt fil her; forventer filer der ender på {' eller '.join(suffixes)}")],
        )
    try:
        raw = path.read_bytes()
        return parse_file(kind, raw, shown), raw, []
    except ContentErrors as exc:
        return None, None, list(exc.errors)
    except OSError as exc:
        return None, None, [ContentError(shown, 1, f"filen kan ikke læses: {exc.strerror}")]


def _check_references(content: Content) -> None:
    """Notes must point at networks, and every kind that cites practices at practices, that exist."""
    for kind, spec in FILE_KINDS.items():
        for record in content.items[kind].values():
            if kind != "note" and not spec.practices_of(record):
                continue
            try:
                text = Path(record["path"]).read_text(encoding="utf-8", errors="replace")
            except OSError:
                text = ""
            if kind == "note":
                content.errors.extend(note_reference_errors(record, text, content.networks, content.practices))
            else:
                content.errors.extend(practice_reference_errors(record, text, content.practices))


def note_reference_errors(note: dict, text: str, networks, practices) -> list[ContentError]:
    """A note's network and cited practices must exist: the one check used by the
    ingest and by notes posted from the web or the API. ``text`` is the file's
    text, for the lines of the keys."""
    errors = []
    if note["network"] not in networks:
        close = difflib.get_close_matches(note["network"], list(networks), n=1)
        hint = f" – mente du '{close[0]}'?" if close else ""
        errors.append(
            ContentError(
                note["path"],
                key_line(text, "network"),
                f"netværket '{note['network']}' findes ikke i networks/{hint}",
                field="network",
            )
        )
    return errors + practice_reference_errors(note, text, practices)


def practice_reference_errors(record: dict, text: str, practices) -> list[ContentError]:
    """The practices an item cites (``Kind.practices_of``) must exist."""
    errors = []
    for slug in FILE_KINDS[record["type"]].practices_of(record):
        if slug not in practices:
            close = difflib.get_close_matches(slug, list(practices), n=1)
            hint = f" – mente du '{close[0]}'?" if close else ""
            errors.append(
                ContentError(
                    record["path"],
                    key_line(text, "practices"),
                    f"erfaringen '{slug}' findes ikke i practices/{hint}",
                    field="practices",
                )
            )
    return errors


def key_line(text: str | dict[str, int], key: str) -> int:
    """The line of a top-level front-matter key in a file's text (1 if absent).
    ``text`` may instead be the lines already found (:func:`key_lines`), which
    is what the streaming ingest keeps of a file instead of its text."""
    if isinstance(text, dict):
        return text.get(key, 1)
    for i, line in enumerate(text.split("\n"), 1):
        if line.startswith(f"{key}:"):
            return i
    return 1


#: The keys whose lines the reference checks cite.
REFERENCE_KEYS = ("network", "practices")


def key_lines(text: str, keys=REFERENCE_KEYS) -> dict[str, int]:
    """The lines of some top-level keys (for :func:`key_line`), found in one pass."""
    found: dict[str, int] = {}
    for i, line in enumerate(text.split("\n"), 1):
        for key in keys:
            if key not in found and line.startswith(f"{key}:"):
                found[key] = i
    return found
