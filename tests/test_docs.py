"""Tests that keep the docs honest: every content key, CLI command and config key is documented.

Each list is taken from the code (the kind registry, the schema's key tuples,
the app's config and its source, the CLI as click sees it), so a new key or
command fails here until the docs say what it is.
"""

import re
from pathlib import Path

import pytest
from flask import Flask

from portal.content import schema
from portal.kinds import FILE_KINDS
from portal.web import create_app

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _content_keys() -> list[tuple[str, str]]:
    """(where, key) for every key of every kind's files, nested keys included
    (every ``*_KEYS`` tuple of the schema, e.g. a ranking's rows)."""
    keys = {(name, key) for name, kind in FILE_KINDS.items() for key in kind.keys}
    for attr in dir(schema):
        if attr.endswith("_KEYS") and isinstance(getattr(schema, attr), tuple):
            keys |= {(attr, key) for key in getattr(schema, attr)}
    return sorted(keys)


def test_every_file_kind_has_its_keys_in_the_registry():
    for name, kind in FILE_KINDS.items():
        assert kind.keys, f"{name}: the registry lists no keys"


@pytest.mark.parametrize("where,key", _content_keys())
def test_every_content_key_is_documented(where, key):
    assert re.search(rf"`{key}`", _doc("content-format.md")), f"{where}: `{key}` is not in docs/content-format.md"


@pytest.mark.parametrize("name", sorted(FILE_KINDS))
def test_every_file_kind_has_a_section_with_its_folder(name):
    text = _doc("content-format.md")
    assert re.search(rf"^## .*`content/{FILE_KINDS[name].folder}/", text, re.M), (
        f"{name}: no section in docs/content-format.md"
    )


def _cli_commands(app) -> list[tuple[str, object]]:
    """Our commands, and each subcommand of our groups, as 'group sub'."""
    out = []
    for name, cmd in app.cli.commands.items():
        if not (cmd.callback and cmd.callback.__module__.startswith("portal")) and not getattr(cmd, "commands", None):
            continue
        if getattr(cmd, "commands", None):
            if not any(sub.callback.__module__.startswith("portal") for sub in cmd.commands.values()):
                continue
            out += [(f"{name} {sub_name}", sub) for sub_name, sub in cmd.commands.items()]
        out.append((name, cmd))
    return out


def test_every_cli_command_is_documented():
    app = create_app({"DATA_DIR": "/nonexistent"})
    text = _doc("cli.md")
    commands = _cli_commands(app)
    assert {"ingest", "users add", "check"} <= {name for name, _ in commands}
    for name, cmd in commands:
        if " " in name:
            assert f"users {name.split(' ', 1)[1]}" in text or f"`{name}" in text, f"`{name}` is not in docs/cli.md"
        else:
            assert f"## `{name}`" in text, f"`{name}` has no section in docs/cli.md"
        assert cmd.help, f"`{name}` has no help text"


# Flask's own settings that we neither set nor change: documented by Flask.
_FLASK_OWN = set(Flask.default_config)
_READ = re.compile(r"""config(?:\[|\.get\()\s*["']([A-Z][A-Z0-9_]+)["']""")


def _config_keys_read_by_the_code() -> set[str]:
    keys = set()
    for path in (ROOT / "portal").rglob("*.py"):
        keys |= set(_READ.findall(path.read_text(encoding="utf-8")))
    return keys


def _config_keys_we_set() -> set[str]:
    plain = Flask(__name__)
    app = create_app({"DATA_DIR": "/nonexistent"})
    return {
        key
        for key in app.config
        if key not in plain.config or (key in _FLASK_OWN and app.config[key] != plain.config[key])
    }


def _our_config_keys() -> list[str]:
    read = {key for key in _config_keys_read_by_the_code() if key not in _FLASK_OWN}
    ours = {
        key for key in _config_keys_we_set() if not key.startswith(("BABEL_", "WTF_"))
    }  # the extensions' own, documented by them
    return sorted(read | ours)


def test_the_config_list_is_found_in_the_code():
    keys = _our_config_keys()
    assert {"CONTENT_DIR", "DATA_DIR", "SEARCH_ENGINE", "CONTACT_EMAIL", "MAX_FORM_MEMORY_SIZE"} <= set(keys)


@pytest.mark.parametrize("key", _our_config_keys())
def test_every_config_key_is_documented(key):
    text = _doc("configuration.md")
    settable, _, fixed = text.partition("## Fixed settings")
    assert (f"`{key}`" in settable and f"`PORTAL_{key}`" in settable) or f"`{key}`" in fixed, (
        f"`{key}` is not in docs/configuration.md"
    )


def test_docs_speak_of_this_repository_only():
    """No doc points at a path outside the repository (e.g. ../shared)."""
    for path in [*DOCS.glob("*.md"), ROOT / "README.md"]:
        text = path.read_text(encoding="utf-8")
        for target in re.findall(r"\]\(([^)#]+)", text):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            resolved = (path.parent / target).resolve()
            assert resolved.is_relative_to(ROOT), f"{path.name} links outside the repository: {target}"
            assert resolved.exists(), f"{path.name} links to a missing file: {target}"
        assert "../shared" not in text and "/work/" not in text, f"{path.name} names a path outside the repository"
