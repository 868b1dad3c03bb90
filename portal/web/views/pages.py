"""Pages: front page, one page per practice, note, network, kommune and ranking."""

from __future__ import annotations

import dataclasses
import datetime as dt

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ... import charts
from ...content import kommuner as kommune_registry
from ...content.kommuner import danish_sort_key
from ...content.schema import EVIDENCE
from ...kinds import ON_PRACTICE_PAGE
from ..errors import BadRequest
from ... import exports
from ...rankings import SORT_KEYS, kommune_against_rankings, kommune_rankings, linked_ranking, sorted_rows
from ..pagecache import cached_page
from ..resources import get_store
from .feeds import recent
from ...history import public_history, unpublished_proposals
from .search import parse_search_args, run_search
from ..auth import audiences, current_user, owned_db
from ..inputs import base_url
from .notes import is_author as note_is_author, may_change as note_may_change

bp = Blueprint("pages", __name__)


@bp.route("/")
@cached_page
def front():
    store = get_store()
    kommune_counts = store.kommune_counts(audiences())
    documented = sorted(
        ((kommune_registry.by_code(code), n) for code, n in kommune_counts.items()),
        key=lambda kn: danish_sort_key(kn[0].name),
    )
    return render_template(
        "front.html",
        topics=sorted(store.topic_counts(audiences()), key=lambda tn: (-tn[1], danish_sort_key(tn[0])))[:16],
        evidence_counts=store.evidence_counts(audiences()),
        documented_kommuner=documented,
        rankings=store.items_of_type("ranking"),
        networks=store.items_of_type("network"),
        recent=recent(audiences(), limit=6),
    )


def _item_or_404(type_: str, slug: str) -> dict:
    item = get_store().get(type_, slug, audiences())
    if item is None:
        abort(404)
    return item


@bp.route("/erfaringer/<slug>")
@cached_page
def practice(slug: str):
    store = get_store()
    item = _item_or_404("practice", slug)
    kommuner = store.kommune_links(item["id"])
    return render_template(
        "practice.html",
        item=item,
        data=item["data"],
        kommuner=kommuner,
        rankings=[(k, r) for k in kommuner for r in kommune_rankings(store, k["code"])],
        related=store.related_practices(item, audiences=audiences()),
        notes=store.notes_citing(slug, audiences()),
        citing=[(kind, store.items_citing(slug, kind, audiences())) for kind in ON_PRACTICE_PAGE],
        history=public_history(owned_db(), "practice", slug),  # published events only: the page is public
        proposals=_proposals("practice", slug),
    )


def _proposals(kind: str, slug: str) -> list[dict]:
    """Unpublished proposals for an item, for an editor (all) or their author (their own); a signed-in
    page is never cached, and an anonymous reader gets none."""
    user = current_user()
    if user is None:
        return []
    return unpublished_proposals(owned_db(), kind, slug, author_id=None if user.is_editor else user.id)


@bp.route("/erfaringer")
def practices():
    return redirect(url_for("search.search_page", type="practice"))


@bp.route("/notater/<slug>")
@cached_page
def note(slug: str):
    store = get_store()
    item = store.get("note", slug, audiences())
    if item is None:
        from .notes import gone  # a withdrawn note: 410 for those who could read it, else 404

        if (answer := gone(slug)) is not None:
            return answer
        abort(404)
    data = item["data"]
    cited = [p for p in (store.get("practice", s, audiences()) for s in data.get("practices") or []) if p]
    return render_template(
        "note.html",
        item=item,
        data=data,
        network=store.get("network", data["network"], audiences()),
        kommuner=store.kommune_links(item["id"]),
        practices=cited,
        may_change=note_may_change(current_user(), slug),
        is_author=note_is_author(current_user(), slug),
    )


@bp.route("/netvaerk")
@cached_page
def networks():
    return render_template("networks.html", networks=get_store().items_of_type("network"))


@bp.route("/netvaerk/<slug>")
@cached_page
def network(slug: str):
    store = get_store()
    item = _item_or_404("network", slug)
    return render_template(
        "network.html",
        item=item,
        data=item["data"],
        members=store.kommune_links(item["id"]),
        notes=store.notes_of_network(slug, audiences()),
        is_member=bool(current_user() and slug in current_user().networks),
    )


@bp.route("/kommuner")
@cached_page
def kommuner():
    counts = get_store().kommune_counts(audiences())
    by_region = {region: [] for region in kommune_registry.REGIONS}
    for k in kommune_registry.all_kommuner():
        by_region[k.region].append((k, counts.get(k.code, 0)))
    return render_template("kommuner.html", by_region=by_region)


