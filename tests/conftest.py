"""Shared fixtures: the shipped content, ingested once per test session.

Read-only tests share that build; tests that write build their own on tmp_path.
"""

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


@pytest.fixture(autouse=True, scope="session")
def _api_responses_follow_the_openapi_document():
    """Every app's test client checks each /api/ response against /api/openapi.json (see api_contract)."""
    from flask import Flask

    from api_contract import ContractClient

    before, Flask.test_client_class = Flask.test_client_class, ContractClient
    yield
    Flask.test_client_class = before
