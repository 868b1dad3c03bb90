"""Compact per-segment facet tables: no Python object per document.

At 100k documents a ``DocInfo`` object per document (a dataclass, a tuple of
six tuples, a sort-key tuple of two strings) plus the sets of document
numbers per facet value made the facet table several hundred MB per worker.
Here one segment's documents are held column-wise:

* the audience of every local document number as a small code (``array('H')``,
  0 = no live document under that number);
* per facet, the values of every document as codes in one flat array, with an
  offsets array (CSR layout: document ``d``'s values are
  ``vals[off[d]:off[d + 1]]``);
* the title sort keys packed into one UTF-8 byte string with an offsets array
  (UTF-8 bytes sort in code point order, exactly as the strings do).

Value codes come from a :class:`Vocabulary` shared by every table of one
memo, so codes agree across segments and generations.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from .collation import danish_sort_key
from .documents import FACETS, PUBLIC

__all__ = ["Vocabulary", "SegmentTable", "facet_values", "DocInfo", "doc_info", "KEY_SEPARATOR"]

#: Joins the two (UTF-8 encoded) parts of :func:`danish_sort_key` into one
#: byte string that sorts like the tuple (NUL sorts below every character).
KEY_SEPARATOR = b"\x00"


class Vocabulary:
    """Facet values and audiences <-> small integer codes (code 0 is unused:
    it marks "no document" in the audience column)."""

    def __init__(self) -> None:
        self.audiences: list[str] = [""]
        self._audience_codes: dict[str, int] = {}
        self.names: tuple[list[str], ...] = tuple([] for _ in FACETS)
        self._codes: tuple[dict[str, int], ...] = tuple({} for _ in FACETS)

    def audience_code(self, audience: str) -> int:
        code = self._audience_codes.get(audience)
        if code is None:
            code = self._audience_codes[audience] = len(self.audiences)
            self.audiences.append(audience)
        return code

    def code(self, facet: int, value: str) -> int:
        codes = self._codes[facet]
        code = codes.get(value)
        if code is None:
            code = codes[value] = len(self.names[facet])
            self.names[facet].append(value)
        return code


def facet_values(stored: dict) -> tuple[tuple[str, ...], ...]:
    """A document's facet values from its stored fields, one tuple per facet
    in FACETS order, each without repeats."""
    evidence = stored.get("evidence")
    doc_type = stored.get("type")
    return (
        (doc_type,) if doc_type else (),
        tuple(dict.fromkeys(stored.get("kommuner") or ())),
        tuple(dict.fromkeys(stored.get("regions") or ())),
        tuple(dict.fromkeys(stored.get("topics") or ())),
        (evidence,) if evidence else (),
        tuple(dict.fromkeys(stored.get("target_groups") or ())),
    )


class SegmentTable:
    """Audience, facet values and sort key of local document numbers ``0..n-1``
    of one immutable segment. Built once with :meth:`add` in increasing
    number order, then :meth:`freeze`; read with :meth:`audience`,
    :meth:`values` and :meth:`key`."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.n = 0
        self.aud = array("H")
        self.off = tuple(array("I", [0]) for _ in FACETS)
        self.vals = tuple(array("I") for _ in FACETS)
        self._key_parts: list[bytes] | None = []
        self._key_off = array("I", [0])
        self._keys = b""

    def add(self, local: int, audience: str, sort_key: tuple[str, str], values) -> None:
        """Record document ``local``; numbers skipped since the last one get no document."""
        while self.n < local:
            self._add_empty()
        vocab = self.vocab
        self.aud.append(vocab.audience_code(audience or PUBLIC))
        for i, facet_vals in enumerate(values):
            vals = self.vals[i]
            for v in facet_vals:
                vals.append(vocab.code(i, v))
            self.off[i].append(len(vals))
        key = sort_key[0].encode("utf-8") + KEY_SEPARATOR + sort_key[1].encode("utf-8")
        self._key_parts.append(key)
        self._key_off.append(self._key_off[-1] + len(key))
        self.n += 1

    def add_stored(self, local: int, stored: dict) -> None:
        self.add(
            local, stored.get("audience") or PUBLIC, danish_sort_key(stored.get("title") or ""), facet_values(stored)
        )

    def _add_empty(self) -> None:
        self.aud.append(0)
        for i in range(len(FACETS)):
            self.off[i].append(len(self.vals[i]))
        self._key_parts.append(b"")
        self._key_off.append(self._key_off[-1])
        self.n += 1

    def freeze(self, size: int | None = None) -> "SegmentTable":
        """Pad to ``size`` numbers and pack the sort keys into one byte string."""
        while size is not None and self.n < size:
            self._add_empty()
        self._keys = b"".join(self._key_parts)
        self._key_parts = None
        return self

    def audience(self, local: int) -> int:
        return self.aud[local]

    def value_codes(self, facet: int, local: int):
        off = self.off[facet]
        return self.vals[facet][off[local] : off[local + 1]]

    def key(self, local: int) -> bytes:
        return self._keys[self._key_off[local] : self._key_off[local + 1]]

    def nbytes(self) -> int:
        """Approximate memory held (for the benchmark's report)."""
        arrays = [self.aud, self._key_off, *self.off, *self.vals]
        return sum(a.itemsize * len(a) for a in arrays) + len(self._keys)


@dataclass(frozen=True)
class DocInfo:
    """One document's facet data, for engines that read it themselves
    (:meth:`FacetCache.from_info`); the Whoosh path never makes one."""

    audience: str
    sort_key: tuple[str, str]
    values: tuple[tuple[str, ...], ...]  # one tuple per facet, in FACETS order
    boost: float = 1.0  # document weight (used by engines without index-time boosts)


def doc_info(stored: dict, boost: float = 1.0) -> DocInfo:
    return DocInfo(
        audience=stored.get("audience") or PUBLIC,
        sort_key=danish_sort_key(stored.get("title") or ""),
        values=facet_values(stored),
        boost=boost,
    )