@bp.route("/kommuner/<ref>")
@cached_page
def kommune(ref: str):
    try:
        res = kommune_registry.resolve(ref)
    except kommune_registry.KommuneError as exc:
        return kommune_not_found(ref, exc)
    k = res.kommune
    if ref != k.slug:
        return redirect(url_for("pages.kommune", ref=k.slug), code=301)
    store = get_store()
    seen = audiences()
    return render_template(
        "kommune.html",
        kommune=k,
        former=[f for f in kommune_registry.former_of(k.code) if f.name != k.name],
        # A kommune with hundreds of write-ups lists the first ones and links to
        # the search, which pages and filters them.
        practices=store.items_in_kommune(k.code, "practice", seen, limit=KOMMUNE_LIST_LIMIT),
        practices_total=store.count_in_kommune(k.code, "practice", seen),
        notes=store.items_in_kommune(k.code, "note", seen, limit=KOMMUNE_LIST_LIMIT),
        notes_total=store.count_in_kommune(k.code, "note", seen),
        networks=store.items_in_kommune(k.code, "network", seen),
        rankings=kommune_rankings(store, k.code),
        against=[
            dict(entry, chart=Markup(against_chart(k, entry, i)))
            for i, entry in enumerate(
                kommune_against_rankings(store, k.code, top_n=current_app.config["RANKING_TOP_N"], audiences=seen)
            )
        ],
        indicators=kommune_indicators(store, k.code),
    )


def kommune_not_found(ref: str, exc: kommune_registry.KommuneError):
    """A 404 that offers the nearest names (as the API does), each linked to its page."""
    suggestions = []
    for name in exc.suggestions:
        try:
            k = kommune_registry.resolve(name).kommune
        except kommune_registry.KommuneError:
            continue
        suggestions.append((name if name == k.name else f"{name} ({k.name})", url_for("pages.kommune", ref=k.slug)))
    message = _("Vi kender ingen kommune, der hedder »%(ref)s«.", ref=ref[:60])
    return render_template(
        "error.html", status=404, title=_("Kommunen findes ikke"), message=message, suggestions=suggestions
    ), 404


def against_chart(k, entry: dict, i: int) -> str:
    """The kommune's observed and expected duration beside the country's, as grouped bars."""
    row, national = entry["row"], entry["ranking"]["national"] or {}
    series = [
        {
            "name": f"{row['kommune_as_published']} (nr. {row['rank']} af {row['of']})",
            "values": [row["observed"], row["expected"]],
        }
    ]
    if national:
        series.append({"name": "Hele landet", "values": [national.get("observed"), national.get("expected")]})
    data = {
        "title": f"Varighed til selvforsørgelse eller uddannelse: {row['kommune_as_published']} og hele landet",
        "unit": entry["ranking"].get("unit") or "måneder",
        "chart": "bar",
        "categories": ["Observeret varighed", "Forventet varighed"],
        "series": series,
    }
    # Two categories: a narrow viewBox, so a phone shows its labels at nearly body-text size.
    return charts.indicator_chart(data, chart_id=f"mod-landet-{i}", width=AGAINST_CHART_WIDTH)


AGAINST_CHART_WIDTH = 360


KOMMUNE_LIST_LIMIT = 25


def kommune_indicators(store, code: str) -> list[dict]:
    """The kommune's own key figures, each beside the national figure of the same measure."""
    national = {i["data"]["measure"]: i for i in store.indicators(None)}
    out = []
    for own in store.indicators(code):
        data = dict(own["data"])
        ref = national.get(data["measure"])
        if ref:  # one chart: the kommune's series and the national ones side by side
            data["series"] = data["series"] + [dict(s, name=f"Hele landet: {s['name']}") for s in ref["data"]["series"]]
        out.append(
            {
                "item": own,
                "national": ref,
                "data": data,
                "chart": Markup(charts.indicator_chart(data, chart_id=f"ind-{own['slug']}")),
            }
        )
    return out


@bp.route("/rangeringer")
@cached_page
def rankings():
    return render_template("rankings.html", rankings=get_store().items_of_type("ranking"))


def linked_ranking_or_404(slug: str) -> dict:
    """The ranking with its top and bottom linked to practice (pages and API alike)."""
    ranking = linked_ranking(get_store(), slug, top_n=current_app.config["RANKING_TOP_N"])
    if ranking is None:
        abort(404)
    return ranking


@bp.route("/rangeringer/<slug>")
@cached_page
def ranking(slug: str):
    ranking = linked_ranking_or_404(slug)
    sort = request.args.get("sort", "rang")
    direction = request.args.get("retning", "stigende")
    if sort not in SORT_KEYS:
        raise BadRequest(
            _("ukendt sortering '%(sort)s'; brug én af %(keys)s", sort=sort[:30], keys=", ".join(SORT_KEYS))
        )
    if direction not in ("stigende", "faldende"):
        raise BadRequest(_("'retning' skal være 'stigende' eller 'faldende'"))
    highlight = [r["rank"] for r in ranking["top"] + ranking["bottom"]]
    chart = charts.ranking_chart(
        ranking["rows"],
        chart_id="rangering",
        lower_is_better=ranking["lower_is_better"] is not False,
        unit="mdr.",
        national=(ranking["national"] or {}).get("effect"),
        highlight=highlight,
    )
    return render_template(
        "ranking.html",
        ranking=ranking,
        item_html=get_store().get("ranking", slug)["body_html"],
        rows=sorted_rows(ranking["rows"], sort, direction == "faldende"),
        sort=sort,
        direction=direction,
        chart=Markup(chart),
    )


