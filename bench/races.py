"""The race phase of the load-and-fault run: two people writing the same thing at the same moment.

Three races, each repeated ``rounds`` times, each pair of requests released
together by a barrier against the real server (two workers):

- two members post notes with the same title and date;
- two editors approve two new practices with the same title;
- two editors approve two updates prepared against the same version of one practice.

Every request that answered 2xx is *accepted*; afterwards each accepted write
must be in ``content/`` with its own text (a unique marker in its body). What is
not is *lost*. A 409 is a fair answer for the loser of an update race; a 2xx
whose text is gone is the bug issue 11 is about. This phase only counts: the
fixes live in the write path.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path

NOTE = """---
title: Samtidigt notat {round}
network: vestegnen
date: 2026-11-30
kommuner: [Ishøj]
topics: [belastningstest]
visibility: public
---
Testnotat fra bench/races.py (ikke et rigtigt referat). Mærke: {marker}
"""

PRACTICE = """---
title: Samtidig erfaring {round}
kommuner: [Ishøj]
evidence: ikke-evalueret
topics: [belastningstest]
---
Testindhold fra bench/races.py (ikke en rigtig erfaring). Mærke: {marker}
"""


@dataclass
class RaceResult:
    name: str
    rounds: int = 0
    accepted: list[tuple[str, str]] = field(default_factory=list)  # (file in content/, marker)
    refused: dict = field(default_factory=dict)  # status -> count
    lost: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.name:<34} {self.rounds} rounds, {len(self.accepted)} accepted, {len(self.lost)} lost; "
            f"other answers {self.refused or 'none'}"
        )


def _both(calls):
    """Run two request functions released together by a barrier; return their results."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        barrier.wait(timeout=30)
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


def _tally(result: RaceResult, status, payload: bytes, path_of, marker: str) -> None:
    if isinstance(status, int) and 200 <= status < 300:
        result.accepted.append((path_of(json.loads(payload)), marker))
    else:
        result.refused[status] = result.refused.get(status, 0) + 1


def notes_race(client, member_tokens: list[str], rounds: int) -> RaceResult:
    result = RaceResult("same-titled notes, two members")
    for r in range(rounds):
        calls = []
        for who, token in enumerate(member_tokens[:2]):
            marker = f"note-{r}-{who}"
            body = NOTE.format(round=r, marker=marker).encode()
            calls.append(
                lambda body=body, token=token, marker=marker: (
                    client.request(
                        "POST",
                        "/api/notes",
                        body,
                        {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"},
                    ),
                    marker,
                )
            )
        for (status, payload), marker in _both(calls):
            _tally(result, status, payload, lambda j: f"notes/{j['id']}.md", marker)
        result.rounds += 1
    return result


def _submit(client, token: str, body: bytes, slug: str | None = None):
    path = "/api/submissions" + (f"?slug={slug}" if slug else "")
    status, payload = client.request(
        "POST", path, body, {"Authorization": f"Bearer {token}", "Content-Type": "text/markdown; charset=utf-8"}
    )
    return json.loads(payload)["id"] if status == 201 else None


def _approve_both(client, editor_tokens, sids_markers, result: RaceResult) -> None:
    calls = [
        lambda sid=sid, token=token: client.request(
            "POST", f"/api/submissions/{sid}/approve", b"", {"Authorization": f"Bearer {token}"}
        )
        for (sid, _m), token in zip(sids_markers, editor_tokens)
    ]
    for (status, payload), (_sid, marker) in zip(_both(calls), sids_markers):
        _tally(result, status, payload, lambda j: f"practices/{j['slug']}.md", marker)


def new_practices_race(client, contributor: str, editor_tokens: list[str], rounds: int) -> RaceResult:
    result = RaceResult("same-titled new practices, 2 editors")
    for r in range(rounds):
        pending = []
        for who in range(2):
            marker = f"new-{r}-{who}"
            sid = _submit(client, contributor, PRACTICE.format(round=r, marker=marker).encode())
            if sid:
                pending.append((sid, marker))
            else:
                result.refused["submit refused"] = result.refused.get("submit refused", 0) + 1
        if len(pending) == 2:
            _approve_both(client, editor_tokens, pending, result)
        result.rounds += 1
    return result


def updates_race(client, contributor: str, editor_tokens: list[str], rounds: int) -> RaceResult:
    result = RaceResult("two updates of one practice, 2 eds")
    for r in range(rounds):
        base = PRACTICE.format(round=f"opdatering {r}", marker=f"base-{r}").encode()
        sid = _submit(client, contributor, base)
        status, payload = (
            client.request(
                "POST", f"/api/submissions/{sid}/approve", b"", {"Authorization": f"Bearer {editor_tokens[0]}"}
            )
            if sid
            else (None, b"")
        )
        if status != 200:
            result.refused["setup failed"] = result.refused.get("setup failed", 0) + 1
            continue
        slug = json.loads(payload)["slug"]
        pending = []
        for who in range(2):
            marker = f"upd-{r}-{who}"
            text = PRACTICE.format(round=f"opdatering {r}", marker=marker).encode()
            usid = _submit(client, contributor, text, slug=slug)
            if usid:
                pending.append((usid, marker))
        if len(pending) == 2:
            _approve_both(client, editor_tokens, pending, result)
        result.rounds += 1
    return result


def count_losses(results: list[RaceResult], content: Path) -> None:
    """After the run (and reconcile): every accepted write's file holds its own marker."""
    for result in results:
        for rel, marker in result.accepted:
            path = content / rel
            if not path.exists():
                result.lost.append(f"{marker}: {rel} is missing")
            elif f"Mærke: {marker}\n" not in path.read_text(encoding="utf-8"):
                result.lost.append(f"{marker}: {rel} holds another text")
