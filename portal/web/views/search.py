"""The search page, and the one parser of search parameters (shared with the API)."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from search_index import QueryError, SearchRequest

from ...content import kommuner as kommune_registry
from ...content.kommuner import danish_sort_key
from ...content import vocabulary
from ...content.schema import EVIDENCE
from ...kinds import SEARCH_TYPES
from ...limits import MAX_FILTER_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_Q, MAX_TOPIC
from ..errors import BadRequest
from ..resources import get_index
from ..auth import audiences

bp = Blueprint("search", __name__)

TYPES = SEARCH_TYPES


def _int(args: MultiDict, name: str, default: int, low: int, high: int) -> int:
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise BadRequest(_("'%(name)s' skal være et helt tal, ikke '%(value)s'", name=name, value=raw[:40]))
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(_("'%(name)s' skal være mellem %(low)d og %(high)d", name=name, low=low, high=high))
    return value


def _values(args: MultiDict, name: str) -> list[str]:
    raws = args.getlist(name)
    values = [v.strip() for raw in raws for v in raw.split(",") if v.strip()]
    # Repetitions count even when blank: the OpenAPI document says maxItems, and a strict client trusts it.
    if len(values) > MAX_FILTER_VALUES or len(raws) > MAX_FILTER_VALUES:
        raise BadRequest(_("for mange værdier i '%(name)s' (højst %(max)d)", name=name, max=MAX_FILTER_VALUES))
    return values


def _switch(args: MultiDict, name: str) -> bool:
    """An on/off parameter: absent or 1 is on, 0 is off."""
    raw = args.get(name, "").strip()
    if raw in ("", "1"):
        return True
    if raw == "0":
        return False
    raise BadRequest(_("'%(name)s' skal være 0 eller 1, ikke '%(value)s'", name=name, value=raw[:40]))


def _choices(args: MultiDict, name: str, allowed) -> list[str]:
    values = _values(args, name)
    for v in values:
        if v not in allowed:
            raise BadRequest(
                _(
                    "ukendt %(name)s '%(value)s'; tilladt er: %(allowed)s",
                    name=name,
                    value=v[:40],
                    allowed=", ".join(allowed),
                )
            )
    return values


def parse_search_args(args: MultiDict, default_per_page: int = 10) -> SearchRequest:
    """Query parameters → SearchRequest; anything wrong raises BadRequest (HTTP 400)."""
    q = args.get("q", "")
    if len(q) > MAX_Q:
        raise BadRequest(_("søgningen er for lang (%(length)d tegn; højst %(max)d)", length=len(q), max=MAX_Q))
    if "\x00" in q:
        raise BadRequest(_("søgningen indeholder ugyldige tegn"))
    filters: dict[str, list[str]] = {}
    if types := _choices(args, "type", TYPES):
        filters["type"] = types
    if evidence := _choices(args, "evidence", list(EVIDENCE)):
        filters["evidence"] = evidence
    if regions := _choices(args, "region", kommune_registry.REGIONS):
        filters["region"] = regions
    if topics := [t.lower() for t in _values(args, "topic")]:
        if any(len(t) > MAX_TOPIC for t in topics):
            raise BadRequest(_("et emne er for langt (højst %(max)d tegn)", max=MAX_TOPIC))
        filters["topic"] = topics
    if groups := [g.lower() for g in _values(args, "target_group")]:
        if any(len(g) > 80 for g in groups):
            raise BadRequest(_("en målgruppe er for lang (højst %(max)d tegn)", max=80))
        filters["target_group"] = [vocabulary.canonical("target_group", g) for g in groups]
    if "topic" in filters:
        filters["topic"] = [vocabulary.canonical("topic", t) for t in filters["topic"]]
    codes = []
    for ref in _values(args, "kommune"):
        try:
            codes.append(kommune_registry.resolve(ref).kommune.code)
        except kommune_registry.KommuneError as exc:
            raise BadRequest(str(exc)) from None
    if codes:
        filters["kommune"] = list(dict.fromkeys(codes))
    return SearchRequest(
        q=q.strip(),
        filters=filters,
        page=_int(args, "page", 1, 1, MAX_PAGE),
        per_page=_int(args, "per_page", default_per_page, 1, MAX_PER_PAGE),
        audiences=audiences(),
        expand=_switch(args, "expand"),
        correct=_switch(args, "correct"),
    )


def run_search(req: SearchRequest):
    try:
        return get_index().search(req)
    except QueryError as exc:
        raise BadRequest(str(exc)) from None


def ranked_facet(facet: str, counts: dict) -> list[tuple[str, int]]:
    """A facet's values, most hits first; ties in a fixed order (type, evidence) or in
    Danish alphabetical order of what the reader sees (kommune names, topics, regions)."""
    if facet == "type":
        tie = lambda v: TYPES.index(v) if v in TYPES else len(TYPES)  # noqa: E731
    elif facet == "evidence":
        order = list(EVIDENCE)
        tie = lambda v: order.index(v) if v in order else len(order)  # noqa: E731
    elif facet == "kommune":
        tie = lambda v: danish_sort_key(kommune_name(v))  # noqa: E731
    else:
        tie = danish_sort_key
    return sorted(counts.items(), key=lambda vn: (-vn[1], tie(vn[0])))


def kommune_name(code: str) -> str:
    try:
        return kommune_registry.by_code(code).name
    except KeyError:
        return code


@bp.route("/soeg")
def search_page():
    req = parse_search_args(request.args, current_app.config["SEARCH_PER_PAGE"])
    response = run_search(req)
    pages = max(1, -(-response.total // req.per_page))
    return render_template(
        "search.html",
        req=req,
        response=response,
        pages=pages,
        kommune_name=kommune_name,
        ranked_facet=ranked_facet,
        facet_order=("type", "evidence", "topic", "target_group", "kommune", "region"),
    )