@bp.route("/rangeringer/<slug>.csv")
def ranking_csv_download(slug: str):
    """Machine form: comma, decimal point, the API's column names (for scripts)."""
    return csv_response(linked_ranking_or_404(slug))


@bp.route("/rangeringer/<slug>-excel.csv")
def ranking_csv_excel_download(slug: str):
    """Danish Excel form: semicolons, decimal comma, Danish headers, the source below the table."""
    return csv_response(linked_ranking_or_404(slug), excel=True)


@bp.route("/rangeringer/<slug>.xlsx")
def ranking_xlsx_download(slug: str):
    ranking = linked_ranking_or_404(slug)
    return download(exports.ranking_xlsx(ranking), f"{ranking['slug']}.xlsx", XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The most results a search export holds (a page shows at most 100; a file may hold more).
SEARCH_EXPORT_MAX = 1000
SEARCH_EXPORTS = {
    "soeg.xlsx": ("xlsx", XLSX),
    "soeg.csv": ("csv", "text/csv"),
    "soeg-excel.csv": ("excel_csv", "text/csv"),
}


@bp.route("/soeg.xlsx", defaults={"name": "soeg.xlsx"})
@bp.route("/soeg.csv", defaults={"name": "soeg.csv"})
@bp.route("/soeg-excel.csv", defaults={"name": "soeg-excel.csv"})
def search_download(name: str):
    """The search as a file: the same query and filters as the page, the first
    SEARCH_EXPORT_MAX results in the page's order, the query in a note."""
    form, mimetype = SEARCH_EXPORTS[name]
    req = dataclasses.replace(parse_search_args(request.args), page=1, per_page=SEARCH_EXPORT_MAX)
    response = run_search(req)
    body = exports.search_export(response.hits, base_url(), req.q, req.filters, response.total, form)
    if form == "csv":
        body = "\ufeff" + body
    return download(body, name, mimetype)


def download(body, filename: str, mimetype: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f"attachment; filename={filename}"})


def csv_response(ranking: dict, excel: bool = False) -> Response:
    if excel:  # semicolons, decimal comma, BOM: what Danish Excel splits into columns
        return download(exports.ranking_csv_excel(ranking), f"{ranking['slug']}-excel.csv", "text/csv")
    # A byte-order mark so Excel opens æ, ø and å correctly even in the machine form.
    return download("\ufeff" + exports.ranking_csv(ranking), f"{ranking['slug']}.csv", "text/csv")


@bp.route("/indikatorer")
@cached_page
def indicators():
    store = get_store()
    items = store.items_of_type("indicator")
    return render_template(
        "indicators.html",
        items=[
            {"item": i, "chart": Markup(charts.indicator_chart(i["data"], chart_id=f"ind-{i['slug']}"))} for i in items
        ],
    )


@bp.route("/indikatorer/<slug>")
def indicator(slug: str):
    """The address the API gives each indicator: its section on the indicator page."""
    _item_or_404("indicator", slug)
    return redirect(url_for("pages.indicators") + f"#{slug}")


@bp.route("/evidenskort")
@cached_page
def evidence_map():
    matrix = get_store().evidence_map(audiences())
    evaluated, evaluated_total = get_store().evaluated_counts(audiences())
    topics = sorted(matrix, key=danish_sort_key)
    totals = {k: sum(matrix[t][k] for t in topics) for k in EVIDENCE}
    return render_template(
        "evidence_map.html",
        matrix=matrix,
        topics=topics,
        totals=totals,
        evaluated=evaluated,
        evaluated_total=evaluated_total,
    )


@bp.route("/evalueringsgaeld")
@cached_page
def evaluation_debt():
    store = get_store()
    year = dt.date.today().year
    items = store.evaluation_debt(year, audiences())
    by_kommune: dict[str, list[dict]] = {}
    names = store.kommune_names([item["id"] for item in items])
    for item in items:
        for name in names.get(item["id"]) or [None]:  # None: national, listed last
            by_kommune.setdefault(name, []).append(item)
    groups = sorted(by_kommune.items(), key=lambda kv: (kv[0] is None, danish_sort_key(kv[0] or "")))
    # Translated once, not once per listed practice (thousands of gettext calls at 10k).
    ended = _("sluttede %(year)s")
    return render_template("evaluation_debt.html", items=items, groups=groups, year=year, ended=ended)
