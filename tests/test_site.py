"""Conventions Danish users know: accessibility statement, sitemap, robots.txt, OpenSearch."""

import xml.etree.ElementTree as ET


def test_accessibility_statement(client):
    html = client.get("/was").get_data(as_text=True)
    assert "<h1>Tilgængelighedserklæring</h1>" in html
    assert "WCAG 2.1" in html and "Digitaliseringsstyrelsen" in html


def test_sitemap_lists_public_pages_and_every_kommune(client):
    response = client.get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in ET.fromstring(response.data).findall("s:url/s:loc", ns)]
    assert any(u.endswith("/erfaringer/tidlig-virksomhedsrettet-indsats-for-flygtninge") for u in urls)
    assert any(u.endswith("/rangeringer/akf-selvforsoergelse-1999-2005") for u in urls)
    assert sum("/kommuner/" in u for u in urls) == 98
    assert not any("/redaktion" in u or "/indsend" in u for u in urls)


def test_robots_points_at_the_sitemap_and_keeps_out_private_paths(client):
    text = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://127.0.0.1:8000/sitemap.xml" in text
    assert "Disallow: /redaktion/" in text and "Disallow: /api/" in text


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    root = ET.fromstring(response.data)
    templates = [u.get("template") for u in root.findall("{http://a9.com/-/spec/opensearch/1.1/}Url")]
    assert "http://127.0.0.1:8000/soeg?q={searchTerms}" in templates


def test_every_page_links_the_statement_the_feed_and_the_search_engine(client):
    html = client.get("/").get_data(as_text=True)
    assert '<a href="/was">Tilgængelighedserklæring</a>' in html
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" title="Hvad virker" href="/opensearch.xml">'
        in html
    )
    assert 'type="application/atom+xml"' in html and 'href="/feed.atom"' in html
