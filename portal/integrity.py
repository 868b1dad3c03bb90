"""Integrity checks and repair: database, index, content files and owned data agree.

``check`` reports every disagreement (used by ``flask check`` and by the
load-and-fault test); ``reconcile`` repairs what can be repaired without a
full ingest: it publishes pending outbox entries, then makes the live index
hold exactly the database's items (adding what is missing, removing what is
not there). Flask-free.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from search_index import IndexUnavailable, SearchIndex

from .content import kommuner as kommune_registry
from .generations import current_generation, write_lock
from .indexing import document_for, kommune_document
from .kinds import KINDS
from .owned import OwnedDB
from .publishing import content_path, drain
from .store import full_rows, item_id, open_derived


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _integrity(conn: sqlite3.Connection, name: str, report: Report) -> None:
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        report.problems.append(f"{name}: integrity_check: {result}")


def _db_rows(db_path: Path) -> dict[str, dict]:
    conn = open_derived(db_path)
    try:
        return {r["id"]: r for r in full_rows(conn, "i.type != 'indicator'")}
    finally:
        conn.close()


def expected_index_ids(rows: dict[str, dict]) -> set[str]:
    return set(rows) | {item_id("kommune", k.code) for k in kommune_registry.all_kommuner()}


def check(content_dir: Path | str, data_dir: Path | str) -> Report:
    report = Report()
    owned = OwnedDB(data_dir)
    try:
        _integrity(owned.conn, "owned.db", report)
        pending = owned.all("SELECT id, kind, slug, error FROM outbox WHERE done_at IS NULL")
        for p in pending:
            report.problems.append(f"udbakke #{p['id']} ({p['kind']} {p['slug']}) er ikke offentliggjort"
                                   + (f": {p['error']}" if p["error"] else ""))
        approved = owned.all("SELECT id, kind, slug FROM submissions WHERE status = 'approved'")
    finally:
        owned.close()
    gen = current_generation(data_dir)
    if gen is None:
        report.problems.append("ingen indlæst generation (kør ingest)")
        return report
    conn = open_derived(gen.db_path)
    try:
        _integrity(conn, "portal.db", report)
    finally:
        conn.close()
    rows = _db_rows(gen.db_path)
    try:
        index = SearchIndex(gen.index_path)
    except IndexUnavailable as exc:
        report.problems.append(f"søgeindeks: {exc}")
        return report
    try:
        in_index = index.ids()
    finally:
        index.close()
    expected = expected_index_ids(rows)
    for missing in sorted(expected - in_index):
        report.problems.append(f"søgeindeks mangler {missing}")
    for extra in sorted(in_index - expected):
        report.problems.append(f"søgeindeks har {extra}, som ikke er i databasen")
    for sub in approved:
        path = content_path(content_dir, sub["kind"], sub["slug"])
        if not path.exists():
            report.problems.append(f"godkendt indsendelse {sub['id']}: filen {path.parent.name}/{path.name} mangler")
        if item_id(sub["kind"], sub["slug"]) not in rows:
            what = KINDS[sub["kind"]].label.lower()
            report.problems.append(f"godkendt indsendelse {sub['id']}: {what} {sub['slug']} er ikke i databasen")
    return report


def reconcile(content_dir: Path | str, data_dir: Path | str) -> Report:
    report = Report()
    owned = OwnedDB(data_dir)
    try:
        drained = drain(owned, content_dir, data_dir, wait=60)
    finally:
        owned.close()
    report.repaired += [f"offentliggjort {i}" for i in drained.published]
    report.problems += [f"udbakke #{i}: {msg}" for i, msg in drained.failed]
    if drained.skipped:
        report.problems.append("en indlæsning kører; prøv igen bagefter")
        return report
    gen = current_generation(data_dir)
    if gen is None:
        return report
    with write_lock(data_dir, blocking=True):
        rows = _db_rows(gen.db_path)
        try:
            index = SearchIndex(gen.index_path)
        except IndexUnavailable as exc:
            report.problems.append(f"søgeindekset kan ikke åbnes ({exc}); kør ingest for at bygge det igen")
            return report
        try:
            present = index.ids()
            expected = expected_index_ids(rows)
            missing, extra = expected - present, present - expected
            docs = []
            for iid in sorted(missing):
                if iid.startswith("kommune:"):
                    docs.append(kommune_document(kommune_registry.by_code(iid.split(":", 1)[1])))
                else:
                    row = rows[iid]
                    docs.append(document_for(json.loads(row["data"]), row))
            index.update(docs)
            index.delete(sorted(extra))
        finally:
            index.close()
    report.repaired += [f"indekseret {i}" for i in sorted(missing)] + [f"fjernet fra indekset {i}" for i in sorted(extra)]
    return report
