"""Adding a content kind touches only its registry record, its validator, its template
and its docs: a kind made here from those four alone (test material) is read,
validated, stored, indexed, found, shown on its own page, listed in the sitemap and
counted by the CLI, with no other code knowing about it.

It runs in a fresh interpreter, because the registry is read when the portal's
modules are imported (as it is in production: a kind is part of the code).
"""

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = textwrap.dedent("""
    import shutil, sys, tempfile
    from pathlib import Path

    # 1. The record, and 2. its validator (Document, path, slug -> record), like schema.py's.
    from portal import kinds
    from portal.content.checker import Checker
    from portal.content.frontmatter import read_yaml
    from portal.content.schema import slug_of

    def validate_guide(doc, path, slug=None):
        c = Checker(doc, path)
        data = c.mapping(doc.data, (), "filen") or {}
        c.unknown_keys(data, ("title", "text"))
        record = {"type": "guide", "slug": slug or slug_of(path, c), "path": path,
                  "title": c.text(data, "title", required=True), "text": c.text(data, "text") or ""}
        c.done()
        return record

    guide = kinds.Kind("guide", "/vejledninger/", "Vejledning", "Vejledninger", folder="vejledninger",
                       suffixes=(".yaml",), reader=read_yaml, validator=validate_guide, keys=("title", "text"),
                       body_of=lambda record: record["text"], template="guide.html")
    kinds.KINDS["guide"] = kinds.FILE_KINDS["guide"] = guide
    kinds.SEARCH_TYPES = tuple(name for name, kind in kinds.KINDS.items() if kind.searchable)

    # Everything else is the portal as it is.
    from jinja2 import ChoiceLoader, DictLoader
    from portal.ingest import ingest
    from portal.web import create_app

    root = Path(tempfile.mkdtemp())
    shutil.copytree(sys.argv[1], root / "content")
    (root / "content" / "vejledninger").mkdir()
    (root / "content" / "vejledninger" / "tolkebistand.yaml").write_text(
        'title: "Vejledning om tolkebistand (testindhold)"\\n'
        'text: "Sådan bestiller man en kvalitetstolk til samtaler med nyankomne. (Testindhold.)"\\n',
        encoding="utf-8")
    (root / "content" / "vejledninger" / "forkert.yaml").write_text("titel: Stavet forkert\\n", encoding="utf-8")
    try:  # a bad file of the new kind is refused with its path and line, like any other
        ingest(root / "content", root / "data")
        raise SystemExit("the bad file was accepted")
    except Exception as exc:
        assert "forkert.yaml:1" in "\\n".join(str(e) for e in getattr(exc, "errors", [])), exc
    (root / "content" / "vejledninger" / "forkert.yaml").unlink()
    report = ingest(root / "content", root / "data")
    assert report.counts["guide"] == 1, report.counts

    # 3. Its template.
    app = create_app({"TESTING": True, "DATA_DIR": str(root / "data"), "CONTENT_DIR": str(root / "content")})
    app.jinja_env.loader = ChoiceLoader([DictLoader({"guide.html": (
        '{% extends "base.html" %}{% block title %}{{ item.title }}{% endblock %}'
        '{% block main %}<h1>{{ item.title }}</h1>{{ item.body_html|safe }}{% endblock %}')}),
        app.jinja_env.loader])
    client = app.test_client()
    page = client.get("/vejledninger/tolkebistand")
    assert page.status_code == 200 and "kvalitetstolk" in page.get_data(as_text=True), page.status_code
    hits = client.get("/api/search?q=kvalitetstolk").get_json()
    assert [h["url"] for h in hits["results"]] == ["/vejledninger/tolkebistand"], hits
    assert client.get("/api/search?q=tolk&type=guide").status_code == 200
    assert "/vejledninger/tolkebistand" in client.get("/sitemap.xml").get_data(as_text=True)
    cli = app.test_cli_runner().invoke(args=["ingest", "--content", str(root / "content")])
    assert cli.exit_code == 0 and "1 vejledninger" in cli.output, cli.output
    app.extensions["portal_index"].close()
    print("OK")
""")


def test_a_new_kind_needs_only_its_record_validator_template_and_docs():
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ROOT / "content")], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0 and result.stdout.strip().endswith("OK"), (
        result.stdout[-2000:] + result.stderr[-4000:]
    )
