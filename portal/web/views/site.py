"""Conventions of a public website: robots.txt, sitemap.xml, OpenSearch, accessibility statement.

The sitemap lists public items only — it is read by anyone, so a draft or a
network-only note must never appear in it. Absolute URLs come from BASE_URL
(never the Host header) and the XML is built by :mod:`portal.web.xmlout`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, url_for

from ...content import kommuner as kommune_registry
from ..inputs import absolute, base_url
from ...kinds import FILE_KINDS
from ..resources import get_store
from ..xmlout import opensearch as opensearch_xml, sitemap as sitemap_xml
from ...store import PUBLIC

bp = Blueprint("site", __name__)

STATIC_PAGES = (
    "pages.front",
    "search.search_page",
    "pages.kommuner",
    "pages.rankings",
    "pages.indicators",
    "pages.evidence_map",
    "pages.evaluation_debt",
    "pages.networks",
    "site.accessibility",
)


@bp.route("/robots.txt")
def robots():
    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /api/",
            "Disallow: /log-ind",
            "Disallow: /indsend",
            "Disallow: /mine-indsendelser",
            "Disallow: /indsendelser/",
            "Disallow: /redaktion/",
            f"Sitemap: {absolute(url_for('site.sitemap'))}",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")


@bp.route("/sitemap.xml")
def sitemap():
    store = get_store()
    urls = [absolute(url_for(endpoint)) for endpoint in STATIC_PAGES]
    for kind in FILE_KINDS.values():
        if kind.in_sitemap:
            urls += [absolute(item["url"]) for item in store.items_of_type(kind.name, PUBLIC)]
    urls += [absolute(url_for("pages.kommune", ref=k.slug)) for k in kommune_registry.all_kommuner()]
    return Response(sitemap_xml(urls), mimetype="application/xml")


@bp.route("/opensearch.xml")
def opensearch():
    xml = opensearch_xml(
        base_url(), "Søg i erfaringer, netværksnotater, effektmålinger og kommuner om integrationsindsatsen"
    )
    return Response(xml, mimetype="application/opensearchdescription+xml")


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer instead of a 404 in every log."""
    # 142 bytes: read and sent whole (no file handle left to the server to close).
    body = (Path(current_app.static_folder) / "favicon.ico").read_bytes()
    return Response(body, mimetype="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=604800"})


#: When the accessibility statement was written and last reviewed (change it with each review).
WAS_MADE = dt.date(2026, 12, 1)
WAS_REVIEWED = dt.date(2026, 12, 1)


@bp.route("/was")
def accessibility():
    return render_template(
        "was.html", contact=current_app.config.get("CONTACT_EMAIL"), made=WAS_MADE, reviewed=WAS_REVIEWED
    )
