"""Reading YAML and Markdown-with-front-matter files safely.

We never let YAML decide types. The tree is built from the parser's *events*
(not from PyYAML's constructors), which gives us, in one pass and without
recursion:

* every scalar as text — ``no`` stays ``"no"``, ``0101`` stays ``"0101"``,
  ``1.10`` stays ``"1.10"``; the schema converts each field explicitly;
* a refusal of anchors, aliases (no alias bombs) and explicit tags
  (``!!python/object`` is an error, never executed);
* a refusal of duplicate keys, which PyYAML would silently drop;
* a nesting limit instead of a ``RecursionError``;
* the line of every key and list item, so errors read ``path:line: message``.

Input: text of a content file. Output: ``Document(data, lines, body, body_line)``
where ``lines`` maps a key path such as ``("rows", 3, "effect")`` to a 1-based
line number in the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from . import characters
from .errors import ContentError

try:  # libyaml is much faster on big trees; the pure-Python parser behaves the same
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_FILE_BYTES = 512_000
MAX_FRONT_MATTER_BYTES = 64_000
MAX_DEPTH = 8
MAX_SCALAR_CHARS = 20_000

# Plain (unquoted) scalars that mean "no value"; quoted ones stay text.
_NULLS = {"", "~", "null", "Null", "NULL"}

KeyPath = tuple


@dataclass
class Document:
    data: object
    lines: dict[KeyPath, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line(self, *path) -> int:
        """The line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def decode(raw: bytes, path: str, check: bool = True) -> str:
    """Bytes of a content file → text, refusing what cannot be text
    (with ``check``, also the control characters of :mod:`.characters`)."""
    if len(raw) > MAX_FILE_BYTES:
        raise ContentError(path, 1, f"filen er for stor ({len(raw):,} bytes; højst {MAX_FILE_BYTES:,})")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(path, line, "filen er ikke gyldig UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if check:
        check_text(text, path)
    return text


def check_text(text: str, path: str, first_line: int = 1, field: str | None = None, what: str = "filen") -> None:
    """Refuse a control character anywhere in ``text`` (multi-line rules), with its line."""
    found = characters.problem(text)
    if found:
        at, message = found
        raise ContentError(path, first_line + text.count("\n", 0, at), f"{what} {message}", field=field)


def split_front_matter(text: str, path: str) -> tuple[str, str, int]:
    """Split ``---`` front matter from the Markdown body.

    Returns (yaml_text, body, body_line) where body_line is the 1-based line
    the body starts on.
    """
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "filen skal begynde med en linje '---' efterfulgt af front matter")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            front = "\n".join(lines[1:i])
            if len(front.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
                raise ContentError(path, 2, f"front matter er for stor (højst {MAX_FRONT_MATTER_BYTES:,} bytes)")
            return front, "\n".join(lines[i + 1 :]), i + 2
    raise ContentError(path, 1, "front matter mangler den afsluttende linje '---'")


def parse_yaml(text: str, path: str, first_line: int = 1) -> Document:
    """Parse YAML text into plain dicts, lists and strings (see module docstring)."""
    offset = first_line - 1
    stack: list[list] = []  # each frame: [container, pending_key, key_path]
    root: object = None
    lines: dict[KeyPath, int] = {}
    documents = 0

    def here(event) -> int:
        return event.start_mark.line + 1 + offset

    def attach(value, event) -> KeyPath | None:
        """Put ``value`` into the current container; return its key path."""
        nonlocal root
        if not stack:
            root = value
            lines[()] = here(event)
            return ()
        frame = stack[-1]
        container, key_path = frame[0], frame[2]
        if isinstance(container, list):
            item_path = key_path + (len(container),)
            container.append(value)
            lines[item_path] = here(event)
            return item_path
        if frame[1] is _NO_KEY:  # this value is a key
            if not isinstance(value, str):
                raise ContentError(path, here(event), "en nøgle skal være en simpel tekst")
            if value in container:
                raise ContentError(path, here(event), f"nøglen '{value}' står to gange")
            frame[1] = value
            lines[key_path + (value,)] = here(event)
            return None
        key = frame[1]
        container[key] = value
        frame[1] = _NO_KEY
        return key_path + (key,)

    try:
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise ContentError(
                    path, here(event), "ankre og aliaser (& og *) er ikke tilladt; sæt værdier med * i anførselstegn"
                )
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise ContentError(path, here(event), f"YAML-tags som '{tag}' er ikke tilladt")
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise ContentError(path, here(event), "kun ét YAML-dokument pr. fil")
            elif isinstance(event, yaml.ScalarEvent):
                value = event.value
                # Checked decoded: YAML escapes such as "\0" or "\e" never appear in the raw bytes.
                found = characters.problem(value)
                if found:
                    field = _top_key(stack)
                    raise ContentError(
                        path, here(event), f"{f'{field!r}' if field else 'værdien'} {found[1]}", field=field
                    )
                if len(value) > MAX_SCALAR_CHARS:
                    raise ContentError(path, here(event), f"værdien er for lang (højst {MAX_SCALAR_CHARS:,} tegn)")
                if event.style in (None, "") and value in _NULLS:  # plain, not quoted
                    value = None
                attach(value, event)
            elif isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    raise ContentError(path, here(event), f"for dybt indlejret (højst {MAX_DEPTH} niveauer)")
                container = {} if isinstance(event, yaml.MappingStartEvent) else []
                key_path = attach(container, event)
                if key_path is None:
                    raise ContentError(path, here(event), "en nøgle skal være en simpel tekst")
                stack.append([container, _NO_KEY, key_path])
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        raise ContentError(path, line, f"YAML kan ikke læses: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise ContentError(path, first_line, f"YAML kan ikke læses: {exc}") from None
    return Document(data=root, lines=lines)


_NO_KEY = object()


def _top_key(stack: list[list]) -> str | None:
    """The top-level key the scalar being read belongs to (the form field to blame)."""
    if len(stack) > 1:
        key = stack[1][2][0]
    elif stack:
        key = stack[0][1]
    else:
        return None
    return key if isinstance(key, str) else None


def read_markdown(raw: bytes, path: str) -> Document:
    """A Markdown file with YAML front matter → Document with ``body``."""
    text = decode(raw, path, check=False)
    front, body, body_line = split_front_matter(text, path)
    check_text(front, path, first_line=2)
    check_text(body, path, first_line=body_line, field="body", what="teksten")
    doc = parse_yaml(front, path, first_line=2)
    doc.body, doc.body_line = body, body_line
    return doc


def read_yaml(raw: bytes, path: str) -> Document:
    """A plain YAML file → Document."""
    return parse_yaml(decode(raw, path), path)
