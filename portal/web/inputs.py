"""Guards on what a request carries, applied once for every route.

* **URL values** (``<slug>``, ``<sid>``, ``<ref>``, ``<topic>``) are matched in
  full before any view sees them: ``/erfaringer/aarhus-modtagelse%0A`` is a 404,
  never a look-alike of ``aarhus-modtagelse`` (``$`` in a pattern matches before
  a final new line; ``fullmatch`` does not).
* **JSON bodies** nested deeper than :data:`MAX_JSON_DEPTH` are a 400 with JSON
  before anything parses them: Python's parser recurses and would end in a
  ``RecursionError`` (a 500) on ``[[[[…]]]]``.
* **Hosts**: the canonical base URL (``BASE_URL``) is the only source of
  absolute URLs, and Flask's ``TRUSTED_HOSTS`` (derived from it) refuses other
  ``Host`` headers with a plain 400.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, request
from werkzeug.exceptions import SecurityError

from ..content.characters import first_forbidden
from ..content.schema import SLUG_RE

MAX_JSON_DEPTH = 20
DEFAULT_BASE_URL = "http://127.0.0.1:8000"
_SUBMISSION_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _valid_view_arg(name: str, value) -> bool:
    if not isinstance(value, str):
        return True
    if name == "slug":
        return SLUG_RE.fullmatch(value) is not None
    if name == "sid":
        return _SUBMISSION_ID.fullmatch(value) is not None
    # Kommune names, topics, language codes: free text, but a single line of it.
    return len(value) <= 200 and first_forbidden(value, single_line=True) is None


def json_depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than ``limit``.

    A linear scan, no recursion: strings (with their escapes) are skipped so a
    ``"[[["`` inside a reason does not count."""
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def base_url() -> str:
    """The canonical base URL without a trailing slash, e.g. ``https://hvadvirker.dk``."""
    return current_app.config["BASE_URL"].rstrip("/")


def absolute(path: str) -> str:
    """An absolute URL for a path of this portal, built from BASE_URL only."""
    return base_url() + path


def _trusted_hosts(base: str) -> list[str]:
    host = urlsplit(base).hostname or ""
    # On a developer's machine 127.0.0.1 and localhost are the same server.
    return list(_LOOPBACK) if host in _LOOPBACK else [host]


def init_app(app: Flask) -> None:
    base = app.config.get("BASE_URL") or DEFAULT_BASE_URL
    parts = urlsplit(base)
    # No path: url_for already gives every path (with SCRIPT_NAME behind a prefix); a path here would double it.
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
    ):
        raise ValueError(f"BASE_URL skal være en http(s)-adresse som https://hvadvirker.dk, ikke {base!r}")
    app.config["BASE_URL"] = base.rstrip("/")
    if app.config.get("TRUSTED_HOSTS") is None:
        app.config["TRUSTED_HOSTS"] = _trusted_hosts(base)
    elif isinstance(app.config["TRUSTED_HOSTS"], str):  # PORTAL_TRUSTED_HOSTS="a.dk,b.dk"
        app.config["TRUSTED_HOSTS"] = [h.strip() for h in app.config["TRUSTED_HOSTS"].split(",") if h.strip()]

    @app.errorhandler(SecurityError)
    def _untrusted_host(_exc):
        # Plain text: the request has no usable URL adapter, so no template with url_for can render.
        body = "Ukendt værtsnavn (Host). Brug portalens egen adresse."
        if request.path.startswith("/api/"):
            response = jsonify({"error": body})
            response.status_code = 400
            return response
        return body, 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.url_value_preprocessor
    def _full_match(_endpoint, values):
        for name, value in (values or {}).items():
            if not _valid_view_arg(name, value):
                abort(404)

    @app.before_request
    def _json_depth():
        if request.is_json and request.content_length != 0:
            data = request.get_data(cache=True)
            if json_depth_exceeds(data):
                message = f"JSON-indholdet er indlejret for dybt (højst {MAX_JSON_DEPTH} niveauer)"
                response = jsonify({"error": message})
                response.status_code = 400
                return response
        return None
