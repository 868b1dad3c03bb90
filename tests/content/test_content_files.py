"""Reading and validating content files: every kind of bad file is refused
with the exact ``path:line`` and a message that says what to fix."""

import pytest

from portal.content.errors import ContentErrors
from portal.content.loader import load_content, parse_file

GOOD_PRACTICE = """---
title: Tidlig, virksomhedsrettet indsats for flygtninge
kommuner: [København]
evidence: effekt
topics: [beskæftigelse, flygtninge]
source: Testmateriale, ingen rigtig kilde
end: 2018
status: igangværende
---
Indsatsen bringer flygtningene tæt på virksomhederne.
"""


def errors_of(kind: str, text: str, path: str = "content/practices/x.md") -> list[str]:
    with pytest.raises(ContentErrors) as info:
        parse_file(kind, text.encode("utf-8"), path)
    return [str(e) for e in info.value.errors]


def test_good_practice_is_normalised():
    rec = parse_file("practice", GOOD_PRACTICE.encode(), "content/practices/tidlig.md")
    assert rec["slug"] == "tidlig"
    assert rec["kommuner"][0]["code"] == "101"
    assert rec["end"] == 2018 and rec["status"] == "igangværende"
    assert rec["body_md"].startswith("Indsatsen")


BAD_PRACTICES = [
    # (front matter lines, expected "path:line: message" fragment)
    (
        "title: T\nevidence: effekt\ntopics: [a]\nkommunner: [København]",
        "content/practices/x.md:5: ukendt nøgle 'kommunner' – mente du 'kommuner'?",
    ),
    ("evidence: effekt\ntopics: [a]", "content/practices/x.md:2: 'title' skal udfyldes"),
    ("title: T\nevidence: virker\ntopics: [a]", "content/practices/x.md:3: 'evidence' skal være én af"),
    (
        "title: T\nevidence: effekt\ntopics: [a]\nkommuner: [Grinsted]",
        'content/practices/x.md:5: ukendt kommune "Grinsted" – mente du Grindsted',
    ),
    ("title: T\nevidence: effekt\ntopics: beskæftigelse", "content/practices/x.md:4: 'topics' skal være en liste"),
    ("title: T\nevidence: effekt\ntopics: [a]\nend: 20xx", "content/practices/x.md:5: 'end' skal være et årstal"),
    ("title: T\nevidence: effekt\ntopics: [a]\nstatus: i gang", "content/practices/x.md:5: 'status' skal være én af"),
    (
        "title: !!python/object/apply:os.system ['echo pwned']\nevidence: effekt\ntopics: [a]",
        "content/practices/x.md:2: YAML-tags",
    ),
    ("title: &a T\nevidence: effekt\ntopics: [*a]", "content/practices/x.md:2: ankre og aliaser"),
    ("title: T\ntitle: U\nevidence: effekt\ntopics: [a]", "content/practices/x.md:3: nøglen 'title' står to gange"),
    ("title: [T\nevidence: effekt", "content/practices/x.md:3: YAML kan ikke læses"),
    ("- a\n- b", "content/practices/x.md:2: filens front matter skal være en samling"),
    (
        "title: T\nevidence: effekt\ntopics: [a]\nstart: 2019\nend: 2018",
        "content/practices/x.md:6: 'end' (2018) ligger før 'start' (2019)",
    ),
]


@pytest.mark.parametrize("front, expected", BAD_PRACTICES)
def test_bad_practice_is_refused_with_path_and_line(front, expected):
    errors = errors_of("practice", f"---\n{front}\n---\nTekst\n")
    assert any(e.startswith(expected) for e in errors), errors


def test_all_problems_of_a_file_are_reported_at_once():
    errors = errors_of("practice", "---\ntitel: T\nevidence: virker\n---\n")
    assert len(errors) == 5  # unknown key, missing title, bad evidence, missing topics, missing source


@pytest.mark.parametrize(
    "raw, expected",
    [
        (b"title: T\n", "content/practices/x.md:1: filen skal begynde med en linje '---'"),
        (b"---\ntitle: T\n", "content/practices/x.md:1: front matter mangler den afsluttende linje '---'"),
        (b"---\ntitle: \xff\n---\n", "content/practices/x.md:2: filen er ikke gyldig UTF-8"),
        (b"---\ntitle: T\x00\n---\n", "content/practices/x.md:2: filen indeholder et NUL-tegn"),
        (b"---\na: " + b"[" * 40 + b"\n---\n", "content/practices/x.md:2: for dybt indlejret"),
        (b"---\n" + b"x" * 600_000 + b"\n---\n", "content/practices/x.md:1: filen er for stor"),
    ],
)
def test_broken_files_are_refused(raw, expected):
    with pytest.raises(ContentErrors) as info:
        parse_file("practice", raw, "content/practices/x.md")
    assert str(info.value.errors[0]).startswith(expected)


def test_yaml_typing_traps_stay_text():
    """YAML 1.1 would make 'no' False and 0101 the number 65."""
    rec = parse_file(
        "practice", "---\ntitle: no\nevidence: effekt\ntopics: [0101, 1.10]\nsource: yes\n---\n".encode(), "p/x.md"
    )
    assert rec["title"] == "no"
    assert rec["topics"] == ["0101", "1.10"]
    assert rec["source"] == "yes"


def test_crlf_and_bom_are_accepted():
    raw = b"\xef\xbb\xbf" + GOOD_PRACTICE.replace("\n", "\r\n").encode()
    assert parse_file("practice", raw, "p/x.md")["title"].startswith("Tidlig")


