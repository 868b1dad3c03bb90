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
from ..content.schema import EVIDENCE, STATUSES as PRACTICE_STATUSES
from ..limits import MAX_PAGE, MAX_PER_PAGE, MAX_Q, MAX_Q_WORDS, MAX_REASON, MAX_SLUG, MAX_TOPIC
from .openapi_parts import (
    _INT, _MARKDOWN_BODY, _NUM, _READ_SECURITY, _STR, _STRS, _WRITE_SECURITY, _filter, _nullable, _obj, _ok,
    _one_of, _path, _ref, _responses,
)
from .views.search import TYPES

SUBMISSION_STATUSES = ("pending", "approved", "rejected")


#: A practice's fields as submitted and as published (GET /api/practices/<slug>, GET /api/submissions/<id>).
_PRACTICE_FIELDS = {
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
    "reviewed": _nullable({"type": "string", "format": "date",
                           "description": "the day an editor last checked it against its source (content key)"}),
    "body": {"type": "string", "description": "Markdown"},
}
#: One ranking row of a kommune: position ``rank`` of ``of``, under the name ``as`` it was published with.
_KOMMUNE_RANKING = {
    "ranking": {"type": "string", "description": "The ranking's slug (GET /api/rankings/{slug})"},
    "title": _STR,
    "rank": {"type": "integer", "minimum": 1},
    "of": {"type": "integer", "minimum": 1},
    "as": {"type": "string", "description": "The kommune's name in the ranking (often a pre-2007 kommune)"},
    "effect": _nullable(_NUM), "significance": {"type": "string", "enum": ["", "*", "**", "***"]},
    "previous_rank": _nullable(_INT),
}

