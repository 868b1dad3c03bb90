"""Errors mapped to responses in one place.

Under ``/api/`` every error is JSON ``{"error": "…"}`` with the right status;
elsewhere a calm Danish page. Never a traceback: unexpected exceptions are
logged and answered with a 500 page that says nothing about internals.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from search_index import IndexUnavailable

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


def init_app(app: Flask) -> None:
    # The core's families (portal/errors.py), whatever module raised them.
    @app.errorhandler(PortalError)
    def _refused(exc: PortalError):
        response = app.make_response(error_response(exc.status, exc.message, **exc.details))
        if isinstance(exc, Unavailable):
            response.headers["Retry-After"] = str(exc.retry_after)
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
            return error_response(503, _("Indholdet er indlæst af en ældre version af portalen. "
                                         "Kør 'flask --app app ingest' for at indlæse det igen."))
        return error_response(503, _("Indholdet er ikke indlæst endnu. Kør 'flask --app app ingest'."))

    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        from .views.contribute import refill_after_csrf_failure

        refilled = refill_after_csrf_failure()
        if refilled is not None:
            return refilled
        return error_response(400, _("Formularen er udløbet eller kom ikke fra denne side. Gå tilbage, opdatér siden, "
                                     "og prøv igen."))

    @app.errorhandler(TooManyAttempts)
    def _too_many(_exc):
        response, status = error_response(429, "For mange mislykkede forsøg. Vent et kvarter, og prøv igen.")
        response = app.make_response((response, status))
        response.headers["Retry-After"] = "900"
        return response

    @app.errorhandler(IndexUnavailable)
    def _search_down(exc):
        # The index is missing or damaged: everything else keeps working.
        app.logger.error("Søgeindekset er utilgængeligt: %s", exc)
        return error_response(503, "Søgningen er midlertidigt utilgængelig. Alle sider kan stadig læses; "
                                   "prøv søgningen igen om lidt.")

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
