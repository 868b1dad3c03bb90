"""Signing in and out."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ... import accounts
from ..auth import (
    check_login_allowed,
    current_user,
    login_user,
    logout_user,
    note_login_failure,
    note_login_success,
    owned_db,
    safe_next,
)

bp = Blueprint("auth", __name__)


@bp.route("/log-ind", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    error = None
    email = request.form.get("email", "")
    if request.method == "POST":
        check_login_allowed(email)  # 429 only for this account from this address, after its failures
        user = accounts.authenticate(owned_db(), email, request.form.get("password", ""))
        if user is not None:
            note_login_success(email)
            login_user(user)
            return redirect(next_url)
        note_login_failure(email)
        error = _("E-mail eller adgangskode er forkert.")
    status = 401 if error else 200
    return render_template("login.html", error=error, email=email, next_url=next_url), status


@bp.route("/log-ud", methods=["POST"])
def logout():
    if current_user() is not None:
        logout_user()
    return redirect(url_for("pages.front"))