_SUBMISSION = {
    "id": _STR,
    "status": {"type": "string", "enum": list(SUBMISSION_STATUSES)},
    "slug": _STR,
    "title": _STR,
    "is_update": {"type": "boolean"},
    "created_at": _STR,
    "decided_at": _nullable(_STR),
    "reason": _nullable(_STR),
    "url": _nullable(_STR),
    "kind": {"type": "string", "enum": ["practice", "note", "evaluation"],
             "description": "A practice, a public note or an evaluation report"},
}

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
        "expanded_with": _STRS,
        "corrected_from": _nullable(_STR),
    }),
    "KommuneRef": _obj({"code": {"type": "string", "pattern": r"^\d{3}$"}, "name": _STR, "official_name": _STR,
                        "region": {"type": "string", "enum": list(kommune_registry.REGIONS)}}),
    "Practice": _obj({
        "id": _STR,
        "url": _STR,
        **_PRACTICE_FIELDS,
        "rankings": {"type": "array", "items": _ref("PracticeRanking"),
                     "description": "Where the practice's kommuner rank, as the practice page lists them"},
        "html": {"type": "string", "description": "sanitized HTML"},
        "version": _nullable({"type": "string", "description": "fingerprint of the practice's file; send it as "
                              "?based_on= with an update so a change made in between is a 409, not undone"}),
    }),
    "PracticeRanking": _obj({
        "kommune": _obj({"code": {"type": "string", "pattern": r"^\d{3}$"}, "name": _STR}),
        **_KOMMUNE_RANKING,
    }),
    "ItemSummary": _obj({
        "id": _STR, "title": _STR, "url": _STR,
        "evidence": _nullable(_STR), "date": _nullable(_STR),
    }),
    "KommuneRanking": _obj(_KOMMUNE_RANKING),
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
        "official_name": {"type": "string", "description": "the name in full, e.g. Københavns Kommune"},
        "region": {"type": "string", "enum": list(kommune_registry.REGIONS)},
        "url": _STR,
        "former": _STRS,
        "practices": {"type": "array", "items": _ref("ItemSummary")},
        "notes": {"type": "array", "items": _ref("ItemSummary")},
        "networks": {"type": "array", "items": _ref("ItemSummary")},
        "rankings": {"type": "array", "items": _ref("KommuneRanking")},
        "indicators": {"type": "array", "items": _ref("Indicator")},
    }),
    "RankingKommune": _nullable(_obj({"code": _STR, "name": _STR, "official_name": _STR, "region": _STR,
                                      "slug": _STR})),
    "RankingPractice": _obj({
        "id": _STR, "title": _STR, "url": _STR, "evidence": _nullable(_STR), "topics": _STRS,
        "from_kommuner": _STRS, "shared_topics": _STRS,
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
        "of": _nullable({"type": "integer", "description": "how many kommuner this edition ranks"}),
        "previous_rank": _nullable(_INT),
        "previous_of": _nullable({"type": "integer", "description": "how many kommuner the previous edition ranked"}),
        "previous_note": _nullable({"type": "string", "description": "the source's own words on the movement"}),
        "movement": _nullable({"type": "integer", "description": "places moved; only between editions of one size"}),
        "practices": {"type": "array", "items": _ref("RankingPractice")},
        "practices_total": _INT,
        "suggested_practices": {"type": "array", "items": _ref("RankingPractice"),
                                "description": "top kommuner's practices with a shown effect, never the row's own"},
        "other_practices": {"type": "array", "items": _ref("RankingPractice"),
                            "description": "the top kommuner's other practices (no shown effect)"},
    }, required=["rank", "kommune_as_published", "kommune", "effect", "significance"]),
    "Ranking": _obj({
        "slug": _STR, "title": _STR,
        "source": _nullable(_STR), "published": _nullable(_STR), "period": _nullable(_STR),
        "measure": _nullable(_STR), "unit": _nullable(_STR), "notes": _nullable(_STR),
        "previous_edition": _nullable(_STR), "previous_of": _nullable(_INT),
        "lower_is_better": _nullable({"type": "boolean"}),
        "rows": {"type": "array", "items": _ref("RankingRow")},
        "national": _nullable({"type": "object", "additionalProperties": _nullable(_NUM)}),
        "top": {"type": "array", "items": _ref("RankingRow")},
        "bottom": {"type": "array", "items": _ref("RankingRow")},
    }),
    # slug: the address the practice will have (a same-titled one waiting for a decision gets -2, -3 …)
    "SubmissionCreated": _obj({"id": _STR, "status": {"type": "string", "enum": ["pending"]}, "slug": _STR}),
    "Submission": _obj(_SUBMISSION),
    "SubmissionDetail": _obj({
        **_SUBMISSION,
        "raw": {"type": "string", "description": "The file as submitted (content format)"},
        "version": {"type": "string", "description": "Its text's fingerprint: send it as based_on with PUT"},
        # Inline, not a $ref: OpenAPI 3.0 ignores "nullable" beside a $ref, and without "type" beside it.
        "submitted": _nullable({**_obj(_PRACTICE_FIELDS),
                                "description": "Its fields as validated; null if today's contract refuses it"}),
        "diff": _nullable({"type": "string",
                           "description": "For an update: the unified diff against the practice it was based on, "
                                          "as the editor sees it (lines joined by \\n); null for a new practice"}),
        "revisions": {"type": "array", "items": _ref("SubmissionRevision"),
                      "description": "Every text it has had, oldest first: the first sending, an editor's "
                                     "corrections before approving, revised texts resent after a rejection"},
    }),
    "SubmissionList": _obj({
        "status": {"type": "string", "enum": list(SUBMISSION_STATUSES)},
        "submissions": {"type": "array", "items": _ref("Submission")},
    }),
    "RejectRequest": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON}},
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
             "description": f'Words, "quoted phrases", prefix* (3+ letters); at most {MAX_Q_WORDS} words',
             "schema": {"type": "string", "maxLength": MAX_Q}},
            _filter("type", "Item type", _one_of(TYPES)),
            _filter("kommune", "A current or former name, or a 3-digit code", _STR),
            _filter("region", "Region", _one_of(kommune_registry.REGIONS)),
            _filter("topic", f"A topic tag (at most {MAX_TOPIC} characters; an alias counts as its canonical topic)", _STR),
            _filter("target_group", f"A target group (at most {MAX_TOPIC} characters; an alias counts as its canonical value)",
                    _STR),
            _filter("evidence", "Evidence category", _one_of(EVIDENCE)),
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 10}},
            {"name": "expand", "in": "query", "required": False,
             "description": "1: also find the thesaurus' synonyms, renamed terms and abbreviations; "
                            "0: only the words typed",
             "schema": {"type": "integer", "enum": [0, 1], "default": 1}},
            {"name": "correct", "in": "query", "required": False,
             "description": "1: a query that finds nothing searches its spelling correction "
                            "(corrected_from says so); 0: never",
             "schema": {"type": "integer", "enum": [0, 1], "default": 1}},
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
    # Before "/api/rankings/{slug}": "x.csv" matches both templates, and matchers that try
    # templated paths in document order (openapi-core does) must meet the more specific one first.
    "/api/rankings/{slug}.csv": {"get": {
        "operationId": "getRankingCsv",
        "summary": "The ranking's table as CSV (UTF-8 with BOM, national row last)",
        "parameters": [_path("slug", "The ranking's slug")],
        "responses": _responses(
            {"200": {"description": "CSV", "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}},
                     "headers": {"Content-Disposition": {"schema": _STR}}}},
            404,
        ),
    }},
    "/api/rankings/{slug}": {"get": {
        "operationId": "getRanking",
        "summary": "A ranking with all rows; top and bottom kommuner linked to their practices",
        "parameters": [_path("slug", "The ranking's slug")],
        "responses": _responses(_ok(_ref("Ranking")), 404),
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
                            "schema": {"type": "string", "maxLength": MAX_SLUG}},
                           {"name": "based_on", "in": "query", "required": False,
                            "description": "The `version` of the practice the update started from "
                                           "(GET /api/practices/{slug}); 409 if it changed since",
                            "schema": {"type": "string", "maxLength": 64}}],
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
        "summary": "A submission with what was submitted (and an update's diff), for its owner and editors "
                   "(404 for anyone else)",
        "security": _WRITE_SECURITY,
        "parameters": [_path("sid", "The submission's id")],
        "responses": _responses(_ok(_ref("SubmissionDetail")), 401, 404, 429),
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
