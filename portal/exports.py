"""Tables people open: a ranking and a list of search results as .xlsx and CSV.

Three forms of each table, because each reader has a different tool:

* **machine CSV** – comma, decimal point, English column keys, no thousands
  separator: for scripts (and the stable form the API has always given);
* **Danish Excel CSV** – semicolon, decimal comma, Danish headers, a byte-order
  mark: Danish Excel splits it into columns and shows æ, ø, å when the file is
  simply opened (it reads a comma-separated file as one column);
* **.xlsx** (openpyxl) – Danish headers, numbers stored as numbers (so they sort
  and sum), the national row last, and the source and its caveats in a note
  sheet beside the table.

Flask-free: takes the plain dicts of :func:`portal.rankings.linked_ranking` and
of a search, returns text or bytes.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font

from .content import kommuner as kommune_registry
from .content.schema import EVIDENCE


@dataclass(frozen=True)
class Column:
    key: str  # machine header (CSV for scripts, API field)
    label: str  # Danish header (Excel forms)
    decimals: int | None = None  # a number: how many decimals the source prints; None: text


RANKING_COLUMNS = (
    Column("rank", "Nr.", 0),
    Column("kommune_as_published", "Kommune (som offentliggjort)"),
    Column("kommune_code", "Kommunekode i dag"),
    Column("kommune_name", "Kommune i dag"),
    Column("region", "Region"),
    Column("observed", "Observeret varighed (mdr.)", 3),
    Column("expected", "Forventet varighed (mdr.)", 3),
    Column("effect", "Effektmål (mdr.)", 3),
    Column("significance", "Signifikans"),
    Column("cases", "Antal forløb", 0),
    Column("share_completed", "Andel afsluttede forløb (%)", 0),
    Column("previous_rank", "Tidligere placering", 0),
)

SEARCH_COLUMNS = (
    Column("title", "Titel"),
    Column("type", "Type"),
    Column("kommuner", "Kommuner"),
    Column("evidence", "Evidens"),
    Column("url", "Adresse"),
)

NATIONAL = "Hele landet"


def ranking_records(ranking: dict) -> list[dict]:
    """One dict per row (keys as RANKING_COLUMNS), the national row last."""
    out = []
    for r in ranking["rows"]:
        k = r["kommune"] or {}
        out.append(
            {
                "rank": r["rank"],
                "kommune_as_published": r["kommune_as_published"],
                "kommune_code": k.get("code"),
                "kommune_name": k.get("name"),
                "region": k.get("region"),
                "observed": r["observed"],
                "expected": r["expected"],
                "effect": r["effect"],
                "significance": r["significance"],
                "cases": r["cases"],
                "share_completed": r["share_completed"],
                "previous_rank": r["previous_rank"],
            }
        )
    national = ranking.get("national")
    if national:
        out.append(
            {
                "kommune_as_published": NATIONAL,
                **{key: national.get(key) for key in ("observed", "expected", "effect", "cases", "share_completed")},
            }
        )
    return out


def ranking_note(ranking: dict) -> list[str]:
    """The lines of the note that goes with every export: what the table is and where it is from."""
    lines = [ranking["title"]]
    if ranking.get("source"):
        lines.append(f"Kilde: {ranking['source']}" + (f" ({ranking['published']})" if ranking.get("published") else ""))
    if ranking.get("period"):
        lines.append(f"Periode og målgruppe: {ranking['period']}")
    if ranking.get("measure"):
        lines.append(f"Effektmål: {ranking['measure']}")
    lines.append(
        "Signifikans: ***, ** og * = under 5, 10 og 20 pct. sandsynlighed for, at kommunen ikke "
        "adskiller sig fra landsgennemsnittet; ingen stjerne = ikke signifikant."
    )
    if ranking.get("previous_edition"):
        lines.append(
            f"Tidligere placering er fra: {ranking['previous_edition']}"
            + (f" ({ranking['previous_of']} kommuner)" if ranking.get("previous_of") else "")
        )
    lines.append(
        "Kommunenavne som offentliggjort (før kommunalreformen 2007); 'Kommune i dag' er den nuværende kommune."
    )
    return lines


# -- CSV -----------------------------------------------------------------------


def _machine(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _danish(value, decimals: int | None) -> str:
    """A number as Danish Excel reads it: decimal comma, no thousands separator (it would be read as text)."""
    if value is None:
        return ""
    if decimals is None or not isinstance(value, (int, float)):
        return str(value)
    text = f"{value:.{decimals}f}" if isinstance(value, float) and not value.is_integer() else str(int(value))
    return text.replace(".", ",")


def table_csv(records: list[dict], columns: tuple[Column, ...]) -> str:
    """Machine form: comma-separated, decimal point, the columns' keys as headers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in columns])
    for rec in records:
        writer.writerow([_machine(rec.get(c.key)) for c in columns])
    return out.getvalue()


