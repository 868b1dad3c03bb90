"""The ranking and kommune pages' links to practice, precomputed (issue 16).

``ranking_links`` is filled by the ingest and kept by each publication in the same
transaction (portal/store/lessons.py). These tests check that what the pages show
equals a direct computation over the content files, that an approval changes the
pages at once, and that nothing unpublished or network-only reaches a public page.
All practices written here are test material.
"""

import json
import random
import re
import shutil
import sqlite3

import pytest

from portal import rankings
from portal.content import vocabulary
from portal.content.kommuner import danish_sort_key
from portal.content.loader import load_content
from portal.generations import current_generation
from portal.ingest import ingest
from portal.kinds import KINDS
from portal.store import EVIDENCE_RANK, NO_EVIDENCE_RANK, Store, lessons
from portal.web import create_app

from conftest import CONTENT, close_site, make_site
from test_races import Writers, _approve

SLUG = "akf-selvforsoergelse-1999-2005"
#: Kommuner across the ranking: the top five (Grindsted=Billund, Høje Taastrup, Kjellerup=Silkeborg,
#: Helsingør, Horsens), the bottom (Hedensted 70, Skive 71, Brøndby 72) and two in between.
KOMMUNER = [
    "Billund",
    "Høje-Taastrup",
    "Silkeborg",
    "Helsingør",
    "Horsens",
    "Hedensted",
    "Skive",
    "Brøndby",
    "Ishøj",
    "Aarhus",
]
TOPICS = ["sprog", "mentor", "beskæftigelse", "virksomhedspraktik", "frivillighed", "uddannelse"]
EVIDENCES = ["effekt", "delvis-effekt", "ingen-effekt", "ikke-evalueret"]


def practice_text(title: str, kommuner: list[str], evidence: str, topics: list[str]) -> str:
    return (
        f"---\ntitle: {title}\nkommuner: [{', '.join(kommuner)}]\nevidence: {evidence}\n"
        f"source: Testmateriale, ingen rigtig kilde\ntopics: [{', '.join(topics)}]\n---\nTestindhold.\n"
    )


def random_tree(root, seed: int, n: int = 60):
    """The shipped ranking and ``n`` made-up practices (test material) in random kommuner,
    with random evidence and topics; some are joint projects of two kommuner."""
    rng = random.Random(seed)
    (root / "practices").mkdir(parents=True)
    shutil.copytree(CONTENT / "rankings", root / "rankings")
    for i in range(n):
        places = rng.sample(KOMMUNER, rng.choice([1, 1, 1, 2]))
        title = f"Testindsats {rng.choice('ABCDEFGHÆØÅ')}{i:03d}"
        text = practice_text(title, places, rng.choice(EVIDENCES), rng.sample(TOPICS, rng.randint(1, 3)))
        (root / "practices" / f"testindsats-{i:03d}.md").write_text(text, encoding="utf-8")


