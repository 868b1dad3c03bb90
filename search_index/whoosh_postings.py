"""Reading Whoosh posting lists fast: one file read per list, C-level decoding.

Whoosh's matcher reads a block's header with ~20 small file reads,
delta-decodes the ids in a Python generator and unpickles the whole block
-- with every posting's encoded positions, which protocol 2 pickles as one
``_codecs.encode`` call each: most of the time of a word's scoring, which
never uses them. Here a term's posting list is read with one file read, the
ids come back with ``itertools.accumulate``, and when the positions are not
wanted only the ids and weights are unpickled (:func:`ids_and_weights`).

The format is whoosh3's (``W3PostingsWriter._write_block``): a 4-byte magic,
then per block a signed length (negative for the last block), a pickled
info tuple and the (zlib-compressed) protocol-2 pickle of (ids, weights, values).
"""

from __future__ import annotations

import io
import pickle
import struct
import zlib
from itertools import accumulate

from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC
from whoosh.formats import Positions
from whoosh.reading import TermNotFound

__all__ = ["segment_blocks", "positions_decoder", "ids_and_weights"]

_BLOCK_LENGTH = struct.Struct("!i")


def positions_decoder(fmt):
    """``fmt.decode_positions`` for Whoosh's Positions format without its
    Python loop: the value is a 4-byte count and a pickled list of deltas
    (``Positions.encode``), which ``accumulate`` turns back into positions."""
    if type(fmt).decode_positions is not Positions.decode_positions:
        return fmt.decode_positions  # pragma: no cover - another encoding

    def decode(value: bytes) -> list[int]:
        return list(accumulate(pickle.loads(value[4:] if value.endswith(b".") else value[4:] + b".")))

    return decode


def segment_blocks(leaf, fieldname: str, text: str, values: bool = True):
    """(ids, weights, values) of every posting block of one term in one
    segment (local document numbers); ``values=False``: values are None."""
    try:
        tbytes = leaf.schema[fieldname].to_bytes(text)
        info = leaf._terms.term_info(fieldname, tbytes)
    except (KeyError, TermNotFound):
        return
    if info.is_inlined():
        ids, weights, inlined_values = info.inlined_postings()
        yield ids, weights, inlined_values if values else None
        return
    start, length = info.extent()
    if isinstance(length, tuple):  # whoosh-reloaded 2.7.5 decodes it as a 1-tuple (unpack without [0])
        (length,) = length
    buf = leaf._terms._postfile.get(start, length)
    if buf[:4] != WHOOSH3_HEADER_MAGIC:
        raise ValueError(f"posting list of {fieldname}:{text!r} has no block header")
    pos, end = 4, len(buf)
    while pos < end:
        (blen,) = _BLOCK_LENGTH.unpack_from(buf, pos)
        pos += 4
        block = io.BytesIO(buf[pos : pos + abs(blen)])
        count, _maxid, _maxw, compression, _mn, _mx = pickle.load(block)
        data = block.read()
        raw = zlib.decompress(data) if compression else data
        found = None if values else ids_and_weights(raw, count)
        if found is None:
            ids, weights, block_values = pickle.loads(raw)
        else:
            (ids, weights), block_values = found, None
        if weights is None or isinstance(weights, float):
            weights = [1.0 if weights is None else weights] * count
        yield list(accumulate(ids)), weights, block_values
        if blen < 0:
            return
        pos += abs(blen)


def ids_and_weights(raw: bytes, count: int) -> tuple | None:
    """(ids, weights) of a block's pickle without unpickling its values, or
    None when the pickle is not laid out as expected (then the caller
    unpickles all of it).

    Protocol 2 writes the (ids, weights, values) tuple as: PROTO 2, MARK, the
    ``count`` delta-coded ids as BININT1/BININT2/BININT opcodes, TUPLE,
    BINPUT 0, then the weights -- MARK, ``count`` BINFLOATs (9 bytes each),
    TUPLE; or NONE (all 1.0); or one BINFLOAT (all equal) -- then the values.
    The first ``TUPLE BINPUT 0`` (``b"tq\\x00"``) ends the ids: inside them those
    bytes could only be an argument followed by another id opcode, and the
    weights must follow it exactly; the result is checked against ``count``.
    """
    at = raw.find(b"tq\x00", 2)
    if at < 0:
        return None
    w = at + 3
    op = raw[w : w + 1]
    if op == b"(":
        stop = w + 1 + 9 * count
        if raw[w + 1 : stop : 9] != b"G" * count or raw[stop : stop + 1] != b"t":
            return None
        stop += 1
    elif op == b"N":
        stop = w + 1
    elif op == b"G":
        stop = w + 9
    else:
        return None
    try:
        ids, weights = pickle.loads(raw[:stop] + b"\x86.")  # TUPLE2, STOP
    except Exception:  # not the layout we expected
        return None
    if len(ids) != count or (isinstance(weights, tuple) and len(weights) != count):
        return None
    return ids, weights
