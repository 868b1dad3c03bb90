"""Snippets of texts with labelled sections (an evaluation's PDF pages): the
fragment names its section, markers never show, a deep match still gets its page."""

from search_index import section_marker, strip_sections
from search_index.analysis import word_forms
from search_index.snippets import MAX_SCAN_CHARS, QueryHighlighter, highlighted_snippet, plain_snippet


def _hl(*words):
    return QueryHighlighter(terms={f for w in words for f in word_forms(w)})


BODY = "Resultatet i kildens ord. (Testtekst.)"
TEXT = BODY + "".join(
    f"\n\n{section_marker(f'PDF s. {n}')}Side {n} handler om {word}."
    for n, word in enumerate(["indledning", "metode", "flygtninge"], 1)
)


def test_a_fragment_from_a_section_names_it():
    snippet = highlighted_snippet(TEXT, _hl("flygtninge"))
    assert snippet.startswith("PDF s. 3: ") and "<mark>flygtninge</mark>" in snippet
    assert "\x1e" not in snippet and "\x1f" not in snippet


def test_a_fragment_from_the_body_has_no_label():
    snippet = highlighted_snippet(TEXT, _hl("kildens"))
    assert snippet.startswith("Resultatet") and "PDF s." not in snippet


def test_the_plain_snippet_is_the_body_only():
    assert plain_snippet(TEXT) == "Resultatet i kildens ord. (Testtekst.)"
    assert highlighted_snippet(TEXT, _hl("ukendtord")) == plain_snippet(TEXT)
    only_sections = section_marker("PDF s. 1") + "Første side."
    assert plain_snippet(only_sections) == "PDF s. 1: Første side."


def test_a_match_beyond_the_usual_scan_limit_still_gets_its_page():
    long_text = (
        BODY
        + f"\n\n{section_marker('PDF s. 1')}"
        + "fyld " * (MAX_SCAN_CHARS // 4)
        + f"\n\n{section_marker('PDF s. 40')}Her står ordet pindsvin."
    )
    snippet = highlighted_snippet(long_text, _hl("pindsvin"))
    assert snippet.startswith("PDF s. 40: ") and "<mark>pindsvin</mark>" in snippet


def test_strip_sections_leaves_only_words():
    assert "PDF" not in strip_sections(TEXT) and "flygtninge" in strip_sections(TEXT)
    assert strip_sections("ingen afsnit") == "ingen afsnit"
