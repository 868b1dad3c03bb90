"""Template helpers: labels (translated at render time), language-aware number and
date formats, Danish alphabetical order, the design system's files."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from urllib.parse import urlencode

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask import Flask, abort, request, send_from_directory
from flask_babel import lazy_gettext as _l, lazy_pgettext as _lp

from ..content.kommuner import danish_sort_key
from ..content.schema import EVIDENCE
from ..kinds import KINDS
from .i18n import current_language

# Labels are lazy: each is translated when a template renders it, in that request's language.
# The kinds' labels are Danish msgids in the registry (portal/kinds.py).
TYPE_LABELS = {
    name: _lp(kind.label_context, kind.label) if kind.label_context else _l(kind.label) for name, kind in KINDS.items()
}
TYPE_LABELS_PLURAL = {name: _l(kind.label_plural) for name, kind in KINDS.items()}
TYPE_URLS = {name: kind.url_prefix for name, kind in KINDS.items()}
FACET_LABELS = {
    "type": _l("Indholdstype"),
    "evidence": _l("Evidens"),
    "topic": _l("Emne"),
    "target_group": _l("Målgruppe"),
    "kommune": _l("Kommune"),
    "region": _l("Region"),
}
# The content contract's evidence categories (portal/content/schema.py EVIDENCE and
# EVIDENCE_EXPLAINED, whose keys and Danish texts stay as they are), translatable.
# The Danish texts are repeated here so pybabel can extract them; a test keeps them equal.
EVIDENCE_LABELS = {
    "effekt": _l("Viser effekt"),
    "delvis-effekt": _l("Viser delvis effekt"),
    "ingen-effekt": _l("Kan ikke vise effekt"),
    "ikke-evalueret": _l("Endnu ikke evalueret"),
}
EVIDENCE_EXPLAINED_LABELS = {
    "effekt": _l("Har påvist resultater i forhold til sit mål om fx beskæftigelse, sprog eller antiradikalisering."),
    "delvis-effekt": _l("Har delvist påvist resultater, eller forventes at have en indirekte effekt."),
    "ingen-effekt": _l("Har ikke påvist resultater, eller har ikke haft til formål at vise effekt."),
    "ikke-evalueret": _l("Er igangsat for nylig eller ikke evalueret endnu."),
}
assert list(EVIDENCE_LABELS) == list(EVIDENCE) == list(EVIDENCE_EXPLAINED_LABELS), "keep in step with schema.EVIDENCE"
STATUS_LABELS = {"igangværende": _l("Igangværende"), "afsluttet": _l("Afsluttet")}
EVIDENCE_BADGE = {"effekt": "success", "delvis-effekt": "info", "ingen-effekt": "warning", "ikke-evalueret": "neutral"}
DATE_PATTERNS = {  # (day, month) patterns per language: 8. september 2006 / 8 September 2006
    "da": ("d. MMMM y", "MMMM y"),
    "en": ("d MMMM y", "MMMM y"),
}


def format_number(value, decimals: int | None = None) -> str:
    """``-7.206`` → ``-7,206`` (da) or ``-7.206`` (en); ``23563`` → ``23.563`` or ``23,563``.

    The same text as Babel's ``format_decimal(value, "#,##0.000", locale)``
    (half-even rounding of the decimal value, the locale's symbols), made
    with Python's own formatting: a ranking table has hundreds of numbers and
    Babel took ~50 µs for each.
    """
    if value is None or value == "":
        return ""
    if decimals is None:
        decimals = 0 if isinstance(value, int) else 3
    language = current_language()
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    except (InvalidOperation, ValueError):
        # Not a finite number (content numbers always are; see schema.convert_number).
        return str(value)
    decimal_sign, group_sign, minus = _number_symbols(language)
    text = f"{abs(number):,.{decimals}f}".replace(",", "\0").replace(".", decimal_sign).replace("\0", group_sign)
    return minus + text if number.is_signed() else text


@functools.lru_cache(maxsize=None)
def _number_symbols(language: str) -> tuple[str, str, str]:
    return get_decimal_symbol(language), get_group_symbol(language), get_minus_sign_symbol(language)


def format_date_text(value) -> str:
    """ISO ``2006-09-08`` → ``8. september 2006`` (da) or ``8 September 2006`` (en);
    ``2006-06`` → ``juni 2006`` or ``June 2006``; anything else unchanged."""
    if not value:
        return ""
    day_pattern, month_pattern = DATE_PATTERNS.get(current_language(), DATE_PATTERNS["da"])
    parts = str(value).split("-")
    try:
        if len(parts) == 3:
            d = dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
            return format_date(d, day_pattern, locale=current_language())
        if len(parts) == 2:
            return format_date(dt.date(int(parts[0]), int(parts[1]), 1), month_pattern, locale=current_language())
    except (ValueError, IndexError):
        pass
    return str(value)


def danish_sorted(values, attribute: str | None = None) -> list:
    """Danish alphabetical order (æ, ø, å last; "Aa" as "Å"), optionally by an attribute or key."""

    def text(v):
        if attribute is None:
            return str(v)
        if isinstance(attribute, int) or not hasattr(v, attribute):
            return str(v[attribute])  # a tuple's position, a dict's or row's key
        return str(getattr(v, attribute))

    return sorted(values, key=lambda v: danish_sort_key(text(v)))


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
    app.jinja_env.filters.update(
        number=format_number,
        date=format_date_text,
        danish_sort=danish_sorted,
        # the old names, kept working; they follow the page's language too
        number_da=format_number,
        date_da=format_date_text,
    )
    app.jinja_env.globals.update(
        EVIDENCE=EVIDENCE_LABELS,
        EVIDENCE_EXPLAINED=EVIDENCE_EXPLAINED_LABELS,
        STATUS_LABELS=STATUS_LABELS,
        EVIDENCE_BADGE=EVIDENCE_BADGE,
        TYPE_LABELS=TYPE_LABELS,
        TYPE_LABELS_PLURAL=TYPE_LABELS_PLURAL,
        TYPE_URLS=TYPE_URLS,
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
