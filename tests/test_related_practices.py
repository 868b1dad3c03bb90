"""Related practices from topic bits (portal/store/topicmasks.py) give the GROUP BY's answer.

The practices written here are test material.
"""

import random
import sqlite3

from portal.generations import current_generation
from portal.ingest import ingest
from portal.store import Store, topicmasks

from conftest import close_site, make_site
from test_ranking_links import PEOPLE, bearer, practice_text

#: Canonical topics, an alias (flygtningeområdet → flygtninge) and a made-up topic outside the vocabulary.
TOPICS = [
    "sprog",
    "mentor",
    "beskæftigelse",
    "virksomhedspraktik",
    "frivillighed",
    "uddannelse",
    "flygtninge",
    "flygtningeområdet",
    "testemne uden for ordlisten",
]
EVIDENCES = ["effekt", "delvis-effekt", "ingen-effekt", "ikke-evalueret"]


def group_by_related(conn, practice: dict, audiences, limit: int = 5) -> list[str]:
    """The reader's query before the topic bits: a GROUP BY over every topic link."""
    topics = practice["data"].get("topics") or []
    audiences = sorted(audiences)
    return [
        r[0]
        for r in conn.execute(
            f"""SELECT item_id FROM item_topics
            WHERE topic IN ({",".join("?" * len(topics))}) AND type = 'practice'
            AND audience IN ({",".join("?" * len(audiences))}) AND item_id != ?
            GROUP BY item_id ORDER BY COUNT(*) DESC, MIN(evidence_rank), MIN(title_sort), item_id LIMIT ?""",
            [*topics, *audiences, practice["id"], limit],
        )
    ]


def test_topic_bits_answer_as_the_group_by_for_every_practice(tmp_path):
    rng = random.Random(11)
    root = tmp_path / "content"
    (root / "practices").mkdir(parents=True)
    for i in range(150):
        title = f"Testindsats {rng.choice('ABCÆØÅ')}{i:03d}"
        text = practice_text(title, ["Ishøj"], rng.choice(EVIDENCES), rng.sample(TOPICS, rng.randint(1, 5)))
        (root / "practices" / f"testindsats-{i:03d}.md").write_text(text, encoding="utf-8")
    ingest(root, tmp_path / "data")
    store = Store(current_generation(tmp_path / "data").db_path)
    try:
        practices = store.items_of_type("practice")
        assert store.conn.execute("SELECT COUNT(*) FROM practice_topics").fetchone()[0] == 150
        for p in practices:
            want = group_by_related(store.conn, p, {"public"})
            assert topicmasks.related(store.conn, p["id"], p["data"]["topics"], {"public"}, 5) == want, p["slug"]
            assert [r["id"] for r in store.related_practices(p)] == want
            assert topicmasks.related(store.conn, p["id"], p["data"]["topics"], {"network:x"}, 5) == []
        # A topic beyond the columns' bits: the reader counts the old way, with the same answer.
        store.conn.close()
        db = sqlite3.connect(current_generation(tmp_path / "data").db_path)
        db.execute("UPDATE topic_bits SET bit = 300 WHERE topic = 'sprog'")
        db.commit()
        db.close()
        store = Store(current_generation(tmp_path / "data").db_path)
        p = next(p for p in practices if "sprog" in p["data"]["topics"])
        assert topicmasks.related(store.conn, p["id"], p["data"]["topics"], {"public"}, 5) is None
        assert [r["id"] for r in store.related_practices(p)] == group_by_related(store.conn, p, {"public"})
    finally:
        store.close()


def test_a_published_practice_with_a_new_topic_is_related_at_once(tmp_path):
    site = make_site(tmp_path, PEOPLE)
    try:
        client, tokens = site.test_client(), site.tokens
        slugs = []
        for title in ("Cykelskole for voksne i Ishøj (testmateriale)", "Cykelhjælpere i Brøndby (testmateriale)"):
            text = practice_text(title, ["Ishøj"], "ikke-evalueret", ["cykling for nytilkomne"])
            created = client.post("/api/submissions", data=text.encode(), headers=bearer(tokens["contributor"]))
            sid = created.get_json()["id"]
            assert client.post(f"/api/submissions/{sid}/approve", headers=bearer(tokens["editor"])).status_code == 200
            slugs.append(created.get_json()["slug"])
        html = client.get(f"/erfaringer/{slugs[0]}").get_data(as_text=True)
        related = html.split("Relaterede erfaringer</h2>")[1].split("</aside>")[0]
        assert "Cykelhjælpere i Brøndby (testmateriale)" in related
        store = Store(current_generation(site.config["DATA_DIR"]).db_path)
        try:
            for slug in slugs:
                p = store.get("practice", slug)
                assert [r["id"] for r in store.related_practices(p)] == group_by_related(store.conn, p, {"public"})
        finally:
            store.close()
    finally:
        close_site(site)
