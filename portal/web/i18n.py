"""Languages: Danish first, English too (Flask-Babel).

The user interface is written in Danish (the msgids in the code are Danish) and
translated to English in ``portal/web/translations/en/LC_MESSAGES/messages.po``.
Content (practices, notes, titles, topics, kommune names) stays in the language
it was written in, Danish; so do validation messages of the content contract,
the JSON API and the Atom feeds.

The language of a request is, in this order: ``?lang=da|en`` on any URL, the
``lang`` cookie (set by the switch in the header, ``/sprog/<code>``, or by
``?lang``), else Danish. Accept-Language is deliberately not consulted: the
portal is a Danish public-sector service and reads as one unless asked.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, has_request_context, request, url_for
from flask_babel import Babel, get_locale, refresh

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}  # each in its own language, as a switch shows it
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def always_danish() -> bool:
    """Machine-readable responses keep one language: the JSON API and the Atom feeds."""
    return request.path.startswith("/api/") or request.path.endswith(".atom")


def select_locale() -> str:
    if not has_request_context() or always_danish():
        return DEFAULT_LANGUAGE
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return DEFAULT_LANGUAGE


def current_language() -> str:
    """``da`` or ``en``: the language of this request (Danish outside a request)."""
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else DEFAULT_LANGUAGE


def remember(response, language: str):
    """Remember the choice for a year. Not ``Secure``: it holds only ``da`` or ``en``
    and must also work on a plain-http development server."""
    response.set_cookie(COOKIE, language, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="Lax")
    return response


def local_url_without_lang() -> str:
    """This page's path and query, minus any ``lang`` parameter (it would override the switch)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "lang"]
    return request.path + ("?" + urlencode(args) if args else "")


class ContentLang:
    """``{{ content_lang }}``: `` lang="da"`` on an element holding Danish content when the
    page is not Danish, else nothing. A global (not a context variable), so that macros
    imported without context see it too."""

    def __html__(self) -> str:
        return ' lang="da"' if current_language() != "da" else ""

    __str__ = __html__


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_locale=DEFAULT_LANGUAGE, default_timezone="Europe/Copenhagen")

    @app.before_request
    def _select_afresh():
        # Flask-Babel caches the locale on ``g``; a request inside an app context that is
        # already pushed (tests, scripts) must not inherit the previous request's language.
        refresh()

    @app.after_request
    def _remember_query_choice(response):
        asked = request.args.get("lang")
        if asked in LANGUAGES and not always_danish() and request.cookies.get(COOKIE) != asked:
            remember(response, asked)
        if response.mimetype == "text/html":
            response.vary.add("Cookie")
            response.headers.setdefault("Content-Language", current_language())
        return response

    app.jinja_env.globals["content_lang"] = ContentLang()

    @app.context_processor
    def _language():
        lang = current_language()
        other = "en" if lang == "da" else "da"
        return {
            "html_lang": lang,
            "language_switch": {
                "code": other,
                "name": LANGUAGE_NAMES[other],
                "url": url_for("language.switch", code=other, next=local_url_without_lang()),
            },
        }
