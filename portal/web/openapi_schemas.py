"""The schemas of the JSON API's answers and bodies (``components.schemas`` of :mod:`portal.web.openapi`)."""

from __future__ import annotations


from ..content import kommuner as kommune_registry
from ..content.schema import EVIDENCE, STATUSES as PRACTICE_STATUSES
from ..limits import MAX_PAGE, MAX_PER_PAGE, MAX_REASON
from .openapi_parts import (
    _INT,
    _NUM,
    _STR,
    _STRS,
    _nullable,
    _obj,
    _ref,
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
    "reviewed": _nullable(
        {
            "type": "string",
            "format": "date",
            "description": "the day an editor last checked it against its source (content key)",
        }
    ),
    "body": {"type": "string", "description": "Markdown"},
}
#: One ranking row of a kommune: position ``rank`` of ``of``, under the name ``as`` it was published with.
_KOMMUNE_RANKING = {
    "ranking": {"type": "string", "description": "The ranking's slug (GET /api/rankings/{slug})"},
    "title": _STR,
    "rank": {"type": "integer", "minimum": 1},
    "of": {"type": "integer", "minimum": 1},
    "as": {"type": "string", "description": "The kommune's name in the ranking (often a pre-2007 kommune)"},
    "effect": _nullable(_NUM),
    "significance": {"type": "string", "enum": ["", "*", "**", "***"]},
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
    "kind": {
        "type": "string",
        "enum": ["practice", "note", "evaluation"],
        "description": "A practice, a public note or an evaluation report",
    },
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
    "ValidationError": _obj(
        {
            "line": {"type": "integer", "minimum": 1, "description": "1 = the opening '---'"},
            "field": _nullable(_STR),
            "message": {"type": "string", "minLength": 1},
        }
    ),
    "SearchHit": _obj(
        {
            "id": _STR,
            "type": {"type": "string", "enum": list(TYPES)},
            "title": _STR,
            "url": _STR,
            "kommuner": _STRS,
            "evidence": _nullable({"type": "string", "enum": list(EVIDENCE)}),
            "snippet": {"type": "string", "description": "HTML: text escaped, matched words in <mark>"},
        }
    ),
    "SearchResponse": _obj(
        {
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
        }
    ),
    "KommuneRef": _obj(
        {
            "code": {"type": "string", "pattern": r"^\d{3}$"},
            "name": _STR,
            "official_name": _STR,
            "region": {"type": "string", "enum": list(kommune_registry.REGIONS)},
        }
    ),
    "Practice": _obj(
        {
            "id": _STR,
            "url": _STR,
            **_PRACTICE_FIELDS,
            "rankings": {
                "type": "array",
                "items": _ref("PracticeRanking"),
                "description": "Where the practice's kommuner rank, as the practice page lists them",
            },
            "html": {"type": "string", "description": "sanitized HTML"},
            "version": _nullable(
                {
                    "type": "string",
                    "description": "fingerprint of the practice's file; send it as "
                    "?based_on= with an update so a change made in between is a 409, not undone",
                }
            ),
        }
    ),
    "PracticeRanking": _obj(
        {
            "kommune": _obj({"code": {"type": "string", "pattern": r"^\d{3}$"}, "name": _STR}),
            **_KOMMUNE_RANKING,
        }
    ),
    "ItemSummary": _obj(
        {
            "id": _STR,
            "title": _STR,
            "url": _STR,
            "evidence": _nullable(_STR),
            "date": _nullable(_STR),
        }
    ),
    "KommuneRanking": _obj(_KOMMUNE_RANKING),
    "Indicator": _obj(
        {
            "id": _STR,
            "url": _STR,
            "title": _STR,
            "measure": _nullable(_STR),
            "unit": _nullable(_STR),
            "source": _nullable(_STR),
            "published": _nullable(_STR),
            "chart": _nullable({"type": "string", "enum": ["bar", "line"]}),
            "x_label": _nullable(_STR),
            "categories": _nullable(_STRS),
            "series": _nullable(
                {
                    "type": "array",
                    "items": _obj(
                        {
                            "name": _STR,
                            "values": {"type": "array", "items": _nullable(_NUM)},
                        }
                    ),
                }
            ),
            "target": _nullable(_obj({"value": _NUM, "label": _STR})),
        }
    ),
    "Kommune": _obj(
        {
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
        }
    ),
    "RankingKommune": _nullable(
        _obj({"code": _STR, "name": _STR, "official_name": _STR, "region": _STR, "slug": _STR})
    ),
    "RankingPractice": _obj(
        {
            "id": _STR,
            "title": _STR,
            "url": _STR,
            "evidence": _nullable(_STR),
            "topics": _STRS,
            "from_kommuner": _STRS,
            "shared_topics": _STRS,
        },
        required=["id", "title", "url", "evidence", "topics"],
    ),
    "RankingRow": _obj(
        {
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
            "previous_of": _nullable(
                {"type": "integer", "description": "how many kommuner the previous edition ranked"}
            ),
            "previous_note": _nullable({"type": "string", "description": "the source's own words on the movement"}),
            "movement": _nullable(
                {"type": "integer", "description": "places moved; only between editions of one size"}
            ),
            "practices": {"type": "array", "items": _ref("RankingPractice")},
            "practices_total": _INT,
            "suggested_practices": {
                "type": "array",
                "items": _ref("RankingPractice"),
                "description": "top kommuner's practices with a shown effect, never the row's own",
            },
            "other_practices": {
                "type": "array",
                "items": _ref("RankingPractice"),
                "description": "the top kommuner's other practices (no shown effect)",
            },
        },
        required=["rank", "kommune_as_published", "kommune", "effect", "significance"],
    ),
    "Ranking": _obj(
        {
            "slug": _STR,
            "title": _STR,
            "source": _nullable(_STR),
            "published": _nullable(_STR),
            "period": _nullable(_STR),
            "measure": _nullable(_STR),
            "unit": _nullable(_STR),
            "notes": _nullable(_STR),
            "previous_edition": _nullable(_STR),
            "previous_of": _nullable(_INT),
            "lower_is_better": _nullable({"type": "boolean"}),
            "rows": {"type": "array", "items": _ref("RankingRow")},
            "national": _nullable({"type": "object", "additionalProperties": _nullable(_NUM)}),
            "top": {"type": "array", "items": _ref("RankingRow")},
            "bottom": {"type": "array", "items": _ref("RankingRow")},
        }
    ),
    # slug: the address the practice will have (a same-titled one waiting for a decision gets -2, -3 …)
    "SubmissionCreated": _obj({"id": _STR, "status": {"type": "string", "enum": ["pending"]}, "slug": _STR}),
    "Submission": _obj(_SUBMISSION),
    "SubmissionDetail": _obj(
        {
            **_SUBMISSION,
            "raw": {"type": "string", "description": "The file as submitted (content format)"},
            "version": {"type": "string", "description": "Its text's fingerprint: send it as based_on with PUT"},
            # Inline, not a $ref: OpenAPI 3.0 ignores "nullable" beside a $ref, and without "type" beside it.
            "submitted": _nullable(
                {
                    **_obj(_PRACTICE_FIELDS),
                    "description": "Its fields as validated; null if today's contract refuses it",
                }
            ),
            "diff": _nullable(
                {
                    "type": "string",
                    "description": "For an update: the unified diff against the practice it was based on, "
                    "as the editor sees it (lines joined by \\n); null for a new practice",
                }
            ),
            "revisions": {
                "type": "array",
                "items": _ref("SubmissionRevision"),
                "description": "Every text it has had, oldest first: the first sending, an editor's "
                "corrections before approving, revised texts resent after a rejection",
            },
        }
    ),
    "SubmissionList": _obj(
        {
            "status": {"type": "string", "enum": list(SUBMISSION_STATUSES)},
            "submissions": {"type": "array", "items": _ref("Submission")},
        }
    ),
    "RejectRequest": {
        "type": "object",
        "required": ["reason"],
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": MAX_REASON}},
    },
}

# POST /api/submissions also takes an evaluation report with its PDF (portal/web/views/api_evaluations.py).
