"""Conventions of a public website: robots.txt, sitemap.xml, OpenSearch, accessibility statement.

The sitemap lists public items only — it is read by anyone, so a draft or a
network-only note must never appear in it.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, render_template, request, url_for

from ...content import kommuner as kommune_registry
from ...kinds import FILE_KINDS
from ..resources import get_store
from ...store import PUBLIC

bp = Blueprint("site", __name__)

STATIC_PAGES = ("pages.front", "search.search_page", "pages.kommuner", "pages.rankings", "pages.indicators",
                "pages.evidence_map", "pages.evaluation_debt", "pages.networks", "site.accessibility")


@bp.route("/robots.txt")
def robots():
    host = request.host_url.rstrip("/")
    body = "\n".join([
        "User-agent: *",
        "Disallow: /api/",
        "Disallow: /log-ind",
        "Disallow: /indsend",
        "Disallow: /mine-indsendelser",
        "Disallow: /indsendelser/",
        "Disallow: /redaktion/",
        f"Sitemap: {host}{url_for('site.sitemap')}",
        "",
    ])
    return Response(body, mimetype="text/plain")


@bp.route("/sitemap.xml")
def sitemap():
    store = get_store()
    host = request.host_url.rstrip("/")
    urls = [host + url_for(endpoint) for endpoint in STATIC_PAGES]
    for kind in FILE_KINDS.values():
        if kind.in_sitemap:
            urls += [host + item["url"] for item in store.items_of_type(kind.name, PUBLIC)]
    urls += [host + url_for("pages.kommune", ref=k.slug) for k in kommune_registry.all_kommuner()]
    xml = render_template("sitemap.xml", urls=urls)
    return Response(xml, mimetype="application/xml")


@bp.route("/opensearch.xml")
def opensearch():
    xml = render_template("opensearch.xml", host=request.host_url.rstrip("/"))
    return Response(xml, mimetype="application/opensearchdescription+xml")


@bp.route("/was")
def accessibility():
    return render_template("was.html", contact=current_app.config.get("CONTACT_EMAIL"))
