"""The floor: the bench corpus in a plain tantivy index, served by a tiny WSGI app.

Not part of the portal; a measurement tool (issue 16). It answers the portal's
``/api/search`` parameters (q, type, kommune, topic, evidence, region, page,
per_page) with what tantivy can do when no Python touches a matching document:

* one index built straight from the corpus files (front matter + Markdown
  body; practices and notes, not the kommune pages), text analysed by
  tantivy's own Danish Snowball stemmer (simple tokenizer → lowercase →
  ``Filter.stemmer("danish")``, registered as ``da_stem``) — no æ/ø/å
  folding, no compound parts, no thesaurus;
* query: tantivy's lenient query parser over title (boost 3), kommune names
  (boost 2) and body; words OR-ed, ``"phrases"`` as phrase queries,
  ``word*`` as tantivy's phrase-prefix query; filters as term queries on raw
  fast fields (OR within a facet, AND across), public audience only;
* the top ``per_page`` by BM25, the exact total (tantivy's count collector),
  snippets of the page's hits (``SnippetGenerator``), and type, evidence and
  topic counts from tantivy's terms aggregation (``searcher.aggregate``) —
  disjunctive like the portal's: a facet that is filtered is counted with the
  other facets' filters only (one more aggregation per filtered facet).

No all-words tier, no spelling suggestions, no result cache.

::

    python -m bench.bare_tantivy CORPUS_DIR            # build (or reuse) its index, print where
    BENCH_BARE_INDEX=DIR gunicorn bench.bare_tantivy:app
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import tantivy
import yaml

from portal.content import kommuner as kommune_registry

from .wsgi_search import filter_values, search_app

# Bump when the schema or what is indexed changes: cached indexes are rebuilt.
BUILD_VERSION = 1
FACETS = ("type", "evidence", "topic")  # counted by aggregation
FILTERS = ("type", "evidence", "topic", "kommune", "region")
TEXT_FIELDS = ("title", "kommuner", "body")
BOOSTS = {"title": 3.0, "kommuner": 2.0}
_FRONT_RE = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_PREFIX_RE = re.compile(r"(?<![\w\"])(\w+)\*")


def analyzer() -> tantivy.TextAnalyzer:
    """tantivy's Danish analyzer; tokenizers are not stored in the index, so every opener registers it."""
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(40))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.stemmer("danish"))
        .build()
    )


def schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("url", stored=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("title", stored=True, tokenizer_name="da_stem")
    sb.add_text_field("kommuner", tokenizer_name="da_stem")
    # stored: the snippet generator reads the text of the page's hits from the doc store
    sb.add_text_field("body", stored=True, tokenizer_name="da_stem")
    for facet in (*FILTERS, "audience"):
        sb.add_text_field(facet, tokenizer_name="raw", index_option="basic", fast=True)
    return sb.build()


def _open(path: Path) -> tantivy.Index:
    index = tantivy.Index(schema(), path=str(path), reuse=True)
    index.register_tokenizer("da_stem", analyzer())
    return index


def read_corpus(content_dir: Path):
    """Yield one dict per practice and note: the front matter's fields and the Markdown body."""
    for kind, folder in (("practice", "practices"), ("note", "notes")):
        for path in sorted((content_dir / folder).glob("*.md")):
            text = path.read_text(encoding="utf-8")
            m = _FRONT_RE.match(text)
            if not m:
                raise SystemExit(f"{path}:1: ingen front matter")
            meta = yaml.safe_load(m.group(1)) or {}
            slug = path.stem
            if kind == "note":
                slug = slug.split("-syn-", 1)[-1]
            yield {
                "id": f"{kind}:{slug}",
                "type": kind,
                "url": f"/{'erfaringer' if kind == 'practice' else 'noter'}/{slug}",
                "title": str(meta.get("title") or slug),
                "body": text[m.end() :],
                "kommuner": [str(k) for k in meta.get("kommuner") or []],
                "topics": [str(t).lower() for t in meta.get("topics") or []],
                "evidence": meta.get("evidence"),
                "audience": "public" if meta.get("visibility", "public") == "public" else str(meta["visibility"]),
            }


def build(content_dir: Path, index_dir: Path) -> float:
    """Build the index of ``content_dir`` into ``index_dir`` (replaced); returns seconds."""
    started = time.monotonic()
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    index = _open(index_dir)
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    resolved: dict[str, kommune_registry.Kommune | None] = {}
    for item in read_corpus(content_dir):
        ks = []
        for name in item["kommuner"]:
            if name not in resolved:
                try:
                    resolved[name] = kommune_registry.resolve(name).kommune
                except kommune_registry.KommuneError:
                    resolved[name] = None
            if resolved[name]:
                ks.append(resolved[name])
        doc = tantivy.Document(
            id=item["id"],
            url=item["url"],
            title=item["title"],
            body=item["body"],
            type=item["type"],
            audience=item["audience"],
        )
        for k in ks:
            doc.add_text("kommuner", k.name)
            doc.add_text("kommune", k.code)
        for region in sorted({k.region for k in ks}):
            doc.add_text("region", region)
        for topic in item["topics"]:
            doc.add_text("topic", topic)
        if item["evidence"]:
            doc.add_text("evidence", str(item["evidence"]))
        writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    return time.monotonic() - started


def ensure_index(content_dir: Path, out_dir: Path) -> tuple[Path, float, bool]:
    """The cached index of a corpus under ``out_dir`` (built when missing or stale): (dir, seconds, cached)."""
    content_dir = Path(content_dir)
    index_dir = Path(out_dir) / f"bare-tantivy-{content_dir.name}"
    stamp = {"corpus": json.loads((content_dir / "MANIFEST.json").read_text()), "version": BUILD_VERSION}
    marker = index_dir / "BUILT.json"
    if marker.exists() and json.loads(marker.read_text()).get("stamp") == stamp:
        return index_dir, json.loads(marker.read_text())["seconds"], True
    seconds = build(content_dir, index_dir)
    marker.write_text(json.dumps({"stamp": stamp, "seconds": seconds}))
    return index_dir, seconds, False


class BareSearch:
    """Search the bare index with /api/search's parameters (a dict of strings)."""

    def __init__(self, index_dir: Path | str):
        self.index = _open(Path(index_dir))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _filter_queries(self, params: dict, skip: str | None = None) -> list[tantivy.Query]:
        out = [tantivy.Query.term_query(self.schema, "audience", "public")]
        for facet, values in filter_values(params, FILTERS).items():
            if facet != skip:
                out.append(tantivy.Query.term_set_query(self.schema, facet, values))
        return out

    def _and(self, parts: list[tantivy.Query]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, p) for p in parts])

    def _text_query(self, q: str) -> tantivy.Query | None:
        """Words and phrases by the lenient parser; ``word*`` as a regex query over the term dictionary.

        (tantivy's own phrase-prefix syntax needs two words.) The prefix is lowercased, not
        stemmed: a stem begins like its word.
        """
        should = []
        for prefix in _PREFIX_RE.findall(q):
            for field in TEXT_FIELDS:
                rq = tantivy.Query.regex_query(self.schema, field, re.escape(prefix.lower()) + ".*")
                should.append(tantivy.Query.boost_query(rq, BOOSTS[field]) if field in BOOSTS else rq)
        rest = _PREFIX_RE.sub(" ", q).strip()
        if rest:
            parsed, _errors = self.index.parse_query_lenient(rest, list(TEXT_FIELDS), field_boosts=BOOSTS)
            should.append(parsed)
        if not should:
            return None
        return (
            should[0] if len(should) == 1 else tantivy.Query.boolean_query([(tantivy.Occur.Should, x) for x in should])
        )

    def search(self, params: dict) -> dict:
        q = (params.get("q") or "").strip()
        page = max(1, min(int(params.get("page") or 1), 1000))
        per_page = max(1, min(int(params.get("per_page") or 10), 100))
        text = self._text_query(q) if q else None
        musts = ([text] if text else []) + self._filter_queries(params)
        query = self._and(musts)
        result = self.searcher.search(query, limit=per_page, offset=(page - 1) * per_page, count=True)
        hits = []
        snippets = tantivy.SnippetGenerator.create(self.searcher, text, self.schema, "body") if text else None
        for score, address in result.hits:
            doc = self.searcher.doc(address)
            snippet = snippets.snippet_from_doc(doc).to_html() if snippets else doc["body"][0][:200]
            hits.append({"id": doc["id"][0], "title": doc["title"][0], "url": doc["url"][0], "score": score,
                         "snippet": snippet})  # fmt: skip
        facets = self._facets(params, text, query)
        return {"total": result.count, "hits": hits, "facets": facets}

    def _facets(self, params: dict, text, query) -> dict:
        """Terms aggregations: the unfiltered facets in one call, each filtered facet in its own."""

        def agg(names, q):
            spec = {f: {"terms": {"field": f, "size": 1000}} for f in names}
            res = self.searcher.aggregate(q, spec)
            return {f: {b["key"]: b["doc_count"] for b in res[f]["buckets"]} for f in names}

        filtered = [f for f in FACETS if (params.get(f) or "").strip()]
        out = agg([f for f in FACETS if f not in filtered], query)
        for facet in filtered:
            out.update(agg([facet], self._and(([text] if text else []) + self._filter_queries(params, skip=facet))))
        return out


# The WSGI app (gunicorn bench.bare_tantivy:app); the index opens on first use in each worker.
app = search_app(lambda: BareSearch(os.environ["BENCH_BARE_INDEX"]).search, (ValueError,))


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    from .corpus import OUT_DIR

    where, secs, cached = ensure_index(Path(sys.argv[1]), OUT_DIR)
    print(f"{where} ({'cache' if cached else f'{secs:.1f} s'})")
