"""Template helpers: Danish labels, number and date formats, the design system's files."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from flask import Flask, abort, request, send_from_directory

from .content.schema import EVIDENCE, EVIDENCE_EXPLAINED

TYPE_LABELS = {
    "practice": "Erfaring",
    "note": "Netværksnotat",
    "network": "Netværk",
    "ranking": "Rangering",
    "kommune": "Kommune",
}
TYPE_LABELS_PLURAL = {
    "practice": "Erfaringer",
    "note": "Netværksnotater",
    "network": "Netværk",
    "ranking": "Rangeringer",
    "kommune": "Kommuner",
}
FACET_LABELS = {"type": "Indholdstype", "evidence": "Evidens", "topic": "Emne", "kommune": "Kommune", "region": "Region"}
EVIDENCE_BADGE = {"effekt": "success", "delvis-effekt": "info", "ingen-effekt": "warning", "ikke-evalueret": "neutral"}
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"]


def number_da(value, decimals: int | None = None) -> str:
    """``-7.206`` → ``-7,206``; ``23563`` → ``23.563`` (Danish separators)."""
    if value is None or value == "":
        return ""
    if decimals is None:
        decimals = 0 if isinstance(value, int) else 3
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def date_da(value) -> str:
    """ISO ``2006-09-08`` → ``8. september 2006``; ``2006-06`` → ``juni 2006``."""
    if not value:
        return ""
    parts = str(value).split("-")
    try:
        if len(parts) == 3:
            d = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return f"{d.day}. {MONTHS[d.month - 1]} {d.year}"
        if len(parts) == 2:
            return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    except (ValueError, IndexError):
        pass
    return str(value)


def search_url(**params) -> str:
    """A /soeg URL with the given parameters (lists become repeated params)."""
    pairs = []
    for key, value in params.items():
        if value in (None, "", []):
            continue
        for v in value if isinstance(value, (list, tuple)) else [value]:
            pairs.append((key, v))
    return "/soeg" + ("?" + urlencode(pairs) if pairs else "")


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(number_da=number_da, date_da=date_da)
    app.jinja_env.globals.update(
        EVIDENCE=EVIDENCE,
        EVIDENCE_EXPLAINED=EVIDENCE_EXPLAINED,
        EVIDENCE_BADGE=EVIDENCE_BADGE,
        TYPE_LABELS=TYPE_LABELS,
        TYPE_LABELS_PLURAL=TYPE_LABELS_PLURAL,
        FACET_LABELS=FACET_LABELS,
        search_url=search_url,
    )

    @app.route("/static/dkfds/<path:filename>")
    def dkfds(filename: str):
        """The design system's CSS, fonts and icons, installed by npm (not committed)."""
        if not filename.startswith(("css/", "fonts/", "img/", "js/")):
            abort(404)
        return send_from_directory(app.config["DKFDS_DIR"], filename, max_age=86400)

    @app.context_processor
    def _current():
        return {"current_path": request.path}