def test_kommune_references_by_old_name_and_code():
    rec = parse_file(
        "practice",
        '---\ntitle: T\nevidence: effekt\ntopics: [a]\nsource: Test\nkommuner: [Grindsted, "101", Århus]\n---\n'.encode(),
        "p/x.md",
    )
    assert [(k["name"], k["as"]) for k in rec["kommuner"]] == [
        ("Billund", "Grindsted"),
        ("København", "København"),
        ("Aarhus", "Aarhus"),
    ]


@pytest.mark.parametrize("evidence", ["effekt", "delvis-effekt", "ingen-effekt"])
def test_a_practice_claiming_an_evidence_category_must_name_where_the_judgement_comes_from(evidence):
    """The issue's case: 'evidence: effekt' and no source would be published as "Viser effekt"
    with nothing a reader could check. Refused on the line of the claim, as a 'source' field error."""
    text = f"---\ntitle: T\nkommuner: [København]\nevidence: {evidence}\ntopics: [a]\n---\nTekst\n"
    with pytest.raises(ContentErrors) as info:
        parse_file("practice", text.encode(), "content/practices/x.md")
    [error] = info.value.errors
    assert str(error).startswith("content/practices/x.md:4: 'source' skal udfyldes: en erfaring i kategorien")
    assert error.field == "source" and "hvor vurderingen kommer fra" in error.message


@pytest.mark.parametrize("source_line, line", [("", 4), ("source:\n", 6), ("source: ''\n", 6)])
def test_every_practice_names_its_source_even_one_not_yet_evaluated(source_line, line):
    text = f"---\ntitle: T\nkommuner: [København]\nevidence: ikke-evalueret\ntopics: [a]\n{source_line}---\nTekst\n"
    with pytest.raises(ContentErrors) as info:
        parse_file("practice", text.encode(), "content/practices/x.md")
    assert [(e.line, e.field) for e in info.value.errors] == [(line, "source")]
    assert "skriv, hvor erfaringen kommer fra" in info.value.errors[0].message


def test_the_provenance_rule_accepts_an_evaluation_instead_of_a_source():
    """Ready for evaluation reports: a claim backed by an evaluation that covers the practice is sourced."""
    from portal.content.schema import provenance_problems

    claim = {"evidence": "effekt", "source": None}
    assert provenance_problems(claim) and provenance_problems(claim, evaluations=("en-evaluering",)) == []
    assert provenance_problems(claim | {"source": "Rapport, 2018"}) == []


def test_every_shipped_practice_names_its_source():
    content = load_content("content")
    assert not content.errors
    practices = content.items["practice"].values()
    assert practices and all(p["source"] for p in practices)


def test_ranking_rows_are_checked():
    text = """title: R
lower_is_better: true
rows:
  - {rank: 1, kommune: Grindsted, effect: -7.206, significance: "***"}
  - {rank: 1, kommune: Atlantis, effect: x}
"""
    with pytest.raises(ContentErrors) as info:
        parse_file("ranking", text.encode(), "content/rankings/r.yaml")
    msgs = [str(e) for e in info.value.errors]
    assert any(m.startswith('content/rankings/r.yaml:5: ukendt kommune "Atlantis"') for m in msgs), msgs
    assert any(m.startswith("content/rankings/r.yaml:5: 'effect' skal være et tal") for m in msgs), msgs
    assert any(m.startswith("content/rankings/r.yaml:5: placering 1 står også i række 1") for m in msgs), msgs


def test_note_must_point_at_an_existing_network(tmp_path):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "n.md").write_text("---\ntitle: N\nnetwork: vestegn\ndate: 2006-09-08\n---\nTekst\n")
    content = load_content(tmp_path)
    assert [str(e) for e in content.errors] == [f"{tmp_path}/notes/n.md:3: netværket 'vestegn' findes ikke i networks/"]


def test_bad_file_names_and_stray_files(tmp_path):
    (tmp_path / "practices").mkdir()
    (tmp_path / "practices" / "Æble Projekt.md").write_text(GOOD_PRACTICE)
    (tmp_path / "practices" / "noter.txt").write_text("x")
    msgs = [str(e) for e in load_content(tmp_path).errors]
    assert any("Æble Projekt.md:1: filnavnet 'Æble Projekt' skal bestå af små bogstaver" in m for m in msgs), msgs
    assert any("noter.txt:1: ukendt fil her" in m for m in msgs), msgs


def test_the_shipped_content_is_valid_and_complete():
    content = load_content("content")
    assert content.errors == []
    ranking = content.rankings["akf-selvforsoergelse-1999-2005"]
    assert [r["rank"] for r in ranking["rows"]] == list(range(1, 73))
    effects = [r["effect"] for r in ranking["rows"]]
    assert effects == sorted(effects)
    assert ranking["rows"][0]["kommune_as_published"] == "Grindsted" and ranking["rows"][0]["effect"] == -7.206
    assert ranking["rows"][-1]["kommune_as_published"] == "Brøndby" and ranking["rows"][-1]["effect"] == 6.556
    assert ranking["national"] == {
        "observed": 37.891,
        "expected": 37.891,
        "effect": 0.0,
        "cases": 23563,
        "share_completed": 35.0,
    }
    copenhagen = [p for p in content.practices.values() if [k["code"] for k in p["kommuner"]] == ["101"]]
    assert len(copenhagen) == 15
