"""Moderation that sees and can correct everything, tried as an editor and a contributor would:
an update keeps the contributor's formatting (one changed field is one changed line), the review
page shows every field that will be published, an editor corrects a submission before approving,
a rejected submission comes back revised in the same thread, look-alikes are flagged in the queue."""

import difflib
import re

import pytest

from portal.content.textedit import edit
from portal.web.forms import PRACTICE_FIELDS, from_file, to_file

from conftest import CONTENT, close_site, make_people, make_site

#: A shipped file with the formatting re-serialising used to change: ``end: 2019``, a double-quoted
#: ``source``, flow-style lists, a body with headings and quotes.
SHIPPED = (CONTENT / "practices" / "1-1-indsatser-i-koordineringsenheden.md").read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def _form(raw: str, **changes) -> dict:
    values = from_file(raw, PRACTICE_FIELDS)
    values.update(changes)
    return values


def _body_with_one_word_changed(raw):
    body = from_file(raw, PRACTICE_FIELDS)["body"]
    return body.replace("Bilaget placerer det", "Bilaget placerer indsatsen", 1)


@pytest.mark.parametrize("name, change, expected", [
    ("title", lambda raw: {"title": "1-1 indsatser i Koordineringsenheden"},
     ["-title: 1-1 indsatser i koordineringsenheden", "+title: 1-1 indsatser i Koordineringsenheden"]),
    ("one year", lambda raw: {"end": "2020"}, ["-end: 2019", "+end: 2020"]),
    ("a list item added", lambda raw: {"target_groups": ["indsatte", "unge"]},
     ["-target_groups: [indsatte]", "+target_groups: [indsatte, unge]"]),
    ("a new key", lambda raw: {"start": "2016"}, ["+start: 2016"]),
    ("a key removed", lambda raw: {"status": ""}, ["-status: igangværende"]),
    ("one word of the body", lambda raw: {"body": _body_with_one_word_changed(raw)}, None),
])
def test_an_edit_of_one_field_changes_one_line_of_the_file(name, change, expected):
    after = to_file(_form(SHIPPED, **change(SHIPPED)), PRACTICE_FIELDS, base=SHIPPED)
    lines = changed_lines(SHIPPED, after)
    if expected is None:  # the body: exactly the one paragraph that holds the word
        assert len(lines) == 2 and lines[0].startswith("-") and lines[1].startswith("+"), lines
        assert "placerer indsatsen" in lines[1]
    else:
        assert lines == expected
    assert 'source: "Københavns Kommune' in after  # the untouched quoted source keeps its double quotes


def test_an_unchanged_form_gives_back_the_file_byte_for_byte():
    assert to_file(_form(SHIPPED), PRACTICE_FIELDS, base=SHIPPED) == SHIPPED


def test_a_new_file_from_the_form_writes_years_as_numbers():
    values = {name: "" for name in PRACTICE_FIELDS} | {
        "title": "T", "kommuner": ["101"], "evidence": "ikke-evalueret", "topics": ["sprog"], "start": "2018",
        "target_groups": [], "body": "Testindhold."}
    raw = to_file(values, PRACTICE_FIELDS)
    assert "start: 2018\n" in raw and "'2018'" not in raw and "kommuner: [København]\n" in raw


def test_edit_keeps_comments_blank_lines_and_block_lists():
    raw = "---\ntitle: A\n# en kommentar\ntopics:\n  - sprog\n  - job\n\nend: 2018\n---\nTekst.\n"
    after = edit(raw, {"topics": ["sprog"]})
    assert after == "---\ntitle: A\n# en kommentar\ntopics: [sprog]\n\nend: 2018\n---\nTekst.\n"
    assert edit(raw, {"contact": "x@example.dk"}).endswith("end: 2018\ncontact: x@example.dk\n---\nTekst.\n")
