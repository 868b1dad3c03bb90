"""Entry point: ``flask --app app …`` and ``gunicorn app:app`` both use this."""

from portal import create_app

app = create_app()
