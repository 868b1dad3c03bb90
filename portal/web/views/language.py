"""The language switch in the header: a plain link, so it works without JavaScript."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, abort, redirect, request

from ..auth import safe_next
from ..i18n import LANGUAGES, remember

bp = Blueprint("language", __name__)


@bp.route("/sprog/<code>")
def switch(code: str):
    """Remember ``code`` in the ``lang`` cookie and go back to a local page (never off-site)."""
    if code not in LANGUAGES:
        abort(404)
    target = safe_next(request.args.get("next"))
    path, _sep, query = target.partition("?")
    if query:  # a ?lang= left in the address would override the choice just made
        kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != "lang"]
        target = path + ("?" + urlencode(kept) if kept else "")
    return remember(redirect(target), code)
