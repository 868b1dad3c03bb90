"""Entry point: ``flask --app app …`` and ``gunicorn app:app`` both use this."""

from portal.web import create_app

app = create_app()