def expected_links(content_root, top_n: int = 5, per: int = 5) -> dict:
    """What the pages should show, computed straight from the content files (the rule
    as docs/content-format and the ranking page state it, written out independently)."""
    content = load_content(content_root)
    rows = content.items["ranking"][SLUG]["rows"]
    practices = list(content.items["practice"].values())

    def codes(p):
        return {k["code"] for k in KINDS["practice"].kommuner_of(p)}

    def topics(p):
        return set(vocabulary.canonical_list("topic", p.get("topics")))

    def order(p):
        return (EVIDENCE_RANK.get(p.get("evidence"), NO_EVIDENCE_RANK), danish_sort_key(p["title"])[0], p["slug"])

    n = min(top_n, len(rows) // 2)
    top = rows[:n]
    top_codes = {r["kommune"]["code"]: r["kommune_as_published"] for r in top if r.get("kommune")}
    out = {}
    for r in rows:
        code = r["kommune"]["code"] if r.get("kommune") else None
        own = sorted((p for p in practices if code in codes(p)), key=order)
        entry = {"practices": [p["slug"] for p in own[:per]], "practices_total": len(own)}
        if r["rank"] > len(rows) / 2:
            own_topics = set().union(*(topics(p) for p in own))
            fits = sorted((p for p in practices if codes(p) & set(top_codes) and code not in codes(p)), key=order)
            for key, group in (
                ("suggested_practices", [p for p in fits if p["evidence"] in ("effekt", "delvis-effekt")]),
                ("other_practices", [p for p in fits if p["evidence"] not in ("effekt", "delvis-effekt")]),
            ):
                best = sorted(group, key=lambda p: -len(own_topics & topics(p)))[:5]
                entry[key] = [
                    (p["slug"], sorted(own_topics & topics(p)), [top_codes[c] for c in top_codes if c in codes(p)])
                    for p in best
                ]
        out[r["rank"]] = entry
    return out


def shown(row: dict) -> dict:
    """A row of the API's top/bottom or a kommune entry, in the form of expected_links."""
    out = {}
    if "practices" in row:
        out["practices"] = [p["id"] for p in row["practices"]]
        out["practices_total"] = row["practices_total"]
    for key in lessons.LESSON_KEYS:
        if key in row:
            out[key] = [(p["id"], p["shared_topics"], p["from_kommuner"]) for p in row[key]]
    return out


def check_against_content(app, content_root, top_n: int = 5):
    """The ranking API (= the ranking page's data) and every kommune page's lessons equal the direct computation."""
    want = expected_links(content_root, top_n)
    body = app.test_client().get(f"/api/rankings/{SLUG}").get_json()
    assert len(body["top"]) == len(body["bottom"]) == top_n
    for row in body["top"]:
        assert shown(row) == {k: want[row["rank"]][k] for k in ("practices", "practices_total")}, row["rank"]
    for row in body["bottom"]:
        assert shown(row) == want[row["rank"]], row["rank"]
    store = Store(current_generation(app.config["DATA_DIR"]).db_path)
    try:
        for row in body["rows"]:
            if not row["kommune"]:
                continue
            for entry in rankings.kommune_against_rankings(store, row["kommune"]["code"], top_n=top_n):
                if entry["row"]["rank"] > len(body["rows"]) / 2:  # the lower half: "Lær af de hurtigste"
                    got = shown(entry)
                    assert got == {k: want[entry["row"]["rank"]][k] for k in got}, entry["row"]["rank"]
                    assert [shown(t)["practices"] for t in entry["top"]] == [
                        want[r]["practices"] for r in range(1, top_n + 1)
                    ]
    finally:
        store.close()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_precomputed_links_equal_a_direct_computation_over_the_content(tmp_path, seed):
    random_tree(tmp_path / "content", seed)
    ingest(tmp_path / "content", tmp_path / "data")
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "CONTENT_DIR": str(tmp_path / "content")})
    try:
        db = sqlite3.connect(current_generation(tmp_path / "data").db_path)
        assert db.execute("SELECT COUNT(*) FROM ranking_links").fetchone()[0] == 72  # one entry per row, at ingest
        db.close()
        check_against_content(app, tmp_path / "content")
    finally:
        app.extensions["portal_index"].close()
    # Another RANKING_TOP_N is computed when viewed, by the same rule.
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data"), "RANKING_TOP_N": 3})
    try:
        check_against_content(app, tmp_path / "content", top_n=3)
    finally:
        app.extensions["portal_index"].close()


PEOPLE = {
    "contributor": ("videnscenter@example.dk", "contributor", (), "--organisation", "Videnscenter Test"),
    "editor": ("redaktoer@example.dk", "editor", ()),
}


def bearer(token):
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"}


@pytest.fixture
def site(tmp_path):
    app = make_site(tmp_path, PEOPLE)
    yield app
    close_site(app)


def stored_equals_computed(app):
    """The table after incremental updates holds exactly what a full recomputation gives."""
    db = sqlite3.connect(current_generation(app.config["DATA_DIR"]).db_path)
    try:
        stored = {r: json.loads(d) for r, d in db.execute("SELECT rank, data FROM ranking_links")}
        assert stored == lessons.compute(db, SLUG)
    finally:
        db.close()


