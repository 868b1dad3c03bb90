"""Every ``/api/`` response a test receives, checked against the OpenAPI document.

A strict generated client (openapi-core here) refuses any answer that its
document does not describe: an undocumented status, a missing or extra field,
``null`` where the schema does not allow it, a value outside an enum or over a
``maximum``. ``tests/conftest.py`` installs :class:`ContractClient` as every
Flask app's test client, so each test that talks to the API also proves that a
strict client would accept what it got; a mismatch fails *that* test, with the
path, the status and what did not match.

Answers to a path or method the document does not list (``/api/nothing``, a PUT)
cannot be matched to an operation; they must still be the API's documented
error shape (``Error``) with 404 or 405. ``/api/openapi.json`` itself is checked
by ``tests/test_api_contract.py`` (it is an OpenAPI document, not an operation).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache

from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse
from openapi_core.templating.paths.exceptions import OperationNotFound, PathNotFound
from openapi_schema_validator import OAS30Validator

from portal.web.openapi import spec

UNLISTED_STATUSES = (404, 405)
#: A file name: log one line per checked response there instead of failing (to count them all in one run).
LOG = os.environ.get("API_CONTRACT_LOG")


class ContractViolation(AssertionError):
    """A response that a strict OpenAPI client would refuse."""


@lru_cache(maxsize=1)
def openapi() -> OpenAPI:
    """The validator, built once from the document the app serves (it is static)."""
    return OpenAPI.from_dict(spec())


class _AnsweredRequest(WerkzeugOpenAPIRequest):
    """The request as the validator needs it to find the operation: its body was read by the app already."""

    @property
    def body(self) -> bytes | None:
        return None


def _details(exc: BaseException) -> str:
    """What did not match: each JSON Schema error with where in the body (not the whole body again)."""
    lines, seen = [], exc
    while seen is not None:
        for err in getattr(seen, "schema_errors", None) or ():
            where = "/".join(str(p) for p in err.absolute_path) or "(body)"
            lines.append(f"  at {where}: {err.message[:300]}")
        seen = seen.__cause__ or seen.__context__
    return "\n".join([f"{type(exc).__name__}: {str(exc)[:300]}", *lines])


def _error_shape(response) -> str | None:
    """Why a response to an unlisted path is not the API's error shape, or None."""
    if response.status_code not in UNLISTED_STATUSES:
        return f"status {response.status_code}, expected one of {UNLISTED_STATUSES}"
    if response.mimetype != "application/json":
        return f"content type {response.mimetype}, expected application/json"
    try:
        body = json.loads(response.get_data())
    except ValueError as exc:
        return f"body is not JSON ({exc})"
    document = spec()
    schema = {**document["components"]["schemas"]["Error"], "components": document["components"]}
    errors = sorted(OAS30Validator(schema).iter_errors(body), key=str)
    return "; ".join(e.message for e in errors) or None


def check(response) -> None:
    """Raise ContractViolation if a strict client would refuse this response."""
    request = response.request
    if not request.path.startswith("/api/") or request.path == "/api/openapi.json":
        return
    if request.method == "HEAD":  # no body to check; the GET answer is checked where a test fetches it
        return
    problem = None
    try:
        openapi().validate_response(_AnsweredRequest(request), WerkzeugOpenAPIResponse(response))
    except (PathNotFound, OperationNotFound):
        why = _error_shape(response)
        problem = f"not a documented operation, and not the API's error shape: {why}" if why else None
    except Exception as exc:  # noqa: BLE001 - every validator error is a contract failure to report
        problem = _details(exc)
    if LOG:
        with open(LOG, "a", encoding="utf-8") as log:
            log.write(
                f"{'FAIL' if problem else 'ok'}\t{request.method} {request.full_path.rstrip('?')}"
                f"\t{response.status_code}\t{' | '.join((problem or '').splitlines()[1:] or [problem or ''])}\n"
            )
        return
    if problem:
        body = response.get_data(as_text=True)
        raise ContractViolation(
            f"{request.method} {request.full_path.rstrip('?')} answered {response.status_code}, "
            f"which the OpenAPI document does not allow:\n{problem}\nbody: {body[:600]}"
        )


class ContractClient(FlaskClient):
    """Flask's test client, checking every /api/ response (also each hop of a followed redirect)."""

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        check(response)
        return response
