"""The web room: the Flask application around the core.

Views, error mapping, sign-in, per-request resources, the page cache, languages,
security headers, template helpers, the OpenAPI document and the CLI wrapper live
here. The core (``portal`` outside ``web``) never imports Flask or this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    # Flask is imported here, not at module level, so that the Flask-free
    # layers (portal.content, portal.store, portal.ingest) can be imported by
    # scripts and benchmarks without it.
    from flask import Flask

    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        CONTENT_DIR=str(PROJECT_ROOT / "content"),
        DATA_DIR=app.instance_path,
        DKFDS_DIR=str(PROJECT_ROOT / "node_modules" / "dkfds" / "dist"),
        SECRET_KEY=None,
        SESSION_COOKIE_SECURE=True,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        # Werkzeug's default (500 kB) would answer a long write-up with 413 and lose it.
        MAX_FORM_MEMORY_SIZE=2 * 1024 * 1024,
        SEARCH_PER_PAGE=10,
        RANKING_TOP_N=5,
        CONTACT_EMAIL=None,
        # How many reverse proxies in front append to X-Forwarded-For (0: none; the header is ignored).
        TRUSTED_PROXIES=0,
        # The canonical address of the portal ($PORTAL_BASE_URL): every absolute URL (sitemap, feeds,
        # OpenSearch, robots.txt) is built from it, never from the Host header. Default: development.
        BASE_URL=None,
        # Host headers accepted ($PORTAL_TRUSTED_HOSTS, a JSON list or "a.dk,b.dk"); None = the base URL's
        # host (with localhost/127.0.0.1 together on a loopback base URL). Others get a plain 400.
        TRUSTED_HOSTS=None,
        PAGE_CACHE=True,
        # Per worker: documents the search result cache may hold (~100-130 bytes
        # each); 0 computes every search. See search_index.index.ResultCache.
        SEARCH_CACHE_DOCS=500_000,
        # Search engine of NEW indexes ("whoosh" | "tantivy"); read by the
        # ingest from $PORTAL_SEARCH_ENGINE. An existing index is always
        # opened with the engine recorded in it (index/engine.json).
        SEARCH_ENGINE=None,
    )
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.update(test_config)
    from search_index.index import resolve_engine

    app.config["SEARCH_ENGINE"] = resolve_engine(app.config["SEARCH_ENGINE"])  # a typo fails at start-up
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from . import auth, cli, errors, inputs, pagecache, i18n, resources, security, templating
    from .views import api, api_write, contribute, feeds, kind_pages, language, moderation, pages, search, site
    from .views import contribute_evaluation
    from .views import auth as auth_views

    inputs.init_app(app)  # base URL, trusted hosts, full-match URL values, JSON depth
    security.init_app(app)
    resources.init_app(app)
    pagecache.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    i18n.init_app(app)  # Flask-Babel: Danish default, English selectable
    templating.init_app(app)
    cli.init_app(app)
    for blueprint in (
        pages.bp,
        search.bp,
        api.bp,
        auth_views.bp,
        contribute.bp,
        moderation.bp,
        feeds.bp,
        language.bp,
        site.bp,
        kind_pages.bp,
        contribute_evaluation.bp,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(api_write.bp)
    security.csrf.exempt(api_write.bp)  # Bearer tokens only; never reads the session cookie
    from . import mailer
    from .views import api_batch, follow

    mailer.init_app(app)  # SMTP settings, a mail drain after each write, flask mail
    follow.init_app(app)
    app.register_blueprint(follow.bp)
    from .views import api_notes, notes as note_views

    app.register_blueprint(note_views.bp)
    for blueprint in (api_batch.bp, follow.api_bp, api_notes.bp):  # Bearer tokens only, like api_write
        app.register_blueprint(blueprint)
        security.csrf.exempt(blueprint)
    from .views import versions as versions_views

    app.register_blueprint(versions_views.bp)  # an item's versions; review dates (/redaktion/gennemgang)
    app.config.setdefault("REVIEW_INTERVAL_DAYS", 730)  # days until a reviewed practice is due again
    return app
