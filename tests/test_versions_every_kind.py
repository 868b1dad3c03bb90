"""Every kind read from files has its earlier versions readable on the site (the kind
registry gives each its ``…/versioner`` pages), shipped items included."""

import pytest

from conftest import close_site, make_site

ITEMS = [
    ("/rangeringer/akf-selvforsoergelse-1999-2005", "Tabel 4"),
    ("/netvaerk/vestegnen", "Vestegn"),
    ("/evalueringer/akf-effektmaaling-selvforsoergelse-1999-2005", "AKF"),
    ("/erfaringer/bydelsmoedrene", "Bydelsmødre"),
    ("/notater/2006-09-08-benchmarking-af-integrationsindsatsen", "benchmarking"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    app = make_site(tmp_path_factory.mktemp("versions"), people={"editor": ("red@example.dk", "editor", ())})
    # The first publication starts content/'s history: the shipped files are its first version.
    from portal import versions

    versions.ensure_history(app.config["CONTENT_DIR"]) if hasattr(versions, "ensure_history") else None
    yield app
    close_site(app)


@pytest.mark.parametrize("url,word", ITEMS)
def test_every_kinds_versions_page_answers_and_links_its_item(site, url, word):
    client = site.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {site.tokens['editor']}"
    page = client.get(url + "/versioner")
    assert page.status_code == 200, (url, page.status_code)
    assert url in page.get_data(as_text=True)


def test_an_unknown_item_has_no_versions(site):
    assert site.test_client().get("/rangeringer/findes-ikke/versioner").status_code == 404
