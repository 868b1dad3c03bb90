"""The limits a client of the portal meets, in one place. Flask-free.

Three readers take them from here, so they cannot drift apart: the views refuse
a request over a limit (HTTP 400, or 422 for a body), the OpenAPI document states
each one as schema (``maxLength``, ``maxItems``, ``maximum``, see
:mod:`portal.web.openapi`), and the tests derive their edge cases from them.

``search_index/`` is a library that must not import the portal, so it keeps its
own caps: hard ceilings that protect the index from any caller. The portal's
limits are never above them (each is written as ``min(portal's choice, the
index's ceiling)``), so a request the portal lets through is never clamped or
refused by the index behind it, and the limit a client reads in the document is
the one that applies. Where the two are equal the portal simply takes the
index's number.
"""

from __future__ import annotations

from search_index import MAX_QUERY_CHARS, MAX_QUERY_TERMS
from search_index.facets import MAX_FILTER_VALUES as INDEX_MAX_FILTER_VALUES
from search_index.index import MAX_PAGE as INDEX_MAX_PAGE, MAX_PER_PAGE as INDEX_MAX_PER_PAGE

from .content.checker import MAX_TAG

__all__ = [
    "MAX_Q",
    "MAX_Q_WORDS",
    "MAX_PAGE",
    "MAX_PER_PAGE",
    "MAX_FILTER_VALUES",
    "MAX_TOPIC",
    "MAX_SUBMISSION_BYTES",
    "MAX_REASON",
    "MAX_SLUG",
]

# --- Search (the /soeg page and GET /api/search) ---------------------------------

#: Characters of ``q``: the index's own cap (it refuses longer queries too).
MAX_Q = MAX_QUERY_CHARS
#: Searchable words in ``q`` (stop words not counted); enforced by the index's query parser.
MAX_Q_WORDS = MAX_QUERY_TERMS
#: Pages of results. Deep pages cost the index more than anyone reads; the index clamps at 10,000.
MAX_PAGE = min(1_000, INDEX_MAX_PAGE)
#: Results per page.
MAX_PER_PAGE = min(100, INDEX_MAX_PER_PAGE)
#: Values of one filter in all (repeated and comma-separated alike); the index refuses over 100.
MAX_FILTER_VALUES = min(20, INDEX_MAX_FILTER_VALUES)
#: Characters of one ``topic`` value: no topic tag of the content format is longer.
MAX_TOPIC = MAX_TAG

# --- Writing (POST /api/submissions, /api/notes, /api/submissions/<id>/reject) ----

#: A submitted practice or note file, in bytes of UTF-8 (the web form's upload too).
MAX_SUBMISSION_BYTES = 200_000
#: An editor's reason for a rejection, in characters.
MAX_REASON = 2_000
#: A slug (``?slug=`` of an update): ``SLUG_RE`` in :mod:`portal.content.schema`, 1 + 118 + 1 characters.
MAX_SLUG = 120
