"""pyproject.toml declares the same pinned dependencies that make installs."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins(name: str) -> set[str]:
    pins = set()
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            pins.add(line)
    return pins


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_runtime_dependencies_are_the_pins_of_requirements_txt():
    assert set(_project()["dependencies"]) == _pins("requirements.txt")


def test_test_dependencies_are_the_pins_of_requirements_dev_txt():
    assert set(_project()["optional-dependencies"]["dev"]) == _pins("requirements-dev.txt")


def test_every_dependency_is_pinned():
    for pin in _pins("requirements.txt") | _pins("requirements-dev.txt"):
        assert "==" in pin, f"{pin} is not pinned"
