"""The OpenAPI description of the JSON API (served at ``GET /api/openapi.json``).

OpenAPI 3.0.3 (``nullable`` rather than 3.1's type arrays: every tool reads it
the same way). It describes every route under ``/api/`` in
:mod:`portal.web.views.api` and :mod:`portal.web.views.api_write`, with the limits the
views enforce (taken from the same constants, so the two cannot drift apart)
and the real shapes of the answers. ``tests/test_openapi.py`` runs schemathesis
against the live app with it: any 5xx, any undocumented status and any answer
that does not match these schemas fails the build. It reads the limits from
:mod:`portal.web.views.search`, so it lives beside the views (it imports Flask through them).
"""

from __future__ import annotations

import copy

from ..content import kommuner as kommune_registry
from ..content.schema import EVIDENCE, STATUSES as PRACTICE_STATUSES
from .views.search import MAX_FILTER_VALUES, MAX_PAGE, MAX_PER_PAGE, MAX_Q, TYPES

SUBMISSION_STATUSES = ("pending", "approved", "rejected")


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    return {**schema, "nullable": True}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}
_STRS = {"type": "array", "items": _STR}


def _obj(properties: dict, required: list[str] | None = None, *, extra: bool = False) -> dict:
    schema = {"type": "object", "properties": properties, "required": list(properties) if required is None else required}
    if not extra:
        schema["additionalProperties"] = False
    return schema


SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "description": "Every error under /api/: a Danish message, sometimes with details.",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "minLength": 1},
            "errors": {"type": "array", "items": _ref("ValidationError")},
            "suggestions": _STRS,
        },
        "additionalProperties": False,
    },
    "ValidationError": _obj({
        "line": {"type": "integer", "minimum": 1, "description": "1 = the opening '---'"},
        "field": _nullable(_STR),
        "message": {"type": "string", "minLength": 1},
    }),
    "SearchHit": _obj({
        "id": _STR,
        "type": {"type": "string", "enum": list(TYPES)},
        "title": _STR,
        "url": _STR,
        "kommuner": _STRS,
        "evidence": _nullable({"type": "string", "enum": list(EVIDENCE)}),
        "snippet": {"type": "string", "description": "HTML: text escaped, matched words in <mark>"},
    }),
    "SearchResponse": _obj({
        "query": _STR,
        "total": {"type": "integer", "minimum": 0},
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
        "results": {"type": "array", "items": _ref("SearchHit"), "maxItems": MAX_PER_PAGE},
        "facets": {
            "type": "object",
            "additionalProperties": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
        },
        "suggestion": _nullable(_STR),
    }),
    "KommuneRef": _obj({"code": {"type": "string", "pattern": r"^\d{3}$"}, "name": _STR,
                        "region": {"type": "string", "enum": list(kommune_registry.REGIONS)}}),
    "Practice": _obj({
        "id": _STR,
        "url": _STR,
        "title": _STR,
        "kommuner": {"type": "array", "items": _ref("KommuneRef")},
        "evidence": {"type": "string", "enum": list(EVIDENCE)},
        "topics": _STRS,
        "target_groups": _STRS,
        "organisation": _nullable(_STR),
        "start": _nullable(_INT),
        "end": _nullable(_INT),
        "status": _nullable({"type": "string", "enum": list(PRACTICE_STATUSES)}),
        "source": _nullable(_STR),
        "contact": _nullable(_STR),
        "body": {"type": "string", "description": "Markdown"},
        "html": {"type": "string", "description": "sanitized HTML"},
    }),
    "ItemSummary": _obj({
        "id": _STR, "title": _STR, "url": _STR,
        "evidence": _nullable(_STR), "date": _nullable(_STR),
    }),
    "KommuneRanking": _obj({
        "ranking": _STR, "title": _STR, "rank": _INT, "of": _INT, "as": _STR,
        "effect": _nullable(_NUM), "significance": _STR, "previous_rank": _nullable(_INT),
    }),
    "Indicator": _obj({
        "id": _STR, "url": _STR, "title": _STR,
        "measure": _nullable(_STR), "unit": _nullable(_STR), "source": _nullable(_STR),
        "published": _nullable(_STR), "chart": _nullable({"type": "string", "enum": ["bar", "line"]}),
        "x_label": _nullable(_STR), "categories": _nullable(_STRS),
        "series": _nullable({"type": "array", "items": _obj({
            "name": _STR, "values": {"type": "array", "items": _nullable(_NUM)},
        })}),
        "target": _nullable(_obj({"value": _NUM, "label": _STR})),
    }),
    "Kommune": _obj({
        "code": {"type": "string", "pattern": r"^\d{3}$"},
        "name": _STR,
        "region": {"type": "string", "enum": list(kommune_registry.REGIONS)},
        "url": _STR,
        "former": _STRS,
        "practices": {"type": "array", "items": _ref("ItemSummary")},
        "notes": {"type": "array", "items": _ref("ItemSummary")},
        "networks": {"type": "array", "items": _ref("ItemSummary")},
        "rankings": {"type": "array", "items": _ref("KommuneRanking")},
        "indicators": {"type": "array", "items": _ref("Indicator")},
    }),
    "RankingKommune": _nullable(_obj({"code": _STR, "name": _STR, "region": _STR, "slug": _STR})),
    "RankingPractice": _obj({
        "id": _STR, "title": _STR, "url": _STR, "evidence": _nullable(_STR), "topics": _STRS,
        "from_kommuner": _STRS, "shared_topics": _STRS, "shared": {"type": "boolean"},
    }, required=["id", "title", "url", "evidence", "topics"]),
    "RankingRow": _obj({
        "rank": _INT,
        "kommune_as_published": _STR,
        "kommune": _ref("RankingKommune"),
        "effect": _nullable(_NUM),
        "observed": _nullable(_NUM),
        "expected": _nullable(_NUM),
        "significance": {"type": "string", "enum": ["", "*", "**", "***"]},
        "cases": _nullable(_INT),
        "share_completed": _nullable(_NUM),
        "previous_rank": _nullable(_INT),
        "movement": _nullable(_INT),
        "practices": {"type": "array", "items": _ref("RankingPractice")},
        "practices_total": _INT,
        "suggested_practices": {"type": "array", "items": _ref("RankingPractice")},
    }, required=["rank", "kommune_as_published", "kommune", "effect", "significance"]),
    "Ranking": _obj({
        "slug": _STR, "title": _STR,
        "source": _nullable(_STR), "published": _nullable(_STR), "period": _nullable(_STR),
        "measure": _nullable(_STR), "unit": _nullable(_STR), "notes": _nullable(_STR),
        "previous_edition": _nullable(_STR), "lower_is_better": _nullable({"type": "boolean"}),
        "rows": {"type": "array", "items": _ref("RankingRow")},
        "national": _nullable({"type": "object", "additionalProperties": _nullable(_NUM)}),
        "top": {"type": "array", "items": _ref("RankingRow")},
        "bottom": {"type": "array", "items": _ref("RankingRow")},
    }),
    "SubmissionCreated": _obj({"id": _STR, "status": {"type": "string", "enum": ["pending"]}}),
    "Submission": _obj({
        "id": _STR,
        "status": {"type": "string", "enum": list(SUBMISSION_STATUSES)},
        "slug": _STR,
        "title": _STR,
        "is_update": {"type": "boolean"},
        "created_at": _STR,
        "decided_at": _nullable(_STR),
        "reason": _nullable(_STR),
        "url": _nullable(_STR),
    }),
    "SubmissionList": _obj({
        "status": {"type": "string", "enum": list(SUBMISSION_STATUSES)},
        "submissions": {"type": "array", "items": _ref("Submission")},
    }),
    "NoteCreated": _obj({"id": _STR, "url": _STR}),
    "RejectRequest": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 2000}},
    },
}

_MESSAGES = {
    400: "Bad parameter or body (Danish message)",
    401: "Missing, invalid or revoked API token",
    403: "Not allowed for this user",
    404: "Unknown item, or one this user may not see",
    409: "Conflict: exists already, decided already, or changed in between",
    413: "Request body over the size limit",
    415: "Body is not text/markdown or text/plain",
    422: "Content not valid: every problem with its line",
    429: "Too many failed logins or bad tokens from this client; see Retry-After",
    503: "Content not ingested yet, or the search index is unavailable",
}