def test_an_approval_changes_the_ranking_and_kommune_pages_at_once(site):
    anonymous = site.test_client()  # with the page cache on, as readers get pages
    ranking_before = anonymous.get(f"/rangeringer/{SLUG}").get_data(as_text=True)
    broendby_before = anonymous.get("/kommuner/broendby").get_data(as_text=True)
    title = "Sprogcafé med målt effekt i Billund (testmateriale)"
    assert title not in ranking_before and title not in broendby_before

    client, tokens = site.test_client(), site.tokens
    text = practice_text(title, ["Billund"], "effekt", ["sprog", "beskæftigelse"])
    sid = client.post("/api/submissions", data=text.encode(), headers=bearer(tokens["contributor"])).get_json()["id"]
    # Submitted, not approved: on no public page.
    assert title not in anonymous.get(f"/rangeringer/{SLUG}").get_data(as_text=True)
    assert title not in anonymous.get("/kommuner/broendby").get_data(as_text=True)
    assert client.post(f"/api/submissions/{sid}/approve", headers=bearer(tokens["editor"])).status_code == 200

    ranking = anonymous.get(f"/rangeringer/{SLUG}").get_data(as_text=True)
    top = ranking.split('id="h-top"')[1].split('id="h-bottom"')[0]
    assert title in top.split("Nr. 1: Grindsted")[1].split("Nr. 2:")[0]  # listed under Billund (Grindsted)
    bottom = ranking.split('id="h-bottom"')[1].split('id="h-read"')[0]
    assert title in bottom.split("Nr. 72: Brøndby")[1]  # offered to Brøndby as what the fastest do
    broendby = anonymous.get("/kommuner/broendby").get_data(as_text=True)
    assert title in broendby
    body = anonymous.get(f"/api/rankings/{SLUG}").get_json()
    slug = "sprogcafe-med-maalt-effekt-i-billund-testmateriale"
    assert [p["id"] for p in body["bottom"][-1]["suggested_practices"]] == [slug]
    assert body["bottom"][-1]["suggested_practices"][0]["from_kommuner"] == ["Grindsted"]
    stored_equals_computed(site)

    # An update moves it to Brøndby: now Brøndby's own, and never offered to itself.
    moved = practice_text(title, ["Brøndby"], "effekt", ["sprog", "beskæftigelse"])
    usid = client.post(
        f"/api/submissions?slug={slug}", data=moved.encode(), headers=bearer(tokens["contributor"])
    ).get_json()["id"]
    assert client.post(f"/api/submissions/{usid}/approve", headers=bearer(tokens["editor"])).status_code == 200
    body = anonymous.get(f"/api/rankings/{SLUG}").get_json()
    assert body["top"][0]["practices"] == [] and body["bottom"][-1]["suggested_practices"] == []
    assert [p["id"] for p in body["bottom"][-1]["practices"]][0] == slug  # a shown effect first
    ranking = anonymous.get(f"/rangeringer/{SLUG}").get_data(as_text=True)
    assert title not in ranking.split('id="h-top"')[1].split('id="h-bottom"')[0]
    stored_equals_computed(site)


def test_a_practice_in_a_middle_kommune_updates_only_its_rows_and_stays_equal(site):
    """Ishøj ranks in the lower half: its own row is recomputed, the rest kept, and the whole still equals a
    full computation."""
    client, tokens = site.test_client(), site.tokens
    text = practice_text("Mentorer i Ishøj (testmateriale)", ["Ishøj"], "ingen-effekt", ["mentor"])
    sid = client.post("/api/submissions", data=text.encode(), headers=bearer(tokens["contributor"])).get_json()["id"]
    assert client.post(f"/api/submissions/{sid}/approve", headers=bearer(tokens["editor"])).status_code == 200
    html = client.get("/kommuner/ishoej").get_data(as_text=True)
    assert "Mentorer i Ishøj (testmateriale)" in html
    stored_equals_computed(site)


