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

from . import faults
from .content import kommuner as kommune_registry
from .generations import current_generation, write_lock
from .indexing import document_for, kommune_document
from .kinds import KINDS
from .owned import OwnedDB
from .publishing import content_path, drain, text_version
from . import versions
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


def _finding(name: str, exc: BaseException, advice: str) -> str:
    """A damaged or missing file as one line of the report (the caller decides whether it is a fault)."""
    fault = faults.classify(exc)
    what = fault.describe() if fault else f"{type(exc).__name__}: {exc}"
    return f"{name}: {what}; {advice}"


FAULTS = (sqlite3.DatabaseError, OSError)  # what a damaged, missing or unwritable file raises


def check(content_dir: Path | str, data_dir: Path | str) -> Report:
    """Every disagreement as a finding. A damaged or missing file is a finding too (never a
    traceback), and the parts that do not depend on it are still checked."""
    report = Report()
    approved: list[dict] = []
    try:
        owned = OwnedDB(data_dir)
        try:
            _integrity(owned.conn, "owned.db", report)
            pending = owned.all("SELECT id, kind, slug, error FROM outbox WHERE done_at IS NULL")
            for p in pending:
                report.problems.append(
                    f"udbakke #{p['id']} ({p['kind']} {p['slug']}) er ikke offentliggjort"
                    + (f": {p['error']}" if p["error"] else "")
                )
            report.problems.extend(versions.commit_problems(owned))  # retried by the next drain
            # Approved items that were later withdrawn (a note) are meant to be gone: not checked for presence.
            approved = owned.all(
                """SELECT s.id, s.kind, s.slug FROM submissions s WHERE s.status = 'approved' AND COALESCE((
                       SELECT o.op FROM outbox o WHERE o.kind = s.kind AND o.slug = s.slug ORDER BY o.id DESC LIMIT 1),
                       'write') != 'delete'"""
            )
            accepted_writes(owned, content_dir, report)
        finally:
            owned.close()
    except FAULTS as exc:
        report.problems.append(_finding("owned.db", exc, "gendan den fra den seneste backup (flask restore)"))
    gen = current_generation(data_dir)
    if gen is None:
        report.problems.append("ingen indlæst generation (kør ingest)")
        return report
    try:
        conn = open_derived(gen.db_path)
        try:
            _integrity(conn, "portal.db", report)
        finally:
            conn.close()
        rows = _db_rows(gen.db_path)
    except FAULTS as exc:
        report.problems.append(_finding(f"portal.db ({gen.name})", exc, "kør ingest for at bygge den igen"))
        return report
    try:
        index = SearchIndex(gen.index_path)
    except IndexUnavailable as exc:
        report.problems.append(f"søgeindeks: {exc}")
        return report
    try:
        in_index = index.ids()
    except (IndexUnavailable, *FAULTS) as exc:
        report.problems.append(_finding("søgeindeks", exc, "kør ingest for at bygge det igen"))
        return report
    finally:
        index.close()
    expected = expected_index_ids(rows)
    for missing in sorted(expected - in_index):
        report.problems.append(f"søgeindeks mangler {missing}")
    for extra in sorted(in_index - expected):
        report.problems.append(f"søgeindeks har {extra}, som ikke er i databasen")
    for sub in approved:
        path = content_path(content_dir, sub["kind"], sub["slug"])
        what = KINDS[sub["kind"]].label.lower()
        if not path.exists():
            report.problems.append(f"godkendt indsendelse {sub['id']}: filen {path.parent.name}/{path.name} mangler")
        if item_id(sub["kind"], sub["slug"]) not in rows:
            report.problems.append(f"godkendt indsendelse {sub['id']}: {what} {sub['slug']} er ikke i databasen")
    return report


def _what(entry: dict) -> str:
    if entry["kind"] == "note":
        return f"notatet fra udbakke #{entry['id']}"
    if entry["sid"]:
        return f"godkendt indsendelse {entry['sid']}"
    return f"udbakke #{entry['id']}"


