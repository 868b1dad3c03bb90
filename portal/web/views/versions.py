"""An item's earlier versions, read from content/'s git history (portal/versions.py), and review dates.

``/erfaringer/<slug>/versioner`` lists every published version of a practice
(what it said then, who wrote it, that the editors approved it, when);
``/erfaringer/<slug>/versioner/<rev>`` shows one version as its page showed it.
Notes have the same pages under ``/notater/``, for the readers who may see the
note. ``/redaktion/gennemgang`` lists the practices due for review
(``REVIEW_INTERVAL_DAYS``) and marks one reviewed (portal/reviews.py). The pages are not cached: the history gains its commit just after a
publication bumps the page cache, and a cached list would miss it.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ...kinds import FILE_KINDS
from ... import reviews, versions
from ..auth import audiences, current_user, editor_required, owned_db
from ...submissions import SubmissionError
from ...content.errors import ContentErrors
from ...content.loader import parse_file
from ...rendering import MarkdownTooLarge, render_markdown
from ..resources import get_store

bp = Blueprint("versions", __name__)

#: Every kind read from files has versions, at ``<its url_prefix><slug>/versioner`` (portal/kinds.py).
_KINDS = {kind.url_prefix.strip("/"): name for name, kind in FILE_KINDS.items()}
_SECTIONS = ", ".join(_KINDS)


def _item(section: str, slug: str) -> tuple[str, dict]:
    kind = _KINDS.get(section)
    item = get_store().get(kind, slug, audiences()) if kind else None
    if item is None:
        abort(404)
    return kind, item


def _history(kind: str, slug: str) -> list[dict]:
    """The versions, newest first; without a history yet (nothing published through the portal),
    the current file is the one version there is."""
    found = versions.log(current_app.config["CONTENT_DIR"], kind, slug)
    for number, version in enumerate(reversed(found), start=1):
        version["number"] = number
    return found


@bp.route(f"/<any({_SECTIONS}):section>/<slug>/versioner")
def item_versions(section: str, slug: str):
    kind, item = _item(section, slug)
    return render_template(
        "versions.html",
        item=item,
        section=section,
        kind=kind,
        history=_history(kind, slug),
        show_people=bool(current_user() and current_user().is_editor),
    )


@bp.route(f"/<any({_SECTIONS}):section>/<slug>/versioner/<rev>")
def item_version(section: str, slug: str, rev: str):
    kind, item = _item(section, slug)
    found = versions.show(current_app.config["CONTENT_DIR"], kind, slug, rev)
    if found is None:
        abort(404)
    version, text = found
    number = next((v["number"] for v in _history(kind, slug) if v["rev"] == version["rev"]), None)
    try:  # an old version was valid then; today's contract may refuse it: show its text as written
        record = parse_file(kind, text.encode("utf-8"), f"{section}/{slug}", slug=slug)
        html = render_markdown(FILE_KINDS[kind].body_of(record))
        kommuner = [{**k, "as_name": k["as"]} for k in record.get("kommuner") or []]
    except (ContentErrors, MarkdownTooLarge):
        record, html, kommuner = None, None, []
    return render_template(
        "version.html",
        item=item,
        section=section,
        kind=kind,
        version=version,
        number=number,
        record=record,
        html=html,
        text=text,
        preview_kommuner=kommuner,
        show_people=bool(current_user() and current_user().is_editor),
    )


def _interval() -> int:
    return int(current_app.config["REVIEW_INTERVAL_DAYS"])


@bp.route("/redaktion/gennemgang")
@editor_required
def due_for_review():
    practices = get_store().items_of_type("practice", audiences())
    due = reviews.due(practices, reviews.approvals(owned_db()), dt.date.today(), _interval())
    return render_template("review_due.html", due=due, total=len(practices), interval=_interval())


@bp.route("/redaktion/gennemgang/<slug>", methods=["POST"])
@editor_required
def mark_reviewed(slug: str):
    if get_store().get("practice", slug, audiences()) is None:
        abort(404)
    try:
        reviews.mark_reviewed(
            owned_db(),
            current_user(),
            slug,
            current_app.config["CONTENT_DIR"],
            current_app.config["DATA_DIR"],
            dt.date.today(),
        )
    except SubmissionError as exc:
        flash(_("Kunne ikke markere som gennemgået: %(reason)s.", reason=exc.message), "error")
    else:
        flash(_("Erfaringen er markeret som gennemgået i dag."))
    return redirect(url_for("versions.due_for_review"))
