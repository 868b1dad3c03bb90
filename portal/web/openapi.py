"""The OpenAPI description of the JSON API (served at ``GET /api/openapi.json``).

OpenAPI 3.0.3 (``nullable`` rather than 3.1's type arrays: every tool reads it
the same way). It describes every route under ``/api/`` in
:mod:`portal.web.views.api` and :mod:`portal.web.views.api_write`, with the limits the
views enforce stated as schema (``maxLength``, ``maxItems``, ``maximum``) and read
from :mod:`portal.limits` like the views themselves, so the two cannot drift apart,
and the real shapes of the answers. ``tests/test_openapi.py`` runs schemathesis
against the live app with it: any 5xx, any undocumented status and any answer
that does not match these schemas fails the build; and every ``/api/`` response
any test receives is validated against it as a strict client would
(openapi-core, ``tests/api_contract.py``). It reads the search types from
:mod:`portal.web.views.search`, so it lives beside the views.
"""

from __future__ import annotations

import copy

from ..content import kommuner as kommune_registry
from ..content.schema import EVIDENCE
from ..limits import MAX_PAGE, MAX_PER_PAGE, MAX_Q, MAX_Q_WORDS, MAX_SLUG, MAX_TOPIC
from .openapi_parts import (
    _MARKDOWN_BODY,
    _READ_SECURITY,
    _STR,
    _WRITE_SECURITY,
    _filter,
    _obj,
    _ok,
    _one_of,
    _path,
    _ref,
    _responses,
)
from .views.search import TYPES

from .openapi_schemas import SCHEMAS, SUBMISSION_STATUSES

_SUBMISSION_BODY = {
    "required": True,
    "content": {
        **_MARKDOWN_BODY["content"],
        "multipart/form-data": {
            "schema": _obj(
                {k: {"type": "string", "format": "binary"} for k in ("file", "attachment")}, ["file"], extra=True
            )
        },
    },
    "description": "A practice (text/markdown), or an evaluation report as multipart/form-data: `file` (its YAML), "
    "optionally `attachment` (the report as a PDF, at most 20 MB).",
}

