"""The shipped word lists stay in step with what they were generated from."""

import csv
import re
from pathlib import Path

from search_index.analysis import DANISH_STOPWORDS, fold
from search_index.expansion import parse_thesaurus
from search_index.lexicon import DATA_DIR, name_keys, words

KOMMUNE_DATA = Path(__file__).resolve().parents[2] / "portal" / "content" / "data"


def _kommune_name_words() -> set[str]:
    out = set()
    for fname, columns in (
        ("kommuner.csv", ("name",)),
        ("former_kommuner.csv", ("name",)),
        ("aliases.csv", ("alias", "name")),
    ):
        with (KOMMUNE_DATA / fname).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for col in columns:
                    out.update(w for w in re.findall(r"\w+", row[col].lower()) if len(w) >= 2 and not w.isdigit())
    return out


def test_every_kommune_name_word_is_a_name_or_an_ordinary_word():
    """Fails when the kommune data gained a name that names.txt lacks: re-run
    python -m search_index.lexicon_build (see search_index/data/README.md)."""
    lexicon, names = words(), name_keys()
    missing = sorted(
        w for w in _kommune_name_words() if fold(w) not in names and w not in lexicon and w not in DANISH_STOPWORDS
    )
    assert not missing, missing


def test_every_name_comes_from_the_kommune_data():
    assert name_keys() <= {fold(w) for w in _kommune_name_words()}
    assert {"aars", "hoejer", "taastrup", "fanoe", "naestved", "aarhus"} <= name_keys()
    assert "hoeje" not in name_keys()  # Høje of Høje-Taastrup is the ordinary word høje


def test_the_shipped_thesaurus_parses_and_every_entry_says_why():
    text = (DATA_DIR / "thesaurus.tsv").read_text(encoding="utf-8")
    groups = parse_thesaurus(text)
    assert len(groups) >= 15
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            assert len(line.split("\t")[2]) >= 20, line  # a source or an explanation, not a word
