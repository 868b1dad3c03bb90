"""Rendered public pages, cached per worker until the data they show changes.

Derived data only changes when an ingest swaps in a new generation or an item
is published into the live one (which bumps its revision), so a page rendered
for an anonymous reader can be served again until then. The key holds the
generation, the revision, the language and the full path with its query.
Anything personal is never cached: requests with a session (signed-in users,
flashed messages) and non-GET requests go straight to the view.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import wraps

from flask import Response, current_app, request, session

from .i18n import current_language
from .resources import generation, get_store

MAX_PAGES = 512


class PageCache:
    def __init__(self, size: int = MAX_PAGES):
        self.size = size
        self.lock = threading.Lock()
        self.pages: OrderedDict[tuple, tuple[bytes, int, str]] = OrderedDict()

    def get(self, key):
        with self.lock:
            hit = self.pages.get(key)
            if hit is not None:
                self.pages.move_to_end(key)
            return hit

    def put(self, key, value) -> None:
        with self.lock:
            self.pages[key] = value
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)


def cached_page(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if request.method != "GET" or session or not current_app.config.get("PAGE_CACHE", True):
            return view(*args, **kwargs)
        key = (generation().name, get_store().revision(), current_language(), request.full_path)
        cache: PageCache = current_app.extensions["portal_pages"]
        hit = cache.get(key)
        if hit is not None:
            body, status, mimetype = hit
            return Response(body, status=status, mimetype=mimetype)
        response = current_app.make_response(view(*args, **kwargs))
        personal = bool(session) or session.modified or response.headers.getlist("Set-Cookie")
        if response.status_code == 200 and not response.direct_passthrough and not personal:
            cache.put(key, (response.get_data(), response.status_code, response.mimetype))
        return response

    return wrapped


def init_app(app) -> None:
    app.extensions["portal_pages"] = PageCache()