PATHS: dict[str, dict] = {
    "/api/search": {
        "get": {
            "operationId": "search",
            "summary": "Search practices, notes, networks, rankings and kommuner (Danish stemming, æ/ø/å folding)",
            "security": _READ_SECURITY,
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": False,
                    "description": f'Words, "quoted phrases", prefix* (3+ letters); at most {MAX_Q_WORDS} words',
                    "schema": {"type": "string", "maxLength": MAX_Q},
                },
                _filter("type", "Item type", _one_of(TYPES)),
                _filter("kommune", "A current or former name, or a 3-digit code", _STR),
                _filter("region", "Region", _one_of(kommune_registry.REGIONS)),
                _filter(
                    "topic",
                    f"A topic tag (at most {MAX_TOPIC} characters; an alias counts as its canonical topic)",
                    _STR,
                ),
                _filter(
                    "target_group",
                    f"A target group (at most {MAX_TOPIC} characters; an alias counts as its canonical value)",
                    _STR,
                ),
                _filter("evidence", "Evidence category", _one_of(EVIDENCE)),
                {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
                },
                {
                    "name": "per_page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10},
                },
                {
                    "name": "expand",
                    "in": "query",
                    "required": False,
                    "description": "1: also find the thesaurus' synonyms, renamed terms and abbreviations; "
                    "0: only the words typed",
                    "schema": {"type": "integer", "enum": [0, 1], "default": 1},
                },
                {
                    "name": "correct",
                    "in": "query",
                    "required": False,
                    "description": "1: a query that finds nothing searches its spelling correction "
                    "(corrected_from says so); 0: never",
                    "schema": {"type": "integer", "enum": [0, 1], "default": 1},
                },
            ],
            "responses": _responses(_ok(_ref("SearchResponse")), 400, 429),
        }
    },
    "/api/practices/{slug}": {
        "get": {
            "operationId": "getPractice",
            "summary": "One practice with its fields, kommuner, Markdown body and sanitized HTML",
            "security": _READ_SECURITY,
            "parameters": [_path("slug", "The practice's slug")],
            "responses": _responses(_ok(_ref("Practice")), 404, 429),
        }
    },
    "/api/kommuner/{ref}": {
        "get": {
            "operationId": "getKommune",
            "summary": "A kommune with its practices, notes, networks, rankings and indicators",
            "security": _READ_SECURITY,
            "parameters": [_path("ref", "A current or former name, any common spelling, or a 3-digit code")],
            "responses": _responses(_ok(_ref("Kommune")), 404, 429),
        }
    },
    # Before "/api/rankings/{slug}": "x.csv" matches both templates, and matchers that try
    # templated paths in document order (openapi-core does) must meet the more specific one first.
    "/api/rankings/{slug}.csv": {
        "get": {
            "operationId": "getRankingCsv",
            "summary": "The ranking's table as CSV (UTF-8 with BOM, national row last)",
            "parameters": [_path("slug", "The ranking's slug")],
            "responses": _responses(
                {
                    "200": {
                        "description": "CSV",
                        "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
                        "headers": {"Content-Disposition": {"schema": _STR}},
                    }
                },
                404,
            ),
        }
    },
    "/api/rankings/{slug}": {
        "get": {
            "operationId": "getRanking",
            "summary": "A ranking with all rows; top and bottom kommuner linked to their practices",
            "parameters": [_path("slug", "The ranking's slug")],
            "responses": _responses(_ok(_ref("Ranking")), 404),
        }
    },
    "/api/indicators": {
        "get": {
            "operationId": "listIndicators",
            "summary": "Every indicator (key figures over time)",
            "responses": _responses(_ok({"type": "array", "items": _ref("Indicator")})),
        }
    },
    "/api/submissions": {
        "post": {
            "operationId": "createSubmission",
            "summary": "Submit a practice (new, or with ?slug= an update) for moderation",
            "security": _WRITE_SECURITY,
            "parameters": [
                {
                    "name": "slug",
                    "in": "query",
                    "required": False,
                    "description": "Submit an update of this existing practice",
                    "schema": {"type": "string", "maxLength": MAX_SLUG},
                },
                {
                    "name": "based_on",
                    "in": "query",
                    "required": False,
                    "description": "The `version` of the practice the update started from "
                    "(GET /api/practices/{slug}); 409 if it changed since",
                    "schema": {"type": "string", "maxLength": 64},
                },
            ],
            "requestBody": _SUBMISSION_BODY,
            "responses": _responses(
                {
                    "201": {
                        "description": "Stored, pending moderation",
                        "headers": {"Location": {"schema": _STR}},
                        "content": {"application/json": {"schema": _ref("SubmissionCreated")}},
                    }
                },
                400,
                401,
                409,
                413,
                415,
                422,
                429,
            ),
        },
        "get": {
            "operationId": "listSubmissions",
            "summary": "Editors: all submissions with a status; contributors: their own",
            "security": _WRITE_SECURITY,
            "parameters": [
                {
                    "name": "status",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": list(SUBMISSION_STATUSES), "default": "pending"},
                }
            ],
            "responses": _responses(_ok(_ref("SubmissionList")), 400, 401, 429),
        },
    },
    "/api/submissions/{sid}": {
        "get": {
            "operationId": "getSubmission",
            "summary": "A submission with what was submitted (and an update's diff), for its owner and editors "
            "(404 for anyone else)",
            "security": _WRITE_SECURITY,
            "parameters": [_path("sid", "The submission's id")],
            "responses": _responses(_ok(_ref("SubmissionDetail")), 401, 404, 429),
        }
    },
    "/api/submissions/{sid}/approve": {
        "post": {
            "operationId": "approveSubmission",
            "summary": "Editors: approve and publish at once",
            "security": _WRITE_SECURITY,
            "parameters": [_path("sid", "The submission's id")],
            "responses": _responses(_ok(_ref("Submission")), 401, 403, 404, 409, 429),
        }
    },
    "/api/submissions/{sid}/reject": {
        "post": {
            "operationId": "rejectSubmission",
            "summary": "Editors: reject with a reason",
            "security": _WRITE_SECURITY,
            "parameters": [_path("sid", "The submission's id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("RejectRequest")}}},
            "responses": _responses(_ok(_ref("Submission")), 400, 401, 403, 404, 409, 413, 422, 429),
        }
    },
}

from .openapi_notify import PATHS as _NOTIFY_PATHS, SCHEMAS as _NOTIFY_SCHEMAS  # noqa: E402 (needs the helpers)
from .openapi_notes import PATHS as _NOTE_PATHS, SCHEMAS as _NOTE_SCHEMAS  # noqa: E402

PATHS.update(_NOTIFY_PATHS)
SCHEMAS.update(_NOTIFY_SCHEMAS)
PATHS.update(_NOTE_PATHS)
SCHEMAS.update(_NOTE_SCHEMAS)
from .openapi_moderation import add_to as _add_moderation  # noqa: E402 (needs the helpers)

_add_moderation(PATHS, SCHEMAS)

SPEC: dict = {
    "openapi": "3.0.3",
    "info": {
        "title": "Hvad virker – JSON API",
        "version": "1",
        "description": "Read endpoints need no authentication; write endpoints take `Authorization: Bearer hv_…` "
        '(`flask --app app users token EMAIL`). Every error is `{"error": "…"}` in Danish; '
        "never a 500. See docs/api.md.",
    },
    "paths": PATHS,
    "components": {
        "schemas": SCHEMAS,
        "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "hv_…"}},
    },
}


def spec() -> dict:
    """A fresh copy of the description (callers may change it)."""
    return copy.deepcopy(SPEC)
