"""Errors mapped to responses in one place.

Under ``/api/`` every error is JSON ``{"error": "…"}`` with the right status;
elsewhere a calm Danish page. Never a traceback: unexpected exceptions are
logged and answered with a 500 page that says nothing about internals.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from search_index import IndexUnavailable

from .. import faults
from ..content.kommuner import KommuneError
from ..errors import PortalError, Unavailable
from .auth import TooManyAttempts
from .resources import NotReady

MESSAGES = {  # translated when shown (Flask-Babel); the API's locale is always Danish
    400: _l("Forespørgslen kunne ikke forstås"),
    403: _l("Du har ikke adgang til denne side"),
    404: _l("Siden findes ikke"),
    405: _l("Metoden er ikke tilladt her"),
    413: _l("Indholdet er for stort"),
    429: _l("For mange forsøg"),
    500: _l("Der opstod en fejl hos os"),
    503: _l("Portalen er ikke klar endnu"),
}


class BadRequest(Exception):
    """A request parameter we refuse, with a message for the user."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str | None = None, **details):
    """The one shape of an error: ``{"error": message, **details}`` under /api/, the error page elsewhere."""
    title = str(MESSAGES.get(status) or _("Fejl"))
    message = str(message or title)
    if wants_json():
        return jsonify({"error": message, **details}), status
    return render_template("error.html", status=status, title=title, message=message), status


# What a reader is told for each fault (portal/faults.py): calm, no internals, what to do.
FAULT_MESSAGES = {
    faults.BUSY: _l(
        "Portalen har travlt med en anden ændring lige nu. Intet er gemt fra denne forespørgsel; "
        "prøv igen om et øjeblik."
    ),
    faults.STORAGE: _l(
        "Portalen kan ikke gemme noget lige nu (lagerpladsen er opbrugt eller utilgængelig). "
        "Intet er gemt fra denne forespørgsel; prøv igen senere."
    ),
    faults.DAMAGED: _l(
        "En del af portalens data er beskadiget og bliver genopbygget. Prøv igen senere; "
        "sider, der ikke bruger den del, virker stadig."
    ),
    faults.MISSING: _l("En del af portalens data mangler lige nu. Prøv igen senere."),
}


def unavailable(message: str, retry_after: int):
    """A 503 with ``Retry-After``: a fault that passes, never the reader's mistake."""
    body, status = error_response(503, message)
    response = current_app.make_response((body, status))
    response.headers["Retry-After"] = str(retry_after)
    return response


def init_app(app: Flask) -> None:
    # The core's families (portal/errors.py), whatever module raised them.
    @app.errorhandler(PortalError)
    def _refused(exc: PortalError):
        response = app.make_response(error_response(exc.status, exc.message, **exc.details))
        if isinstance(exc, Unavailable):
            response.headers["Retry-After"] = str(exc.retry_after)
        if exc.status == 401 and wants_json():  # the API's only credentials are Bearer tokens
            response.headers["WWW-Authenticate"] = 'Bearer realm="hvad-virker"'
        return response

    @app.errorhandler(KommuneError)
    def _unknown_kommune(exc: KommuneError):
        return error_response(404, str(exc), suggestions=exc.suggestions)

    @app.errorhandler(BadRequest)
    def _bad_request(exc: BadRequest):
        return error_response(exc.status, exc.message)

    @app.errorhandler(NotReady)
    def _not_ready(exc: NotReady):
        if exc.outdated:
            return unavailable(
                _(
                    "Indholdet er indlæst af en ældre version af portalen. "
                    "Kør 'flask --app app ingest' for at indlæse det igen."
                ),
                60,
            )
        return unavailable(_("Indholdet er ikke indlæst endnu. Kør 'flask --app app ingest'."), 60)

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        from .views.contribute import refill_after_csrf_failure

        refilled = refill_after_csrf_failure()
        if refilled is not None:
            return refilled
        return error_response(
            400, _("Formularen er udløbet eller kom ikke fra denne side. Gå tilbage, opdatér siden, og prøv igen.")
        )

    @app.errorhandler(TooManyAttempts)
    def _too_many(exc: TooManyAttempts):
        body, status = error_response(
            429, _("For mange mislykkede forsøg herfra. Prøv igen om %(seconds)d sekunder.", seconds=exc.retry_after)
        )
        response = app.make_response((body, status))
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.errorhandler(IndexUnavailable)
    def _search_down(exc):
        # The index is missing or damaged: everything else keeps working.
        app.logger.error("Søgeindekset er utilgængeligt: %s", exc)
        return unavailable(
            "Søgningen er midlertidigt utilgængelig. Alle sider kan stadig læses; prøv søgningen igen om lidt.", 30
        )

    @app.errorhandler(sqlite3.DatabaseError)
    @app.errorhandler(OSError)
    def _fault(exc: Exception):
        # A held lock, a full disk, a damaged file: a 503 that says so. Anything
        # else of these classes is a bug and stays a logged 500.
        fault = faults.classify(exc)
        if fault is None:
            return _unexpected(exc)
        app.logger.error("%s ved %s %s: %s", fault.kind, request.method, request.path, fault.describe())
        message = str(FAULT_MESSAGES[fault.kind])
        if request.method == "POST" and not wants_json() and fault.kind in (faults.BUSY, faults.STORAGE):
            # A write-up typed into a form comes back filled in, not lost with the fault.
            from .views.contribute import refill_after_csrf_failure

            try:
                refilled = refill_after_csrf_failure(message, 503)
            except Exception:  # the form itself cannot be drawn now: the plain answer below
                refilled = None
            if refilled is not None:
                response = app.make_response(refilled)
                response.headers["Retry-After"] = str(fault.retry_after)
                return response
        return unavailable(message, fault.retry_after)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        message = None if exc.code in MESSAGES else exc.description
        if exc.code == 404:
            message = _("Siden eller emnet findes ikke.")
        return error_response(exc.code or 500, message)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("Uventet fejl ved %s %s", request.method, request.path)
        return error_response(500, _("Der opstod en uventet fejl. Prøv igen om lidt."))