def _error(status: int) -> dict:
    response = {"description": _MESSAGES[status], "content": {"application/json": {"schema": _ref("Error")}}}
    if status == 401:
        response["headers"] = {"WWW-Authenticate": {"schema": _STR}}
    if status == 429:
        response["headers"] = {"Retry-After": {"schema": _STR}}
    return response


def _ok(schema: dict, description: str = "OK", status: int = 200) -> dict:
    return {str(status): {"description": description, "content": {"application/json": {"schema": schema}}}}


def _responses(ok: dict, *errors: int) -> dict:
    out = dict(ok)
    for status in sorted(set(errors) | {503}):
        out[str(status)] = _error(status)
    return out


# What Python's str.strip() removes: the views strip each comma-separated value.
_WS = r"[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"


def _one_of(values) -> dict:
    """A comma-separated list of allowed values; blanks around and between are ignored."""
    value = "(?:" + "|".join(values) + ")"  # plain words and hyphens: nothing to escape
    item = f"{_WS}(?:{value}{_WS})?"
    return {"type": "string", "pattern": f"^{item}(?:,{item})*$"}


def _filter(name: str, description: str, item: dict) -> dict:
    """A repeatable, comma-separable filter (``topic=a&topic=b`` or ``topic=a,b``).

    The view splits every value at commas, drops blanks and refuses more than
    MAX_FILTER_VALUES values in all; a count JSON Schema cannot express, so it
    is in the description only."""
    return {
        "name": name, "in": "query", "required": False,
        "description": f"{description}. Repeat it or separate values with commas (OR); "
                       f"at most {MAX_FILTER_VALUES} values in all.",
        "style": "form", "explode": True,
        "schema": {"type": "array", "items": item},
    }


def _path(name: str, description: str, **schema) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": {"type": "string", "minLength": 1, **schema}}


_READ_SECURITY = [{}, {"bearerAuth": []}]  # anonymous, or a token: a member sees network-only items too
_WRITE_SECURITY = [{"bearerAuth": []}]
_MARKDOWN_BODY = {
    "required": True,
    "description": "A file in the content format (YAML front matter between '---' lines, then Markdown).",
    "content": {
        "text/markdown": {"schema": {"type": "string", "maxLength": 200_000}},
        "text/plain": {"schema": {"type": "string", "maxLength": 200_000}},
    },
}

# POST /api/submissions also takes an evaluation report with its PDF (portal/web/views/api_evaluations.py).
_SUBMISSION_BODY = {"required": True, "content": {**_MARKDOWN_BODY["content"], "multipart/form-data": {
    "schema": _obj({k: {"type": "string", "format": "binary"} for k in ("file", "attachment")}, ["file"], extra=True)}},
    "description": "A practice (text/markdown), or an evaluation report as multipart/form-data: `file` (its YAML), "
                   "optionally `attachment` (the report as a PDF, at most 20 MB)."}

