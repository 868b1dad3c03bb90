"""Pages of the kinds that need no view of their own, made from the kind registry.

A kind with a ``template`` in :mod:`portal.kinds` gets, with no code here:

- its page at ``<url_prefix><slug>`` (the item, its ``data``, and whatever the
  kind's ``page_context`` adds), cached like every public page;
- ``<url_prefix>`` without a slug: the search, filtered to the kind;
- with an ``attachment_folder``: the attached file at
  ``<url_prefix><slug>/<folder>/<sha256>.pdf``, served only if the item the
  reader may see cites exactly that file, and only as a download.

So adding such a kind touches its record, its validator, its template and its docs.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_file, url_for

from ...kinds import KINDS, Kind
from ..auth import audiences
from ..pagecache import cached_page
from ..resources import get_store

bp = Blueprint("kinds", __name__)

#: Headers of every attachment download: never shown inline, never sniffed, never a document of ours.
DOWNLOAD_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cache-Control": "private, max-age=3600",
}


def _item_or_404(kind: Kind, slug: str) -> dict:
    item = get_store().get(kind.name, slug, audiences())
    if item is None:
        abort(404)
    return item


def _register(kind: Kind) -> None:
    def page(slug: str):
        item = _item_or_404(kind, slug)
        extra = kind.page_context(get_store(), item, audiences()) if kind.page_context else {}
        return render_template(kind.template, item=item, data=item["data"], kind=kind, **extra)

    def listing():
        return redirect(url_for("search.search_page", type=kind.name))

    page.__name__, listing.__name__ = kind.name, f"{kind.name}_list"
    bp.add_url_rule(f"{kind.url_prefix}<slug>", endpoint=kind.name, view_func=cached_page(page))
    bp.add_url_rule(kind.url_prefix.rstrip("/"), endpoint=f"{kind.name}_list", view_func=listing)
    if kind.attachment_folder:

        def attachment(slug: str, name: str):
            item = _item_or_404(kind, slug)
            cited = kind.attachment_of(item["data"])
            if not cited or cited["file"] != f"{kind.attachment_folder}/{name}":
                abort(404)
            path = Path(current_app.config["CONTENT_DIR"]) / kind.folder / cited["file"]
            if not path.is_file():
                abort(404)
            response = send_file(
                path,
                mimetype="application/pdf",
                as_attachment=True,
                download_name=f"{slug}.pdf",
                conditional=True,
                etag=cited["sha256"],
            )
            response.headers.update(DOWNLOAD_HEADERS)
            return response

        attachment.__name__ = f"{kind.name}_attachment"
        bp.add_url_rule(
            f"{kind.url_prefix}<slug>/{kind.attachment_folder}/<name>",
            endpoint=attachment.__name__,
            view_func=attachment,
        )


for _kind in KINDS.values():
    if _kind.template:
        _register(_kind)
