"""The ingest's render cache: unchanged bodies are not rendered again, the
result is the same as without it, and a damaged cache is ignored."""

import shutil
import sqlite3

import pytest

from portal import render_cache, rendering
from portal.ingest import RENDER_CACHE, current_generation, ingest
from portal.generations import derived_dir

from conftest import CONTENT


def _bodies(data):
    conn = sqlite3.connect(current_generation(data).db_path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        table = "item_bodies" if "item_bodies" in tables else "items"
        return sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
    finally:
        conn.close()


@pytest.fixture
def renders(monkeypatch):
    calls = []
    real = rendering._render

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(rendering, "_render", counting)
    return calls


def test_a_second_ingest_renders_nothing_and_gives_the_same_data(tmp_path, renders):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    data = tmp_path / "data"
    ingest(content, data)
    first = _bodies(data)
    rendered_first = len(renders)
    assert rendered_first > 0 and (derived_dir(data) / RENDER_CACHE).is_file()

    renders.clear()
    ingest(content, data)
    assert renders == []
    assert _bodies(data) == first

    # one changed body: only it is rendered
    path = next((content / "practices").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nEn ny *sidste* linje.\n", encoding="utf-8")
    ingest(content, data)
    assert len(renders) == 1 and "En ny *sidste* linje." in renders[0]

    # and without the cache the data is the same
    shutil.rmtree(data)
    ingest(content, data)
    renders.clear()
    with_cache = _bodies(data)
    (derived_dir(data) / RENDER_CACHE).unlink()
    ingest(content, data)
    assert _bodies(data) == with_cache
    assert len(renders) == rendered_first


def test_a_damaged_cache_is_ignored_and_replaced(tmp_path, renders):
    data = tmp_path / "data"
    ingest(CONTENT, data)
    expected = _bodies(data)
    cache = derived_dir(data) / RENDER_CACHE

    cache.write_bytes(b"not a database at all" * 100)
    renders.clear()
    ingest(CONTENT, data)
    assert renders and _bodies(data) == expected

    # an entry whose checksum does not match is not used
    conn = sqlite3.connect(cache)
    with conn:
        conn.execute("UPDATE renders SET html = html || '<p>forfalsket</p>'")
    conn.close()
    renders.clear()
    ingest(CONTENT, data)
    assert renders and _bodies(data) == expected
    assert render_cache.load(derived_dir(data))  # rewritten, good again


def test_an_unwritable_cache_does_not_fail_the_ingest(tmp_path, monkeypatch):
    real = render_cache.os.replace

    def refuse(src, dst, *args, **kwargs):
        if str(dst).endswith(RENDER_CACHE):
            raise OSError("disk full")
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(render_cache.os, "replace", refuse)
    data = tmp_path / "data"
    ingest(CONTENT, data)
    assert current_generation(data) is not None
    assert not list(derived_dir(data).glob(f"{RENDER_CACHE}*"))
