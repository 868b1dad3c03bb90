"""The OpenAPI description of batch submission and network following (merged into :mod:`portal.web.openapi`).

Kept apart so :mod:`portal.web.openapi` stays small; the limits come from the
views' own constants.
"""

from __future__ import annotations

from .openapi_parts import _STR, _WRITE_SECURITY, _obj, _path, _ref, _responses
from .views.api_batch import MAX_FILES, MAX_NAME

SCHEMAS: dict[str, dict] = {
    "BatchResult": _obj(
        {
            "file": {"type": "string", "maxLength": MAX_NAME, "description": "The part's filename, as sent"},
            "status": {
                "type": "integer",
                "description": "What a single POST /api/submissions would answer: "
                "201, or 409, 413, 422 with the errors",
            },
            "id": _STR,
            "slug": _STR,
            "title": _STR,
            "error": _STR,
            "errors": {"type": "array", "items": _ref("ValidationError")},
        },
        required=["file", "status"],
    ),
    "BatchResponse": _obj(
        {
            "results": {
                "type": "array",
                "items": _ref("BatchResult"),
                "maxItems": MAX_FILES,
                "description": "One per file, in the order sent",
            },
        }
    ),
    "Following": _obj({"network": _STR, "following": {"type": "boolean"}}),
}

PATHS: dict[str, dict] = {
    "/api/submissions/batch": {
        "post": {
            "operationId": "createSubmissionBatch",
            "summary": f"Submit up to {MAX_FILES} practice files at once; answered file by file, each stands alone",
            "security": _WRITE_SECURITY,
            "requestBody": {
                "required": True,
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "required": ["file"],
                            "additionalProperties": False,
                            "properties": {
                                "file": {
                                    "type": "array",
                                    "minItems": 1,
                                    "maxItems": MAX_FILES,
                                    "items": {"type": "string", "format": "binary"},
                                    "description": "One part named 'file' per Markdown file",
                                }
                            },
                        }
                    }
                },
            },
            "responses": _responses(
                {
                    "200": {
                        "description": "Every file's outcome, in order",
                        "content": {"application/json": {"schema": _ref("BatchResponse")}},
                    }
                },
                400,
                401,
                413,
                415,
                422,
                429,
            ),
        }
    },
    "/api/networks/{slug}/follow": {
        method: {
            "operationId": op,
            "summary": summary,
            "security": _WRITE_SECURITY,
            "parameters": [_path("slug", "The network's slug")],
            "responses": _responses(
                {
                    "200": {
                        "description": "The new state",
                        "content": {"application/json": {"schema": _ref("Following")}},
                    }
                },
                401,
                403,
                404,
                429,
            ),
        }
        for method, op, summary in (
            ("put", "followNetwork", "A member follows the network: an e-mail for every new note"),
            ("delete", "unfollowNetwork", "Stop following the network"),
        )
    },
}
