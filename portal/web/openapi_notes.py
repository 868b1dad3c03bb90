"""The OpenAPI description of notes and their life cycle (merged into :mod:`portal.web.openapi`).

POST /api/notes (network-only: published, 201; public: waiting for an editor,
202), and GET/PUT/DELETE /api/notes/{slug} (read with its version, edit,
withdraw or take down). Kept apart so :mod:`portal.web.openapi` stays small.
"""

from __future__ import annotations

from ..content.schema import VISIBILITIES
from ..limits import MAX_REASON
from .openapi_parts import _MARKDOWN_BODY, _STR, _STRS, _WRITE_SECURITY, _nullable, _obj, _path, _ref, _responses

_VERSION = {
    "type": "string",
    "maxLength": 64,
    "description": "The `version` of the note this change started from (GET /api/notes/{slug})",
}

SCHEMAS: dict[str, dict] = {
    # status: 'published' (network-only, or an editor's edit) or 'pending' (public: its submission waits)
    "NoteCreated": _obj({"id": _STR, "url": _STR, "status": {"type": "string", "enum": ["published"]}}),
    "NotePending": _obj(
        {
            "id": {"type": "string", "description": "The address the note will have once approved"},
            "url": {"type": "string", "description": "The submission's page"},
            "status": {"type": "string", "enum": ["pending"]},
            "submission": {"type": "string", "description": "GET /api/submissions/{sid}"},
        }
    ),
    "NoteEdited": _obj(
        {"id": _STR, "url": _STR, "status": {"type": "string", "enum": ["published"]}, "version": _nullable(_STR)}
    ),
    "Note": _obj(
        {
            "id": _STR,
            "url": _STR,
            "title": _STR,
            "network": _STR,
            "date": _STR,
            "visibility": {
                "type": "string",
                "enum": list(VISIBILITIES),
                "description": "network: only the network's members (and editors of it) may see it",
            },
            "kommuner": {"type": "array", "items": _ref("KommuneRef")},
            "topics": _STRS,
            "practices": _STRS,
            "body": {"type": "string", "description": "Markdown"},
            "html": {"type": "string", "description": "sanitized HTML"},
            "raw": {"type": "string", "description": "The note's file (content format): edit it and PUT it back"},
            "version": {"type": "string", "description": "Send as ?based_on= with PUT or DELETE"},
            "author": {"type": "boolean", "description": "Whether the asker wrote it"},
        }
    ),
    "NoteWithdrawn": _obj(
        {
            "id": _STR,
            "status": {"type": "string", "enum": ["withdrawn"]},
            "taken_down": {"type": "boolean", "description": "by an editor, not its author"},
        }
    ),
    "WithdrawRequest": {
        "type": "object",
        "properties": {
            "reason": {
                "type": "string",
                "maxLength": MAX_REASON,
                "description": "Required when an editor takes down someone else's note",
            }
        },
    },
}


def _pending(description: str) -> dict:
    return {
        "202": {
            "description": description,
            "headers": {"Location": {"schema": _STR}},
            "content": {"application/json": {"schema": _ref("NotePending")}},
        }
    }


_SLUG = _path("slug", "The note's slug")

PATHS: dict[str, dict] = {
    "/api/notes": {
        "post": {
            "operationId": "createNote",
            "summary": "A network member posts a note: network-only (the default) is published at once, "
            "public waits for an editor",
            "security": _WRITE_SECURITY,
            "requestBody": _MARKDOWN_BODY,
            "responses": _responses(
                {
                    "201": {
                        "description": "Published (network-only)",
                        "headers": {"Location": {"schema": _STR}},
                        "content": {"application/json": {"schema": _ref("NoteCreated")}},
                    },
                    **_pending("Public: stored as a submission, pending moderation"),
                },
                400,
                401,
                403,
                413,
                415,
                422,
                429,
            ),
        }
    },
    "/api/notes/{slug}": {
        "get": {
            "operationId": "getNote",
            "summary": "A note its reader may see, with the version an edit or withdrawal names",
            "security": _WRITE_SECURITY,
            "parameters": [_SLUG],
            "responses": _responses(
                {"200": {"description": "OK", "content": {"application/json": {"schema": _ref("Note")}}}}, 401, 404, 429
            ),
        },
        "put": {
            "operationId": "editNote",
            "summary": "Its author or an editor replaces the note's text; a member's public note waits for an editor",
            "security": _WRITE_SECURITY,
            "parameters": [_SLUG, {"name": "based_on", "in": "query", "required": True, "schema": _VERSION}],
            "requestBody": _MARKDOWN_BODY,
            "responses": _responses(
                {
                    "200": {
                        "description": "Published",
                        "content": {"application/json": {"schema": _ref("NoteEdited")}},
                    },
                    **_pending("A public note's change by a member: pending moderation"),
                },
                400,
                401,
                403,
                404,
                409,
                413,
                415,
                422,
                429,
            ),
        },
        "delete": {
            "operationId": "withdrawNote",
            "summary": "Its author withdraws the note, or an editor takes it down with a reason (the author is "
            "told); it leaves every page, search and feed",
            "security": _WRITE_SECURITY,
            "parameters": [_SLUG, {"name": "based_on", "in": "query", "required": False, "schema": _VERSION}],
            "requestBody": {"required": False, "content": {"application/json": {"schema": _ref("WithdrawRequest")}}},
            "responses": _responses(
                {
                    "200": {
                        "description": "Withdrawn",
                        "content": {"application/json": {"schema": _ref("NoteWithdrawn")}},
                    }
                },
                400,
                401,
                403,
                404,
                409,
                413,
                422,
                429,
            ),
        },
    },
}

__all__ = ["PATHS", "SCHEMAS"]
