"""Web forms ↔ files in the content format. Flask-free.

The web form is only another way to write a content file: the fields are
turned into exactly the text a knowledge centre would upload (YAML front
matter + Markdown), and validated by the same code as every ingest. Errors come
back per field (``ContentError.field``) so the form can show each beside its
input, with everything the user typed kept.
"""

from __future__ import annotations


from ..content import kommuner as kommune_registry
from ..content import textedit
from ..content.errors import ContentError
from ..content.frontmatter import read_markdown
from ..content.schema import PRACTICE_KEYS

#: The form's fields: the content format's keys (schema.PRACTICE_KEYS) but ``reviewed``,
#: which editors set from the review list, and the body.
PRACTICE_FIELDS = (*(key for key in PRACTICE_KEYS if key != "reviewed"), "body")
NOTE_FIELDS = ("title", "network", "date", "kommuner", "topics", "practices", "visibility", "body")
LIST_FIELDS = {"kommuner", "topics", "target_groups", "practices"}
LABELS = {
    "title": "Titel",
    "kommuner": "Kommuner",
    "evidence": "Evidens",
    "topics": "Emner",
    "target_groups": "Målgrupper",
    "organisation": "Organisation",
    "start": "Startår",
    "end": "Slutår",
    "status": "Status",
    "source": "Kilde",
    "contact": "Kontakt",
    "body": "Beskrivelse",
    "network": "Netværk",
    "date": "Dato",
    "practices": "Erfaringer",
    "visibility": "Synlighed",
}


def split_list(text: str) -> list[str]:
    """``"beskæftigelse, mentor"`` → ``["beskæftigelse", "mentor"]`` (commas or new lines)."""
    return [p.strip() for p in (text or "").replace("\n", ",").split(",") if p.strip()]


def form_values(form, fields: tuple[str, ...]) -> dict:
    """What the user typed, as the template shows it again (lists as lists)."""
    values = {}
    for name in fields:
        if name in ("kommuner", "practices"):  # checkboxes / multiple select
            values[name] = [v for v in form.getlist(name) if v]
        elif name in LIST_FIELDS:
            values[name] = split_list(form.get(name, ""))
        else:
            values[name] = form.get(name, "")
    return values


def to_file(values: dict, fields: tuple[str, ...], base: str | None = None) -> str:
    """Form values → the text of a content file. Empty fields are left out.

    ``base``: the text the form was prefilled from (an update, an editor's
    correction). Only the fields whose values differ from it are rewritten and
    everything else keeps the writer's own formatting (see
    :mod:`portal.content.textedit`), so one changed field is one changed line.
    """
    if base is not None:
        try:
            return _edit(base, values, fields)
        except textedit.NotEditable:
            pass  # no front matter to keep: the form's values make a whole new file
    lines = []
    for name in fields:
        if name == "body":
            continue
        value = _file_value(name, values.get(name))
        if value in (None, "", []):
            continue
        lines.extend(textedit.dump_key(name, value))
    body = (values.get("body") or "").replace("\r\n", "\n").strip("\n")
    return "---\n" + "".join(line + "\n" for line in lines) + f"---\n{body}\n"


def _file_value(name: str, value):
    """A form value as the file holds it: kommune codes become names, text is stripped."""
    if name == "kommuner":
        return [_kommune_name(v) for v in value or []]
    if isinstance(value, list):
        return value
    return "" if value is None else str(value).strip()


def _same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return [str(v).strip() for v in a or []] == [str(v).strip() for v in b or []]
    return ("" if a is None else str(a)).strip() == ("" if b is None else str(b)).strip()


def _edit(base: str, values: dict, fields: tuple[str, ...]) -> str:
    before = from_file(base, fields)
    changes = {
        name: _file_value(name, values.get(name))
        for name in fields
        if name != "body" and not _same(values.get(name), before.get(name))
    }
    body = (values.get("body") or "").replace("\r\n", "\n")
    return textedit.edit(base, changes, body=None if _same(body.strip("\n"), before.get("body")) else body)


def _kommune_name(ref: str) -> str:
    try:
        return kommune_registry.by_code(ref).name
    except KeyError:
        return ref


def from_file(raw: str, fields: tuple[str, ...]) -> dict:
    """The text of a content file → form values (to prefill an update)."""
    doc = read_markdown(raw.encode("utf-8"), "fil")
    data = doc.data if isinstance(doc.data, dict) else {}
    values = {}
    for name in fields:
        if name == "body":
            values[name] = doc.body.strip("\n")
        elif name == "kommuner":
            codes = []
            for ref in data.get("kommuner") or []:
                try:
                    codes.append(kommune_registry.resolve(ref).kommune.code)
                except kommune_registry.KommuneError:
                    pass
            values[name] = codes
        elif name in LIST_FIELDS:
            values[name] = list(data.get(name) or [])
        else:
            values[name] = data.get(name) or ""
    return values


def field_errors(errors: list[ContentError], fields: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    """Split errors into those that belong to a form field and the rest."""
    by_field: dict[str, list[str]] = {}
    other: list[str] = []
    for e in errors:
        name = e.field if e.field in fields else None
        if name is None and e.message.startswith("teksten"):
            name = "body"
        if name:
            # The file format's key names mean nothing in the form: say the field's label.
            message = e.message.replace(f"'{name}'", f"»{LABELS.get(name, name)}«")
            by_field.setdefault(name, []).append(message[0].upper() + message[1:])
        else:
            other.append(e.message[0].upper() + e.message[1:])
    return by_field, other