PATHS: dict[str, dict] = {
    "/api/search": {"get": {
        "operationId": "search",
        "summary": "Search practices, notes, networks, rankings and kommuner (Danish stemming, æ/ø/å folding)",
        "security": _READ_SECURITY,
        "parameters": [
            {"name": "q", "in": "query", "required": False,
             "description": 'Words, "quoted phrases", prefix* (3+ letters); at most 12 words',
             "schema": {"type": "string", "maxLength": MAX_Q}},
            _filter("type", "Item type", _one_of(TYPES)),
            _filter("kommune", "A current or former name, or a 3-digit code", _STR),
            _filter("region", "Region", _one_of(kommune_registry.REGIONS)),
            _filter("topic", "A topic tag (at most 80 characters)", _STR),
            _filter("evidence", "Evidence category", _one_of(EVIDENCE)),
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10}},
        ],
        "responses": _responses(_ok(_ref("SearchResponse")), 400, 429),
    }},
    "/api/practices/{slug}": {"get": {
        "operationId": "getPractice",
        "summary": "One practice with its fields, kommuner, Markdown body and sanitized HTML",
        "security": _READ_SECURITY,
        "parameters": [_path("slug", "The practice's slug")],
        "responses": _responses(_ok(_ref("Practice")), 404, 429),
    }},
    "/api/kommuner/{ref}": {"get": {
        "operationId": "getKommune",
        "summary": "A kommune with its practices, notes, networks, rankings and indicators",
        "security": _READ_SECURITY,
        "parameters": [_path("ref", "A current or former name, any common spelling, or a 3-digit code")],
        "responses": _responses(_ok(_ref("Kommune")), 404, 429),
    }},
    "/api/rankings/{slug}": {"get": {
        "operationId": "getRanking",
        "summary": "A ranking with all rows; top and bottom kommuner linked to their practices",
        "parameters": [_path("slug", "The ranking's slug")],
        "responses": _responses(_ok(_ref("Ranking")), 404),
    }},
    "/api/rankings/{slug}.csv": {"get": {
        "operationId": "getRankingCsv",
        "summary": "The ranking's table as CSV (UTF-8 with BOM, national row last)",
        "parameters": [_path("slug", "The ranking's slug")],
        "responses": _responses(
            {"200": {"description": "CSV", "content": {"text/csv": {"schema": _STR}},
                     "headers": {"Content-Disposition": {"schema": _STR}}}},
            404,
        ),
    }},
    "/api/indicators": {"get": {
        "operationId": "listIndicators",
        "summary": "Every indicator (key figures over time)",
        "responses": _responses(_ok({"type": "array", "items": _ref("Indicator")})),
    }},
    "/api/submissions": {
        "post": {
            "operationId": "createSubmission",
            "summary": "Submit a practice (new, or with ?slug= an update) for moderation",
            "security": _WRITE_SECURITY,
            "parameters": [{"name": "slug", "in": "query", "required": False,
                            "description": "Submit an update of this existing practice",
                            "schema": {"type": "string", "maxLength": 120}}],
            "requestBody": _SUBMISSION_BODY,
            "responses": _responses(
                {"201": {"description": "Stored, pending moderation",
                         "headers": {"Location": {"schema": _STR}},
                         "content": {"application/json": {"schema": _ref("SubmissionCreated")}}}},
                400, 401, 409, 413, 415, 422, 429,
            ),
        },
        "get": {
            "operationId": "listSubmissions",
            "summary": "Editors: all submissions with a status; contributors: their own",
            "security": _WRITE_SECURITY,
            "parameters": [{"name": "status", "in": "query", "required": False,
                            "schema": {"type": "string", "enum": list(SUBMISSION_STATUSES), "default": "pending"}}],
            "responses": _responses(_ok(_ref("SubmissionList")), 400, 401, 429),
        },
    },
    "/api/submissions/{sid}": {"get": {
        "operationId": "getSubmission",
        "summary": "A submission, for its owner and editors (404 for anyone else)",
        "security": _WRITE_SECURITY,
        "parameters": [_path("sid", "The submission's id")],
        "responses": _responses(_ok(_ref("Submission")), 401, 404, 429),
    }},
    "/api/submissions/{sid}/approve": {"post": {
        "operationId": "approveSubmission",
        "summary": "Editors: approve and publish at once",
        "security": _WRITE_SECURITY,
        "parameters": [_path("sid", "The submission's id")],
        "responses": _responses(_ok(_ref("Submission")), 401, 403, 404, 409, 429),
    }},
    "/api/submissions/{sid}/reject": {"post": {
        "operationId": "rejectSubmission",
        "summary": "Editors: reject with a reason",
        "security": _WRITE_SECURITY,
        "parameters": [_path("sid", "The submission's id")],
        "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("RejectRequest")}}},
        "responses": _responses(_ok(_ref("Submission")), 400, 401, 403, 404, 409, 413, 422, 429),
    }},
    "/api/notes": {"post": {
        "operationId": "createNote",
        "summary": "A network member posts a note; published at once",
        "security": _WRITE_SECURITY,
        "requestBody": _MARKDOWN_BODY,
        "responses": _responses(_ok(_ref("NoteCreated"), "Published", 201), 400, 401, 403, 413, 415, 422, 429),
    }},
}

SPEC: dict = {
    "openapi": "3.0.3",
    "info": {
        "title": "Hvad virker – JSON API",
        "version": "1",
        "description": "Read endpoints need no authentication; write endpoints take `Authorization: Bearer hv_…` "
                       "(`flask --app app users token EMAIL`). Every error is `{\"error\": \"…\"}` in Danish; "
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
