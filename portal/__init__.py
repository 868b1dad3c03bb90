"""Hvad virker — a Danish knowledge portal for municipal integration work.

Data flows one way::

    content/  (source of truth: practices, notes, networks, rankings as files)
       │  portal.content   – read safely, validate against the contract
       ▼
    portal.ingest          – build a new generation aside, swap atomically
       │                 ┌─ portal.store     (derived SQLite, sqlite-utils)
       ▼                 └─ search_index     (Whoosh, Danish analysis; no Flask)
    portal.views           – Danish pages and the JSON API, read-only

Nothing below ``views`` and ``cli`` imports Flask; nothing outside
``search_index`` imports Whoosh. This module only wires the application.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
        JSON_SORT_KEYS=False,
        SEARCH_PER_PAGE=10,
        RANKING_TOP_N=5,
    )
    app.config.from_prefixed_env("PORTAL")
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    from . import auth, cli, errors, resources, security, templating
    from .views import api, api_write, contribute, feeds, moderation, pages, search
    from .views import auth as auth_views

    security.init_app(app)
    resources.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    for blueprint in (pages.bp, search.bp, api.bp, auth_views.bp, contribute.bp, moderation.bp, feeds.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(api_write.bp)
    security.csrf.exempt(api_write.bp)  # Bearer tokens only; never reads the session cookie
    return app
