"""The derived database: every published item, as the pages need it.

Built from scratch by each ingest (into a new file, swapped in on success) with
sqlite-utils; never edited by hand and never holding anything that is not in
``content/``. Split by job:

- :mod:`.rows`       one validated record → its rows (pure functions)
- :mod:`.writer`     the one insert path, used by the full build and by publishing
- :mod:`.reader`     :class:`Store`, the only SQL the pages run against it
- :mod:`.connection` the one function that opens a derived database

Flask-free.
"""

from ..kinds import item_id, item_url
from .connection import open_derived
from .reader import PUBLIC, Store, full_rows, store_version, text_of
from .rows import EVIDENCE_RANK, NO_EVIDENCE_RANK, SUMMARY_CHARS, item_row
from .writer import STORE_VERSION, build_store, delete_item, refresh_counts, replace_item

__all__ = [
    "EVIDENCE_RANK",
    "NO_EVIDENCE_RANK",
    "PUBLIC",
    "STORE_VERSION",
    "SUMMARY_CHARS",
    "Store",
    "build_store",
    "delete_item",
    "full_rows",
    "item_id",
    "item_row",
    "item_url",
    "open_derived",
    "refresh_counts",
    "replace_item",
    "store_version",
    "text_of",
]
