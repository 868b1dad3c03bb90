"""The ingest: files in, a new generation swapped in; a bad file changes nothing."""

import shutil

import pytest

from portal.web import create_app
from portal.ingest import IngestFailed, current_generation, ingest
from portal.store import Store

from conftest import CONTENT


@pytest.fixture
def content_copy(tmp_path):
    dst = tmp_path / "content"
    shutil.copytree(CONTENT, dst)
    return dst


def test_ingest_builds_store_and_index(tmp_path):
    report = ingest(CONTENT, tmp_path / "data")
    assert report.counts == {"practice": 26, "network": 1, "note": 1, "ranking": 1, "indicator": 3, "evaluation": 1}
    gen = current_generation(tmp_path / "data")
    store = Store(gen.db_path)
    try:
        assert store.get("practice", "tidlig-virksomhedsrettet-indsats-for-flygtninge")["evidence"] == "effekt"
        assert len(store.ranking_rows("akf-selvforsoergelse-1999-2005")) == 72
    finally:
        store.close()


def test_a_bad_file_is_refused_and_the_old_generation_keeps_serving(tmp_path, content_copy):
    data = tmp_path / "data"
    ingest(content_copy, data)
    before = current_generation(data)
    bad = content_copy / "practices" / "ny.md"
    bad.write_text("---\ntitle: Ny\nevidence: efekt\nsource: Testmateriale\ntopics: [x]\n---\n", encoding="utf-8")
    with pytest.raises(IngestFailed) as info:
        ingest(content_copy, data)
    assert [str(e) for e in info.value.errors] == [
        f"{bad}:3: 'evidence' skal være én af 'effekt', 'delvis-effekt', 'ingen-effekt', 'ikke-evalueret', ikke 'efekt' – mente du 'effekt'?"
    ]
    assert current_generation(data) == before
    assert sorted(p.name for p in (data / "derived").iterdir() if p.name.startswith("gen-")) == [before.name]


def test_repeated_ingests_keep_only_two_generations(tmp_path):
    data = tmp_path / "data"
    names = [ingest(CONTENT, data).generation.name for _ in range(3)]
    kept = sorted(p.name for p in (data / "derived").iterdir() if p.name.startswith("gen-"))
    assert current_generation(data).name == names[-1]
    assert kept == sorted(names[-2:])


def test_cli_reports_every_problem_as_path_line_and_exits_non_zero(tmp_path, content_copy):
    data = tmp_path / "data"
    app = create_app({"DATA_DIR": str(data), "CONTENT_DIR": str(content_copy)})
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["ingest"])
    assert ok.exit_code == 0, ok.output
    assert "Indlæst: 26 erfaringer, 1 netværksnotater, 1 netværk, 1 rangeringer, 3 nøgletal" in ok.output

    (content_copy / "practices" / "a.md").write_text(
        "---\ntitle: A\nevidence: effekt\nsource: Testmateriale\ntopics: [x]\nkommuner: [Atlantis]\n---\n"
    )
    (content_copy / "networks" / "b.yaml").write_text("name: B\nregion: Jylland\n")
    (content_copy / "rankings" / "c.yaml").write_text("title: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    bad = runner.invoke(args=["ingest"])
    assert bad.exit_code == 1
    lines = bad.output.splitlines()
    assert f'{content_copy}/practices/a.md:6: ukendt kommune "Atlantis"' in "\n".join(lines)
    assert any(line.startswith(f"{content_copy}/networks/b.yaml:2: 'region' skal være én af") for line in lines)
    assert any(line.startswith(f"{content_copy}/rankings/c.yaml:1: YAML-tags") for line in lines)
    assert "Portalen viser fortsat det tidligere indhold" in bad.output


def test_ingest_with_content_option(tmp_path, content_copy):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "CONTENT_DIR": "/nonexistent"})
    result = app.test_cli_runner().invoke(args=["ingest", "--content", str(content_copy)])
    assert result.exit_code == 0, result.output


def test_portal_answers_503_before_the_first_ingest(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "empty")})
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503 and "flask --app app ingest" in page.get_data(as_text=True)
    api = client.get("/api/search?q=x")
    assert api.status_code == 503 and "error" in api.get_json()
    app.extensions["portal_index"].close()


def test_parallel_rendering_gives_the_same_store(tmp_path, monkeypatch):
    """Large ingests prepare files in worker processes, a few small chunks in flight at a
    time; every table of the database must be the same as the one-process ingest's."""
    import sqlite3

    from portal import ingest_work

    def tables(data):
        conn = sqlite3.connect(current_generation(data).db_path)
        try:
            names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            return {n: sorted(conn.execute(f"SELECT * FROM {n}").fetchall(), key=repr) for n in names if n != "meta"}
        finally:
            conn.close()

    ingest(CONTENT, tmp_path / "one")
    monkeypatch.setattr(ingest_work, "PARALLEL_MIN", 1)
    monkeypatch.setattr(ingest_work, "CHUNK", 3)
    monkeypatch.setattr(ingest_work, "WINDOW", 2)
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    ingest(CONTENT, tmp_path / "two")
    one, two = tables(tmp_path / "one"), tables(tmp_path / "two")
    assert one["items"] and one == two
