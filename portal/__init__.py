"""Hvad virker — a Danish knowledge portal for municipal integration work.

Data flows one way::

    content/  (source of truth: practices, notes, networks, rankings as files)
       │  portal.content   – read safely, validate against the contract
       ▼
    portal.ingest          – build a new generation aside, swap atomically
       │                 ┌─ portal.store     (derived SQLite, sqlite-utils)
       ▼                 └─ search_index     (Whoosh or tantivy, Danish analysis; no Flask)
    portal.web             – the Flask application: pages, the JSON API, sign-in, moderation

Everything in ``portal`` outside ``portal.web`` is the core: it imports no Flask
(``tests/test_layers.py`` imports every core module to prove it), so scripts, the
benchmark and the CLI's work can run without a web framework. Nothing outside
``search_index`` imports Whoosh or tantivy.
"""
