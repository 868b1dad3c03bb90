"""Shared fixtures: the shipped content, ingested once per test session.

Read-only tests share that build; tests that write build their own on tmp_path.
"""

import shutil
from pathlib import Path

import pytest

from portal.web import create_app
from portal.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def built_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("data")
    ingest(CONTENT, data)
    return data


@pytest.fixture
def app(built_data):
    app = create_app({"TESTING": True, "DATA_DIR": str(built_data), "CONTENT_DIR": str(CONTENT)})
    yield app
    app.extensions["portal_index"].close()  # the worker's searcher would live as long as the process


# -- one factory for a writable site ---------------------------------------------------

#: The password every test user gets (test material).
PASSWORD = "en-lang-adgangskode"


def run_cli(app, *args) -> str:
    """Run a ``flask`` command of ``app``; a non-zero exit fails the test with the output."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def make_site(root: Path, people: dict | None = None, **config):
    """A copy of the shipped content under ``root``, ingested, and an app over it.

    ``people`` maps a role name to ``(email, kind, networks, *more CLI options)``; each is created with
    the CLI, as an administrator would, gets :data:`PASSWORD` and an API token, and
    ``app.tokens[role]`` holds the token. Close with :func:`close_site`.
    """
    content, data = root / "content", root / "data"
    shutil.copytree(CONTENT, content)
    ingest(content, data)
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data), "CONTENT_DIR": str(content), "SESSION_COOKIE_SECURE": False, **config}
    )
    app.tokens = make_people(app, people or {})
    return app


def make_people(app, people: dict) -> dict[str, str]:
    """Create users with the CLI (see :func:`make_site`); role name → API token."""
    tokens = {}
    for role, (email, kind, networks, *more) in people.items():
        run_cli(app, "users", "add", email, "--role", kind, *[a for n in networks for a in ("--network", n)], *more)
        run_cli(app, "users", "password", email, "--password", PASSWORD)
        tokens[role] = run_cli(app, "users", "token", email).strip().splitlines()[-1]
    return tokens


def close_site(app) -> None:
    app.extensions["portal_index"].close()


@pytest.fixture(autouse=True, scope="session")
def _api_responses_follow_the_openapi_document():
    """Every app's test client checks each /api/ response against /api/openapi.json (see api_contract)."""
    from flask import Flask

    from api_contract import ContractClient

    before, Flask.test_client_class = Flask.test_client_class, ContractClient
    yield
    Flask.test_client_class = before
