"""Building blocks of the OpenAPI document (:mod:`portal.web.openapi`): schema shorthands,
the error responses every operation shares, and the shapes of query parameters and bodies.

Apart from the document itself so that it stays readable (and under 400 lines); the
limits come from :mod:`portal.limits`, as everywhere.
"""

from __future__ import annotations

from ..limits import MAX_FILTER_VALUES, MAX_SUBMISSION_BYTES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: dict) -> dict:
    """``null`` allowed too. In OpenAPI 3.0 ``nullable`` does not widen an ``enum``: a strict
    validator (openapi-core) refuses ``null`` unless the enum lists it as well."""
    if "enum" in schema:
        return {**schema, "nullable": True, "enum": [*schema["enum"], None]}
    return {**schema, "nullable": True}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_NUM = {"type": "number"}
_STRS = {"type": "array", "items": _STR}


def _obj(properties: dict, required: list[str] | None = None, *, extra: bool = False) -> dict:
    schema = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }
    if not extra:
        schema["additionalProperties"] = False
    return schema


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
    if status in (429, 503):  # a client may retry after this many seconds (when the header is sent)
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
    MAX_FILTER_VALUES values in all. ``maxItems`` states the limit for repeated
    parameters; that commas inside a value count too, JSON Schema cannot say, so
    the description does."""
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"{description}. Repeat it or separate values with commas (OR); "
        f"at most {MAX_FILTER_VALUES} values in all.",
        "style": "form",
        "explode": True,
        "schema": {"type": "array", "items": item, "maxItems": MAX_FILTER_VALUES},
    }


def _path(name: str, description: str, **schema) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": {"type": "string", "minLength": 1, **schema},
    }


_READ_SECURITY = [{}, {"bearerAuth": []}]  # anonymous, or a token: a member sees network-only items too
_WRITE_SECURITY = [{"bearerAuth": []}]
_MARKDOWN_BODY = {
    "required": True,
    "description": "A file in the content format (YAML front matter between '---' lines, then Markdown); "
    f"at most {MAX_SUBMISSION_BYTES} bytes of UTF-8 (so at most as many characters).",
    "content": {
        "text/markdown": {"schema": {"type": "string", "maxLength": MAX_SUBMISSION_BYTES}},
        "text/plain": {"schema": {"type": "string", "maxLength": MAX_SUBMISSION_BYTES}},
    },
}
