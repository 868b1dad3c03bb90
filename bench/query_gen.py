"""Many distinct queries from a corpus's own vocabulary, in the fixed query set's shapes.

The "every query new" round of the HTTP bench (bench/http_rounds.py) asks each
of these once, so no result cache — the portal's or any other — can answer: it
measures what a search costs, not what a cache hit costs. Deterministic: the
same corpus and seed give the same list.

The vocabulary comes from a sample of the corpus files (every k-th file, at most
``SAMPLE_FILES``): body words of four letters or more with their frequencies,
neighbouring word pairs for phrases, and the front matter's topics, evidence
categories and kommune spellings for filters. The shapes, in the proportions of
bench/queries.py: single words, two or three words, a quoted phrase, a facet
filter with text (type, evidence, topic, region, kommune) or without, a prefix
(``beskæf*``, alone or with a word), a kommune name as text, a misspelling
(one letter dropped, doubled or swapped — not a word of the vocabulary), a
page beyond the first. Half of the words are drawn by frequency (the common,
expensive ones), half uniformly (the long tail).
"""

from __future__ import annotations

import random
import re
from collections import Counter
from pathlib import Path

import yaml

from portal.content import kommuner as kommune_registry

from .queries import QUERIES

SAMPLE_FILES = 400
_WORD_RE = re.compile(r"[^\W\d_]{4,}")
_FRONT_RE = re.compile(r"\A---\n(.*?)\n---\n", re.S)
# (shape, weight): roughly the fixed set's mix (bench/queries.py)
SHAPES = (
    ("word", 9),
    ("words", 5),
    ("phrase", 4),
    ("facet", 8),
    ("prefix", 4),
    ("misspelling", 3),
    ("kommune", 6),
    ("page", 1),
)


class Vocabulary:
    """What the generator draws from, read from a sample of the corpus."""

    def __init__(self, content_dir: Path, sample_files: int = SAMPLE_FILES):
        files = sorted((Path(content_dir) / "practices").glob("*.md"))
        files += sorted((Path(content_dir) / "notes").glob("*.md"))
        if not files:
            raise ValueError(f"{content_dir}: ingen practices/ eller notes/ at hente ordforråd fra")
        step = max(1, len(files) // sample_files)
        words: Counter = Counter()
        pairs: Counter = Counter()
        topics, evidence, kommuner = set(), set(), set()
        for path in files[::step]:
            text = path.read_text(encoding="utf-8")
            m = _FRONT_RE.match(text)
            meta = (yaml.safe_load(m.group(1)) or {}) if m else {}
            topics.update(str(t).lower() for t in meta.get("topics") or [])
            if meta.get("evidence"):
                evidence.add(str(meta["evidence"]))
            kommuner.update(str(k) for k in meta.get("kommuner") or [])
            body = text[m.end() :] if m else text
            for line in body.splitlines():
                if line.startswith(("#", "*")):  # headings and the synthetic-data notice
                    continue
                toks = [w.lower() for w in _WORD_RE.findall(line)]
                words.update(toks)
                pairs.update(zip(toks, toks[1:], strict=False))
        self.words = [w for w, _ in words.most_common()]
        self.weights = [c for _, c in words.most_common()]
        self.pairs = [f"{a} {b}" for (a, b), c in pairs.most_common() if c >= 2 and a != b]
        self.topics = sorted(topics)
        self.evidence = sorted(evidence)
        self.kommuner = sorted(k for k in kommuner if _resolves(k))
        self.regions = list(kommune_registry.REGIONS)
        if not (self.words and self.pairs and self.topics and self.kommuner):
            raise ValueError(f"{content_dir}: for lidt tekst til at danne forespørgsler")


def _resolves(name: str) -> bool:
    try:
        kommune_registry.resolve(name)
        return True
    except kommune_registry.KommuneError:
        return False


class _Draw:
    def __init__(self, vocab: Vocabulary, rng: random.Random):
        self.v, self.rng = vocab, rng

    def word(self) -> str:
        if self.rng.random() < 0.5:
            return self.rng.choices(self.v.words, weights=self.v.weights)[0]
        return self.rng.choice(self.v.words)

    def misspelt(self) -> str:
        known = set(self.v.words)
        for _ in range(50):
            w = self.word()
            if len(w) < 7:
                continue
            i = self.rng.randrange(1, len(w) - 1)
            how = self.rng.choice(("drop", "double", "swap"))
            bad = w[:i] + w[i + 1 :] if how == "drop" else w[:i] + w[i] + w[i:] if how == "double" else (
                w[: i - 1] + w[i] + w[i - 1] + w[i + 1 :]
            )  # fmt: skip
            if bad not in known:
                return bad
        return self.word() + "x"

    def shape(self, shape: str) -> dict:
        r, v = self.rng, self.v
        if shape == "word":
            return {"q": self.word()}
        if shape == "words":
            return {"q": " ".join(self.word() for _ in range(r.choice((2, 2, 3))))}
        if shape == "phrase":
            phrase = f'"{r.choice(v.pairs)}"'
            return {"q": phrase if r.random() < 0.7 else f"{phrase} {self.word()}"}
        if shape == "facet":
            facet = r.choice(("type", "evidence", "topic", "region", "kommune", "two"))
            q = "" if r.random() < 0.2 else self.word()
            if facet == "type":
                return {"q": q, "type": r.choice(("practice", "note"))}
            if facet == "evidence":
                return {"q": q, "evidence": ",".join(r.sample(v.evidence, r.choice((1, 1, 2))))}
            if facet == "topic":
                return {"q": q, "topic": r.choice(v.topics)}
            if facet == "region":
                return {"q": q, "region": r.choice(v.regions)}
            if facet == "kommune":
                return {"q": q, "kommune": r.choice(v.kommuner)}
            return {"q": q, "evidence": r.choice(v.evidence), "topic": r.choice(v.topics)}
        if shape == "prefix":
            w = self.word()
            pre = w[: r.randint(4, max(4, min(7, len(w) - 1)))] + "*"
            return {"q": pre if r.random() < 0.6 else f"{pre} {self.word()}"}
        if shape == "misspelling":
            return {"q": self.misspelt()}
        if shape == "kommune":
            name = r.choice(v.kommuner)
            return {"q": name} if r.random() < 0.5 else {"q": self.word(), "kommune": name}
        if shape == "page":
            return {"q": self.word(), "page": str(r.randint(2, 5)), "per_page": r.choice(("10", "20"))}
        raise ValueError(shape)


def _key(params: dict) -> tuple:
    return tuple(sorted((k, str(v).strip().lower()) for k, v in params.items() if str(v).strip()))


def distinct_queries(content_dir: Path, n: int, seed: int = 16, vocab: Vocabulary | None = None) -> list[dict]:
    """``n`` distinct /api/search parameter dicts (none equal to a fixed query), deterministic for a seed."""
    vocab = vocab or Vocabulary(content_dir)
    rng = random.Random(seed)
    draw = _Draw(vocab, rng)
    seen = {_key(p) for _c, p in QUERIES}
    shapes, weights = [s for s, _ in SHAPES], [w for _, w in SHAPES]
    out: list[dict] = []
    tries = 0
    while len(out) < n:
        tries += 1
        if tries > 50 * n + 1000:
            raise ValueError(f"kun {len(out)} forskellige forespørgsler af {n}: korpusset er for lille")
        params = draw.shape(rng.choices(shapes, weights=weights)[0])
        key = _key(params)
        if key in seen:
            continue
        seen.add(key)
        out.append(params)
    return out
