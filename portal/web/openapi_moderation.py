"""The OpenAPI description of a submission's revisions (merged into :mod:`portal.web.openapi`).

``PUT /api/submissions/{sid}`` is the API's way to an editor's correction
before approval and to an author's revised resend after a rejection
(:mod:`portal.revisions`); ``GET`` shows every revision in ``revisions``.
Kept apart so :mod:`portal.web.openapi` stays small.
"""

from __future__ import annotations

from .openapi_parts import _MARKDOWN_BODY, _STR, _WRITE_SECURITY, _nullable, _obj, _ok, _path, _ref, _responses

SCHEMAS: dict[str, dict] = {
    "SubmissionRevision": _obj(
        {
            "round": {"type": "integer", "minimum": 1, "description": "1, then 2 after the first rejection …"},
            "at": _STR,
            "by": {"type": "string", "enum": ["contributor", "editor"]},
            "title": _STR,
            "note": _nullable({"type": "string", "description": "the editor's note on a correction"}),
            "changes": _nullable(
                {
                    "type": "string",
                    "description": "unified diff from the text before it (lines joined by \\n); null for the first",
                }
            ),
        }
    ),
}

PUT = {
    "operationId": "reviseSubmission",
    "summary": "A new text for a submission, kept in its thread: an editor's correction of a pending one "
    "(logged, shown to the contributor), or its author's revised resend of a rejected one "
    "(pending again, same id)",
    "security": _WRITE_SECURITY,
    "parameters": [
        _path("sid", "The submission's id"),
        {
            "name": "based_on",
            "in": "query",
            "required": False,
            "description": "The `version` the new text started from (GET /api/submissions/{sid}); 409 if it changed since",
            "schema": {"type": "string", "maxLength": 64},
        },
        {
            "name": "note",
            "in": "query",
            "required": False,
            "description": "An editor's note to the contributor on the correction",
            "schema": _STR,
        },
    ],
    "requestBody": _MARKDOWN_BODY,
    "responses": _responses(_ok(_ref("SubmissionDetail")), 400, 401, 404, 409, 413, 415, 422, 429),
}


def add_to(paths: dict, schemas: dict) -> None:
    paths["/api/submissions/{sid}"]["put"] = PUT
    schemas.update(SCHEMAS)
