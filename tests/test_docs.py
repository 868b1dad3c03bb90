"""Tests that keep the docs honest: every content key, CLI command and config key is documented."""

import re
from pathlib import Path

import pytest

from portal.web import create_app
from portal.content import schema

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.mark.parametrize(
    "key",
    sorted(set(schema.PRACTICE_KEYS + schema.NOTE_KEYS + schema.NETWORK_KEYS + schema.RANKING_KEYS + schema.RANKING_ROW_KEYS)),
)
def test_every_content_key_is_documented(key):
    assert re.search(rf"`{key}`", (DOCS / "content-format.md").read_text(encoding="utf-8")), key


def test_every_cli_command_is_documented():
    app = create_app({"DATA_DIR": "/nonexistent"})
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    ours = [name for name, cmd in app.cli.commands.items() if cmd.callback.__module__.startswith("portal")]
    assert ours
    for name in ours:
        assert f"## `{name}`" in text, name
        assert app.cli.commands[name].help, name


def test_every_config_key_is_documented():
    app = create_app({"DATA_DIR": "/nonexistent"})
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    ours = ["CONTENT_DIR", "DATA_DIR", "DKFDS_DIR", "SECRET_KEY", "SESSION_COOKIE_SECURE", "MAX_CONTENT_LENGTH", "SEARCH_PER_PAGE",
            "RANKING_TOP_N", "PAGE_CACHE", "SEARCH_CACHE_DOCS", "BASE_URL", "TRUSTED_HOSTS"]
    for key in ours:
        assert key in app.config
        assert f"`{key}`" in text and f"`PORTAL_{key}`" in text, key
