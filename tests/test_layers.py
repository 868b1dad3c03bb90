"""The rooms keep their doors: the core imports no web framework, and no engine
leaks out of the search layer.

Every module is found by walking the packages, so a new module is checked
without anyone adding it to a list.
"""

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import portal
import search_index

ROOT = Path(__file__).resolve().parent.parent
# werkzeug is not listed: the core uses only its password hashing (werkzeug.security),
# a library function with no request in sight.
WEB_MODULES = ("flask", "flask_babel", "flask_wtf", "jinja2")


def _modules(package, skip=()):
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not any(info.name == s or info.name.startswith(s + ".") for s in skip):
            names.append(info.name)
    return names


CORE = _modules(portal, skip=("portal.web",))


def _imported_after(module: str) -> set[str]:
    code = f"import sys, {module}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, capture_output=True, text=True)
    return {name.split(".")[0] for name in out.stdout.split()}


def test_the_core_is_walked_and_holds_the_main_rooms():
    for room in ("portal.content", "portal.ingest", "portal.store", "portal.publishing", "portal.owned"):
        assert room in CORE
    assert not [m for m in CORE if m.startswith("portal.web")]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_web_framework(module):
    leaked = _imported_after(module) & set(WEB_MODULES)
    assert not leaked, f"{module} imports {sorted(leaked)}: move the web part to portal.web"


@pytest.mark.parametrize("module", _modules(search_index))
def test_search_layer_imports_no_flask(module):
    leaked = _imported_after(module) & set(WEB_MODULES)
    assert not leaked, f"{module} imports {sorted(leaked)}"


# -- the engines' libraries stay in their engines -------------------------------------
ENGINE_LIBRARIES = {"whoosh": ("engine_whoosh", "whoosh_"), "tantivy": ("engine_tantivy", "tantivy_")}


def _imported_libraries(path: Path) -> set[str]:
    import ast

    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "search_index").glob("*.py")), ids=lambda p: p.name)
def test_only_an_engines_modules_import_its_library(path):
    for library, prefixes in ENGINE_LIBRARIES.items():
        if library in _imported_libraries(path):
            assert path.stem.startswith(prefixes), f"{path.name} imports {library}: only {prefixes} modules may"


def test_the_neutral_search_layer_loads_no_engine():
    """Importing the search layer (and the ingest) loads neither engine until an index is opened."""
    for module in ("search_index", "portal.ingest"):
        loaded = _imported_after(module)
        assert not loaded & set(ENGINE_LIBRARIES), f"{module} loads {sorted(loaded & set(ENGINE_LIBRARIES))}"
    for path in (ROOT / "portal").rglob("*.py"):
        assert not _imported_libraries(path) & set(ENGINE_LIBRARIES), f"{path} imports a search engine"


MAX_MODULE_LINES = 400


@pytest.mark.parametrize("package", ["portal", "search_index"])
def test_no_module_is_over_400_lines(package):
    """A module past 400 lines is doing more than one job: split it by job."""
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / package).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these by job: {long}"