def accepted_writes(owned: OwnedDB, content_dir: Path | str, report: Report) -> None:
    """Every accepted note and approved submission kept its own text in ``content/``.

    The outbox holds every write the portal said yes to, in order. For one
    item, a later entry may only replace an earlier one's text if it was an
    update based on exactly that text (an approved update's ``base_raw``, or
    a note edit's ``based_on`` version; a new item never replaces anything);
    otherwise the earlier text was lost. A withdrawal (``op = 'delete'``) is
    a deliberate end, not a loss: after it the file must be gone. The last
    entry's text must be the file's text. Entries without a
    submission id (written before outbox rows kept it) are matched to their
    approved submission by slug and text.
    """
    entries = owned.all(
        """SELECT o.id, o.kind, o.slug, o.raw, o.done_at, o.op, o.based_on,
                  COALESCE(o.submission_id, (
                      SELECT s.id FROM submissions s WHERE s.status = 'approved' AND o.kind = 'practice'
                      AND s.slug = o.slug AND s.raw = o.raw ORDER BY s.decided_at LIMIT 1)) AS sid
           FROM outbox o ORDER BY o.id"""
    )
    bases = {
        r["id"]: (bool(r["is_update"]), r["base_raw"])
        for r in owned.all("SELECT id, is_update, base_raw FROM submissions WHERE status = 'approved'")
    }
    by_item: dict[tuple[str, str], list[dict]] = {}
    for entry in entries:
        by_item.setdefault((entry["kind"], entry["slug"]), []).append(entry)
    for (kind, slug), group in by_item.items():
        path = content_path(content_dir, kind, slug)
        rel = f"{path.parent.name}/{path.name}"
        for earlier, later in zip(group, group[1:]):
            if later["op"] == "delete" or earlier["op"] == "delete":
                continue  # a withdrawal ends the item; nothing is written after one (its address stays reserved)
            is_update, base_raw = bases.get(later["sid"], (False, None))
            edited = later["based_on"] is not None and later["based_on"] == text_version(earlier["raw"])
            if not edited and (not is_update or base_raw != earlier["raw"]):
                report.problems.append(
                    f"{_what(earlier)} er gået tabt: {rel} blev overskrevet af {_what(later)}, "
                    "som ikke var baseret på den"
                )
        last = group[-1]
        if last["done_at"] is None:
            continue  # not published yet: reported above as a pending outbox entry
        if last["op"] == "delete":
            if path.exists():
                report.problems.append(f"{rel} er trukket tilbage (udbakke #{last['id']}), men filen findes stadig")
            continue
        try:
            on_disk = path.read_bytes()
        except FileNotFoundError:
            report.problems.append(f"{_what(last)}: filen {rel} mangler")
            continue
        except OSError as exc:
            report.problems.append(f"{_what(last)}: {rel} kan ikke læses ({exc.strerror or exc})")
            continue
        if on_disk != last["raw"].encode("utf-8"):
            report.problems.append(
                f"{_what(last)}: {rel} har ikke den tekst, der blev godkendt "
                "(ændret uden om portalen, eller en godkendelse er gået tabt)"
            )


def reconcile(content_dir: Path | str, data_dir: Path | str) -> Report:
    report = Report()
    try:
        owned = OwnedDB(data_dir)
        try:
            drained = drain(owned, content_dir, data_dir, wait=60)
        finally:
            owned.close()
    except FAULTS as exc:
        report.problems.append(_finding("owned.db", exc, "gendan den fra den seneste backup (flask restore)"))
        return report
    report.repaired += [f"offentliggjort {i}" for i in drained.published]
    report.problems += [f"udbakke #{i}: {msg}" for i, msg in drained.failed]
    if drained.skipped:
        report.problems.append("en indlæsning kører; prøv igen bagefter")
        return report
    gen = current_generation(data_dir)
    if gen is None:
        return report
    with write_lock(data_dir, blocking=True):
        try:
            rows = _db_rows(gen.db_path)
        except FAULTS as exc:
            report.problems.append(_finding(f"portal.db ({gen.name})", exc, "kør ingest for at bygge den igen"))
            return report
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
    report.repaired += [f"indekseret {i}" for i in sorted(missing)] + [
        f"fjernet fra indekset {i}" for i in sorted(extra)
    ]
    return report