def table_csv_excel(records: list[dict], columns: tuple[Column, ...], note: list[str] = ()) -> str:
    """Danish Excel form: BOM, semicolons, decimal comma, Danish headers; the note below the table."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([c.label for c in columns])
    for rec in records:
        writer.writerow([_danish(rec.get(c.key), c.decimals) for c in columns])
    if note:
        writer.writerow([])
        for line in note:
            writer.writerow([line])
    return "\ufeff" + out.getvalue()


def ranking_csv(ranking: dict) -> str:
    return table_csv(ranking_records(ranking), RANKING_COLUMNS)


def ranking_csv_excel(ranking: dict) -> str:
    return table_csv_excel(ranking_records(ranking), RANKING_COLUMNS, ranking_note(ranking))


# -- .xlsx ---------------------------------------------------------------------


def table_xlsx(
    records: list[dict], columns: tuple[Column, ...], sheet: str, note: list[str], bold_last: bool = False
) -> bytes:
    """A workbook: the table on ``sheet`` (headers frozen, numbers as numbers with the
    source's decimals) and the note on a sheet "Kilde"; the header's first cell carries
    the note's first two lines as a comment too, so the source travels with a copied sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet[:31]  # Excel's limit for a sheet name
    ws.append([c.label for c in columns])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for rec in records:
        ws.append([rec.get(c.key) for c in columns])
    for i, col in enumerate(columns, start=1):
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = max(10, min(50, len(col.label) + 2))
        if col.decimals is not None:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "0" if col.decimals == 0 else "0." + "0" * col.decimals
    if bold_last and records:
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws["A1"].comment = Comment("\n".join(note[:2]), "Hvad virker")
    notes = wb.create_sheet("Kilde")
    for line in note:
        notes.append([line])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def ranking_xlsx(ranking: dict) -> bytes:
    return table_xlsx(
        ranking_records(ranking),
        RANKING_COLUMNS,
        "Rangering",
        ranking_note(ranking),
        bold_last=bool(ranking.get("national")),
    )


# -- search results ------------------------------------------------------------

#: The content types in Danish (exports are Danish whatever the page's language, like the API).
TYPE_DA = {
    "practice": "Erfaring",
    "note": "Netværksnotat",
    "network": "Netværk",
    "ranking": "Rangering",
    "kommune": "Kommune",
}


def search_records(hits, base_url: str) -> list[dict]:
    """Search hits (``SearchHit``) as rows: Danish labels, full addresses, kommuner joined."""
    return [
        {
            "title": h.title,
            "type": TYPE_DA.get(h.type, h.type),
            "kommuner": ", ".join(_names(h.kommuner)),
            "evidence": EVIDENCE.get(h.evidence, "") if h.evidence else "",
            "url": base_url + h.url,
        }
        for h in hits
    ]


def _names(codes) -> list[str]:
    out = []
    for code in codes or []:
        try:
            out.append(kommune_registry.by_code(code).name)
        except KeyError:  # not a code: keep what the index holds
            out.append(code)
    return out


def search_note(query: str, filters: dict, total: int, shown: int) -> list[str]:
    lines = [f"Søgning i Hvad virker: {query or '(alt indhold)'}"]
    if filters:
        lines.append("Filtre: " + "; ".join(f"{k} = {', '.join(v)}" for k, v in sorted(filters.items())))
    lines.append(f"{total} resultater; filen rummer de første {shown}." if shown < total else f"{total} resultater.")
    lines.append("Resultaterne står i samme rækkefølge som på søgesiden (bedst matchende først).")
    return lines


def search_export(hits, base_url: str, query: str, filters: dict, total: int, form: str):
    """A list of search results in ``form`` "csv", "excel_csv" or "xlsx" (text or bytes)."""
    records = search_records(hits, base_url)
    note = search_note(query, filters, total, len(records))
    if form == "xlsx":
        return table_xlsx(records, SEARCH_COLUMNS, "Søgeresultater", note)
    if form == "excel_csv":
        return table_csv_excel(records, SEARCH_COLUMNS, note)
    return table_csv(records, SEARCH_COLUMNS)
