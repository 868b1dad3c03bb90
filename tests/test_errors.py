"""The core's exception families are answered in one place: JSON under /api/, a page elsewhere."""

import pytest
from flask.testing import FlaskClient

from portal.errors import Conflict, NotFound, PortalError, Unavailable
from portal.web import create_app


@pytest.fixture
def client(built_data):
    app = create_app({"TESTING": True, "DATA_DIR": str(built_data), "PAGE_CACHE": False})
    app.test_client_class = FlaskClient  # the routes below are this test's, not the documented API
    raised = {
        "refused": PortalError("forkert værdi i 'x'"),
        "missing": NotFound("indsendelsen findes ikke"),
        "taken": Conflict("id'et er taget", id="x-2"),
        "down": Unavailable("databasen er optaget; prøv igen om lidt", retry_after=5),
    }

    for prefix in ("/api/test", "/test"):

        @app.route(f"{prefix}/<what>", endpoint=f"raise{prefix.replace('/', '_')}")
        def _raise(what):
            raise raised[what]

    yield app.test_client()
    app.extensions["portal_index"].close()


@pytest.mark.parametrize("what,status", [("refused", 400), ("missing", 404), ("taken", 409), ("down", 503)])
def test_api_gets_json_with_the_familys_status(client, what, status):
    response = client.get(f"/api/test/{what}")
    assert response.status_code == status
    body = response.get_json()
    assert body["error"] and "Traceback" not in body["error"]
    if what == "taken":
        assert body["id"] == "x-2"
    if what == "down":
        assert response.headers["Retry-After"] == "5"


@pytest.mark.parametrize("what,status", [("refused", 400), ("missing", 404), ("down", 503)])
def test_pages_get_the_calm_error_page(client, what, status):
    response = client.get(f"/test/{what}")
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert "<h1" in response.get_data(as_text=True)


def test_an_unknown_kommune_in_the_api_gets_suggestions(client):
    response = client.get("/api/kommuner/Brøndbyy")
    assert response.status_code == 404
    assert "Brøndby" in response.get_json()["suggestions"]
