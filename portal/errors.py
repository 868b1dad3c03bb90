"""The core's exception families: refusals a user should read, and faults.

The core raises these; the web layer maps each family to a response in one
place (``portal/web/errors.py``): JSON ``{"error": …}`` under ``/api/``, a calm
page elsewhere, with the family's HTTP status. The CLI prints the message.
Nothing here knows about HTTP beyond the status number each family carries.
"""

from __future__ import annotations


class PortalError(Exception):
    """A request the portal refuses, with a Danish message for the person who made it.

    ``status`` is the HTTP status the web layer answers with; ``details`` are
    extra JSON fields for API clients (e.g. ``suggestions``).
    """

    status = 400

    def __init__(self, message: str, status: int | None = None, **details):
        super().__init__(message)
        self.message = message
        if status is not None:
            self.status = status
        self.details = details


class NotFound(PortalError):
    """What was asked for does not exist, or the asker may not know that it does."""

    status = 404


class Conflict(PortalError):
    """The request is valid but collides with the current state (a stale update, a taken id)."""

    status = 409


class Unavailable(PortalError):
    """A fault (a held lock, a full disk, a damaged file) that may pass: try again later.

    ``retry_after`` is the number of seconds the web layer puts in ``Retry-After``.
    """

    status = 503

    def __init__(self, message: str, retry_after: int = 30, **details):
        super().__init__(message, **details)
        self.retry_after = retry_after
