"""The fast paths of portal.rendering give exactly the output of the plain way.

``render_markdown`` re-uses one converter per thread and lets text without
inline markup skip python-markdown's InlineProcessor; ``html_to_text`` splits
sanitized HTML with a regex instead of HTMLParser.  Both must be
byte-identical to the straightforward implementation, on tricky inputs, on
random mixtures of them and on every shipped content file.
"""

from __future__ import annotations

import re
import random
import threading
from pathlib import Path

import markdown
import nh3
import pytest

from portal import rendering
from portal.rendering import html_to_text, render_markdown

ROOT = Path(__file__).resolve().parent.parent


def reference_render(text: str) -> str:
    """render_markdown as it was: a fresh converter, no fast path."""
    rendering.check_markdown(text)
    raw = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html").convert(text)
    return rendering._unwrap_dead_links(
        nh3.clean(
            rendering._shift_headings(raw),
            tags=rendering.ALLOWED_TAGS,
            attributes=rendering.ALLOWED_ATTRIBUTES,
            url_schemes=rendering.URL_SCHEMES,
            clean_content_tags={"script", "style"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def reference_text(fragment: str) -> str:
    parser = rendering._TextExtractor()
    parser.feed(fragment)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


TRICKY = [
    "",
    "Almindelig tekst uden noget særligt.",
    "Linje et\nlinje to\n\nNyt afsnit.",
    "*fremhævet* og **fed** og ***begge*** og _under_ og __fed__ og snake_case_ord",
    'Et [link](https://example.org "titel") og et ![billede](x.png) og [ref][1]\n\n[1]: https://example.org',
    "Kode `a < b && c` og ``dobbelt ` tick`` og \\*ikke fremhævet\\* og \\\\ backslash",
    "Entiteter: &amp; &lt; &copy; &#169; &#xA9; &bogus; & alene; AT&T",
    "Hård  \nlinjeskift og blødt\nlinjeskift, og trailing   \n",
    "<script>alert(1)</script>\n\nTekst <b onclick=x>fed</b> <img src=x onerror=y> <!-- kommentar -->",
    "<div>\nblok html *ikke* markdown\n</div>\n\nEfter blokken.",
    "| a | b |\n|:--|--:|\n| *x* | 1 |\n| y | `2` |\n\nEfter tabellen.",
    "- et\n- to med *fremhævning*\n    - indlejret\n\n1. første\n2. anden\n\n3. sane lists",
    "# Overskrift\n\n## Under *overskrift*\n\n###### Seks\n\nTekst.",
    "> citat med [link](http://a.b)\n> og mere\n\n    kodeblok <x> & *y*\n\nslut",
    "Autolink <https://example.org/a?b=c&d=e> og <mail@example.org> og <ikke et tag",
    "Spørgsmål! Udråb! Men ingen billeder. 3 < 4 > 2.",
    "Tegn \x02 og \x03 i teksten",
    "Tab\tog\u00a0hårdt mellemrum og æøå ÆØÅ é ü",
    "Linje med to mellemrum til sidst  \nog en til",
    "***\n\n---\n\nEfter linjer",
    "Term\n: ikke en definition (ingen def_list)",
    '[tom]() og [x](javascript:alert(1)) og <a href="javascript:x">a</a>',
    "Slut med backslash \\",
    "_a_b_ *a*b* **a**b** a_b_c",
    "Fodnote[^1] uden udvidelse\n\n[^1]: tekst",
]


def _mixtures(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [t for t in TRICKY if t] + [
        "\n\n",
        "\n",
        "  \n",
        " ",
        "*",
        "_",
        "`",
        "[",
        "]",
        "(",
        ")",
        "<",
        ">",
        "&",
        "!",
        "\\",
        "#",
        "-",
        "1.",
        "|",
    ]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(n)]


def _content_bodies() -> list[str]:
    from portal.content.loader import load_content
    from portal.store.rows import _body_md

    content = load_content(ROOT / "content")
    return [b for recs in content.items.values() for r in recs.values() if (b := _body_md(r))]


@pytest.mark.parametrize("text", TRICKY + _mixtures(400, 7))
def test_render_is_identical_to_the_plain_converter(text):
    html_out = render_markdown(text)
    assert html_out == reference_render(text)
    assert html_to_text(html_out) == reference_text(html_out)


def test_shipped_content_renders_identically():
    bodies = _content_bodies()
    assert bodies
    for body in bodies:
        out = render_markdown(body)
        assert out == reference_render(body)
        assert html_to_text(out) == reference_text(out)


def test_the_fast_path_knows_every_inline_pattern():
    """The trigger characters cover exactly these patterns: a new pattern
    (a python-markdown upgrade, a new extension) must be looked at first."""
    md = rendering._markdown()
    assert [item.name for item in md.inlinePatterns._priority] == [
        "backtick",
        "escape",
        "reference",
        "link",
        "image_link",
        "image_reference",
        "short_reference",
        "short_image_ref",
        "autolink",
        "automail",
        "linebreak",
        "html",
        "entity",
        "em_strong",
    ]
    names = [item.name for item in md.treeprocessors._priority]
    assert names.index("plain_text_fast_path") == names.index("inline") - 1


def test_a_failed_render_does_not_spoil_the_next(monkeypatch):
    md = rendering._markdown()
    monkeypatch.setattr(md, "convert", lambda text: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        render_markdown("x")
    assert render_markdown("*a*") == reference_render("*a*")


def test_threads_get_their_own_converter():
    texts = _mixtures(60, 11)
    expected = [reference_render(t) for t in texts]
    results: dict[int, list[str]] = {}

    def work(i):
        results[i] = [render_markdown(t) for t in texts]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r == expected for r in results.values())


@pytest.mark.parametrize(
    "fragment",
    [
        "<p>a &amp; b</p><br>x<br/>y<table><tr><td>1</td><th>2</th></tr></table>",
        '<p title="a>b">x</p><a href="h" rel="noopener">l</a>',
        "<script>a<b</script>t",
        "<p>a<3</p>",
        "<!-- c -->x",
        "&AElig;&#65;&#x41;&amp",
        "<P>Store</P>",
        "<pre><code>a\n\n b</code></pre><ul>\n<li>x</li>\n</ul>",
        "<br />",
        "<![CDATA[x]]>y",
        "<p>x</p  >",
    ],
)
def test_html_to_text_matches_htmlparser(fragment):
    assert html_to_text(fragment) == reference_text(fragment)


@pytest.mark.parametrize(
    "markdown_text",
    [
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](vbscript:x)",
        "[klik](data:text/html,x)",
        '<a title="t" onclick="x()">klik</a>',
        "<a>klik</a>",
    ],
)
def test_a_link_whose_href_was_removed_is_unwrapped_to_its_text(markdown_text):
    """nh3 drops a refused href but kept <a rel="…">: no link, invalid HTML for the checker."""
    out = render_markdown(f"Tekst {markdown_text} og [en rigtig](https://example.dk/x).")
    assert "klik" in out
    assert re.findall(r"<a\b[^>]*>", out) == ['<a href="https://example.dk/x" rel="noopener noreferrer nofollow">']
