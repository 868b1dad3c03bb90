"""Which engine an index uses: the choice for a new index, and the one recorded in an existing one."""

from __future__ import annotations

import json
import os
from pathlib import Path

from .documents import IndexUnavailable

#: The engines, the default first.
ENGINES = ("whoosh", "tantivy")
#: Environment variable choosing the engine of a NEW index (build).
ENGINE_ENV = "PORTAL_SEARCH_ENGINE"
#: The file in the index directory that records which engine built it.
ENGINE_FILE = "engine.json"


def resolve_engine(name: str | None = None) -> str:
    """The engine for a new index: ``name``, else ``$PORTAL_SEARCH_ENGINE``,
    else "whoosh".  Unknown names raise ValueError."""
    chosen = (name or os.environ.get(ENGINE_ENV) or ENGINES[0]).strip().lower()
    if chosen not in ENGINES:
        raise ValueError(f"Ukendt søgemaskine {chosen!r}; vælg en af {', '.join(ENGINES)} ({ENGINE_ENV})")
    return chosen


def engine_class(name: str):
    """The engine class of ``name`` (imported only when used: each engine imports its library)."""
    if name == "tantivy":
        from .engine_tantivy import TantivyEngine

        return TantivyEngine
    from .engine_whoosh import WhooshEngine

    return WhooshEngine


def recorded_engine(path: Path) -> str:
    """The engine that built the index in ``path`` (``engine.json``; an index
    from before engines were recorded is Whoosh's)."""
    marker = path / ENGINE_FILE
    try:
        raw = marker.read_text(encoding="utf-8")
    except FileNotFoundError:
        return "tantivy" if (path / "meta.json").is_file() else "whoosh"
    except OSError as exc:
        raise IndexUnavailable(f"Søgeindekset i {path} kan ikke læses: {type(exc).__name__}") from exc
    try:
        name = json.loads(raw)["engine"]
    except (ValueError, KeyError, TypeError) as exc:
        raise IndexUnavailable(f"Søgeindekset i {path} kan ikke læses: {ENGINE_FILE} er beskadiget") from exc
    if name not in ENGINES:
        raise IndexUnavailable(f"Søgeindekset i {path} er bygget med en ukendt søgemaskine: {str(name)[:40]!r}")
    return name