def test_a_network_only_practice_would_never_reach_the_public_links(tmp_path):
    """Practices are public today; should one ever carry a network's audience, the public table
    leaves it out and a member's page computes its links with it (the store checks, per request)."""
    random_tree(tmp_path / "content", seed=4, n=30)
    ingest(tmp_path / "content", tmp_path / "data")
    path = current_generation(tmp_path / "data").db_path
    db = sqlite3.connect(path)
    db.execute("UPDATE items SET audience = 'network:vestegnen' WHERE type = 'practice'")
    db.execute("UPDATE item_kommuner SET audience = 'network:vestegnen' WHERE type = 'practice'")
    lessons.refresh(db)
    db.commit()
    db.close()
    app = create_app({"TESTING": True, "DATA_DIR": str(tmp_path / "data")})
    try:
        body = app.test_client().get(f"/api/rankings/{SLUG}").get_json()
        html = app.test_client().get(f"/rangeringer/{SLUG}").get_data(as_text=True)
        broendby = app.test_client().get("/kommuner/broendby").get_data(as_text=True)
    finally:
        app.extensions["portal_index"].close()
    assert all(shown(r).get("practices") == [] for r in body["top"] + body["bottom"])
    assert all(not r["suggested_practices"] and not r["other_practices"] for r in body["bottom"])
    assert not re.search(r"Testindsats", html) and "Testindsats" not in broendby
    store = Store(path)
    try:
        member = rankings.linked_ranking(store, SLUG, audiences=frozenset({"public", "network:vestegnen"}))
    finally:
        store.close()
    assert any(r["practices"] for r in member["top"] + member["bottom"])


def test_two_approvals_at_once_in_two_top_kommuner_both_reach_the_precomputed_links(tmp_path):
    """Two writer processes approve practices of two top kommuner at the same moment; both
    publications answered yes, both are on the ranking page, and the table equals a full computation."""
    app = make_site(tmp_path, PEOPLE)
    tokens, client = app.tokens, app.test_client()
    titles = {"Billund": "Jobmentorer i Billund (testmateriale)", "Horsens": "Sprogpraktik i Horsens (testmateriale)"}
    sids = [
        client.post(
            "/api/submissions",
            data=practice_text(t, [k], "delvis-effekt", ["sprog"]).encode(),
            headers=bearer(tokens["contributor"]),
        ).get_json()["id"]
        for k, t in titles.items()
    ]
    writers = Writers(app.config["DATA_DIR"], app.config["CONTENT_DIR"])
    try:
        answers = writers.at_once(_approve(tokens["editor"], sids[0]), _approve(tokens["editor"], sids[1]))
    finally:
        writers.close()
    assert [status for status, _body in answers] == [200, 200]
    try:
        body = app.test_client().get(f"/api/rankings/{SLUG}").get_json()
        listed = {r["kommune"]["name"]: [p["title"] for p in r["practices"]] for r in body["top"]}
        assert titles["Billund"] in listed["Billund"] and titles["Horsens"] in listed["Horsens"]
        offered = [p["title"] for p in body["bottom"][-1]["suggested_practices"]]
        assert sorted(offered) == sorted(titles.values())
        stored_equals_computed(app)
    finally:
        close_site(app)


def test_the_early_stopping_pass_gives_what_weighing_every_candidate_gives():
    """lessons_for stops once a group holds enough candidates sharing the most topics any can share;
    on random pools it returns exactly what suggest() over every fitting candidate returns."""
    rng = random.Random(5)
    names = [f"emne{i}" for i in range(8)]
    for trial in range(2000):
        candidates = [f"p{i}" for i in range(rng.randint(0, 60))]
        topics_of = {c: frozenset(rng.sample(names, rng.randint(0, 4))) for c in candidates}
        codes_of = {c: set(rng.sample(["101", "147", "153", "183"], rng.randint(1, 2))) for c in candidates}
        shows = {c for c in candidates if rng.random() < 0.4}
        own = set(rng.sample(names, rng.randint(0, 8)))
        code = rng.choice(["153", "999", None])
        bound = max((len(t) for t in topics_of.values()), default=0)
        fits = [c for c in candidates if code not in codes_of[c]]
        want = (
            lessons.suggest(own, [c for c in fits if c in shows], topics_of),
            lessons.suggest(own, [c for c in fits if c not in shows], topics_of),
        )
        assert lessons.lessons_for(code, own, candidates, topics_of, codes_of, shows, bound) == want, trial
