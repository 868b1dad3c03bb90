"""Errors of the content layer.

Every problem with a content file is a :class:`ContentError` that knows the
file and line it is about, so a whole ingest can report all problems at once as
``path:line: message`` — the form editors and CI logs understand.
"""

from __future__ import annotations


class ContentError(Exception):
    """One problem in one content file.

    ``field`` names the front-matter key the problem is about (``None`` for
    problems with the file as a whole); the submission API reports it.
    """

    def __init__(self, path: str, line: int | None, message: str, field: str | None = None):
        super().__init__(message)
        self.path = str(path)
        self.line = line
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return f"{self.path}:{self.line or 1}: {self.message}"

    def __reduce__(self):
        # Picklable with every field: the ingest's worker processes send errors back.
        return (type(self), (self.path, self.line, self.message, self.field))

    def as_dict(self) -> dict:
        return {"line": self.line or 1, "field": self.field, "message": self.message}


class ContentErrors(Exception):
    """A collection of problems, raised when a file or a content tree is refused."""

    def __init__(self, errors: list[ContentError]):
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = list(errors)
