"""The snippet scan goes block by block through a long text and stops early;
it must find exactly the words a word-by-word check of the whole text finds
(test material: the text is generated here)."""

import random
import re

from search_index.analysis import word_forms

from search_index.highlighting import MAX_MATCHES, SCAN_BLOCK_CHARS, QueryHighlighter, find_matches

FILLER = "kommunen arbejder med borgerne i hverdagen og skriver det ned".split()
# words a query finds: with æ/ø/å (folded offsets), compounds holding a part, and case
FOUND = ["flygtninge", "Børnefamilier", "sprogskolen", "virksomhedspraktik", "ÆLDRE", "Mødre"]


def _hl():
    return QueryHighlighter(
        terms={f for w in ("flygtning", "børnefamilie", "sprogskole", "praktik", "ældre", "mor") for f in word_forms(w)}
    )


def _reference(text: str, highlighter: QueryHighlighter) -> list[tuple[int, int, str]]:
    """Every word of the text checked on its own, in order, up to MAX_MATCHES."""
    out = [(m.start(), m.end(), m.group().lower()) for m in re.finditer(r"\w+", text) if highlighter.matches(m.group())]
    return out[:MAX_MATCHES]


def _text(rng: random.Random, n_words: int, found_every: int) -> str:
    words = []
    for i in range(n_words):
        words.append(rng.choice(FOUND) if i % found_every == found_every - 1 else rng.choice(FILLER))
        words.append(rng.choice([" ", " ", "\n", ", ", ". "]))
    return "".join(words)


def test_the_block_scan_finds_what_a_word_by_word_check_finds():
    rng = random.Random(7)
    cases = [(50, 3), (2_000, 150), (3_000, 400), (6_000, 90), (800, 10_000)]
    for (n_words, every), accent in zip(cases * 2, [""] * len(cases) + ["idé"] * len(cases)):
        # with an accented letter now and then, a block is folded rather than spelt out
        text = _text(rng, n_words, every).replace("hverdagen", f"hverdagen {accent}" if accent else "hverdagen")
        assert len(text) > SCAN_BLOCK_CHARS or n_words < 100
        assert find_matches(text, _hl()) == _reference(text, _hl()), (n_words, every)


def test_a_word_across_where_a_block_would_end_is_found_whole():
    text = "x " * (SCAN_BLOCK_CHARS // 2 - 3) + "virksomhedspraktikken " + "y " * 50 + "børnefamilierne"
    found = find_matches(text, _hl())
    assert [w for _s, _e, w in found] == ["virksomhedspraktikken", "børnefamilierne"]
    assert all(text[s:e].lower() == w for s, e, w in found)


def test_forms_the_stemmer_cannot_join_are_marked_too():
    """Searching børn marks "børn" and "Børnene", not only "barn"; mødre marks
    the compound holding it; and the other way round (inflections.tsv)."""
    from search_index.snippets import highlighted_snippet

    text = "Familier med børn og et barn. Bydelsmødre hjælper mødre og en mor. Børnene går på sprogcentret."

    def marked(query):
        snippet = highlighted_snippet(text, QueryHighlighter(terms=set(word_forms(query))))
        return re.findall(r"<mark>(.*?)</mark>", snippet)

    assert marked("børn") == marked("barn") == ["børn", "barn", "Børnene"]
    assert marked("mødre") == marked("mor") == ["Bydelsmødre", "mødre", "mor"]
    assert marked("sprogcenter") == ["sprogcentret"]


def test_a_name_that_keeps_its_danish_letters_is_marked():
    """Rønne's stem keeps its ø (lexicon.fold_guarded): it is looked for as it is."""
    from search_index.snippets import highlighted_snippet

    text = "Kommunen omfatter de tidligere kommuner Allinge-Gudhjem, Hasle, Nexø, Rønne og Aakirkeby."
    snippet = highlighted_snippet(text, QueryHighlighter(terms=set(word_forms("rønne"))))
    assert "<mark>Rønne</mark>" in snippet


def test_a_needle_of_countless_spellings_is_scanned_folded():
    """ "aa…" can be "å" or "aa" at every pair: 30 letters have 1,346,269
    spellings. Such a needle sends its block to the folded scan, which finds
    the same words (a hostile query once kept a search busy for minutes)."""
    hl = QueryHighlighter(terms={"a" * 30, "oe" * 12, "flygtning"})
    text = ("å" * 15 + " flygtninge " + "a" * 30 + " " + "ø" * 12 + " ") * 40
    assert find_matches(text, hl) == _reference(text, hl)
    assert [w for _s, _e, w in find_matches(text, hl)][:2] == ["å" * 15, "flygtninge"]
