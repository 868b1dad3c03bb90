"""An index built by an older version of the tantivy schema is refused with
what to do, instead of failing every search with an engine error."""

import json

import pytest
import tantivy

from search_index import IndexUnavailable, SearchIndex
from search_index.index import ENGINE_FILE


def test_an_index_of_the_older_schema_asks_for_an_ingest(tmp_path):
    path = tmp_path / "ix"
    path.mkdir()
    sb = tantivy.SchemaBuilder()  # schema 2 had no facet, title-key or boost fields
    sb.add_text_field("id", stored=True, tokenizer_name="raw")
    sb.add_bytes_field("data", stored=True)
    index = tantivy.Index(sb.build(), path=str(path))
    writer = index.writer(15_000_000, 1)
    doc = tantivy.Document()
    doc.add_text("id", "practice:x")
    writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()
    (path / ENGINE_FILE).write_text(json.dumps({"engine": "tantivy", "format": 1}))
    with pytest.raises(IndexUnavailable, match="ældre version.*kør ingest igen"):
        SearchIndex(path)
