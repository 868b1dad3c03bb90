"""Attachments: PDF files kept beside the records that cite them. Flask-free.

An attachment is a content file like any other (``content/`` is the source of
truth, so it is in every backup), stored in its kind's attachment folder and
named by the SHA-256 of its bytes (``evalueringer/filer/<sha256>.pdf``): the
name cannot collide, cannot carry a path or a script, says nothing about who
sent it, and a changed file is a new name, so a record always points at
exactly the bytes it was approved with.

Every check a PDF must pass lives here, used by the ingest (through the
evaluation validator) and by anything that stores a new file:

- size: at most :data:`MAX_ATTACHMENT_BYTES` (20 MB);
- magic bytes: the file begins with ``%PDF-`` — an HTML page renamed to
  ``.pdf`` is refused, whatever its name or claimed type;
- the name is the hash of the bytes (nothing edited the file afterwards);
- :mod:`pypdf` can open it, it is not encrypted, and its text can be read.

The text of each page is extracted with pypdf (pure Python, well kept; no
external program to install or sandbox) so the report is searchable.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"
#: An attachment's name in its folder: the hash of its bytes.
NAME_RE = re.compile(r"^[0-9a-f]{64}\.pdf$")
#: Bounds on what one PDF adds to the derived database and the index.
MAX_PAGES = 2_000
MAX_TEXT_CHARS = 2_000_000

# Control characters (all but newline) would end up in the database, the index
# and the snippets; the search layer also uses two of them as section markers.
_CONTROL_RE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]+")
_BLANK_LINES_RE = re.compile(r"\n\s*\n\s*")

# pypdf reports recoverable oddities of real-world PDFs through logging; the
# ingest's output is for the editor, not for pypdf's diagnostics.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class AttachmentError(ValueError):
    """A file that cannot be an attachment; ``str()`` is a Danish message for the editor."""


@dataclass(frozen=True)
class PdfText:
    sha256: str
    size: int
    pages: list[str]  #: the text of each page, in order (page 1 first)


def sha256_name(data: bytes) -> str:
    """The file name an attachment is stored under."""
    return hashlib.sha256(data).hexdigest() + ".pdf"


def check_pdf_bytes(data: bytes) -> None:
    """Size and magic bytes: the cheap checks, before anything parses the file."""
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            f"PDF-filen er for stor ({len(data) / 1_048_576:.1f} MB; højst {MAX_ATTACHMENT_BYTES // 1_048_576} MB)"
        )
    if not data:
        raise AttachmentError("filen er tom")
    if not data.startswith(PDF_MAGIC):
        raise AttachmentError("filen er ikke en PDF (den begynder ikke med '%PDF-')")


# Extracting text is the slow part (pypdf is pure Python); the result depends on
# the bytes alone, so it is kept per process by their hash (each ingest of an
# unchanged report, each test that builds the same content, pays once).
_CACHE: dict[str, PdfText] = {}
_CACHE_MAX = 64


def pdf_text(data: bytes) -> PdfText:
    """Check a PDF's bytes and extract the text of its pages; AttachmentError if it cannot be used."""
    check_pdf_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    if digest in _CACHE:
        return _CACHE[digest]
    result = _extract(data, digest)
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[digest] = result
    return result


def _extract(data: bytes, digest: str) -> PdfText:
    from pypdf import PdfReader  # imported here: only ingests of PDFs pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pypdf warns about recoverable damage; we judge the result
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise AttachmentError(
                    "PDF-filen er krypteret (beskyttet med adgangskode); gem den uden kryptering og prøv igen"
                )
            if len(reader.pages) > MAX_PAGES:
                raise AttachmentError(f"PDF-filen har for mange sider ({len(reader.pages)}; højst {MAX_PAGES})")
            pages, total = [], 0
            for page in reader.pages:
                text = _clean(page.extract_text() or "")
                total += len(text)
                if total > MAX_TEXT_CHARS:
                    raise AttachmentError(f"PDF-filen har for meget tekst (højst {MAX_TEXT_CHARS:,} tegn)")
                pages.append(text)
        except AttachmentError:
            raise
        except Exception as exc:  # pypdf raises many types for a damaged file; none may stop an ingest
            raise AttachmentError(
                f"PDF-filen er beskadiget og kan ikke læses ({type(exc).__name__}: {str(exc)[:200]})"
            ) from None
    if not pages:
        raise AttachmentError("PDF-filen har ingen sider")
    return PdfText(sha256=digest, size=len(data), pages=pages)


def read_attachment(path: Path) -> PdfText:
    """Read and check a stored attachment, including that its name is its hash."""
    try:
        size = path.stat().st_size
    except OSError:
        raise AttachmentError("filen findes ikke") from None
    if size > MAX_ATTACHMENT_BYTES:  # refused before reading 20+ MB into memory
        raise AttachmentError(
            f"PDF-filen er for stor ({size / 1_048_576:.1f} MB; højst {MAX_ATTACHMENT_BYTES // 1_048_576} MB)"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise AttachmentError(f"filen kan ikke læses: {exc.strerror}") from None
    if sha256_name(data) != path.name:
        raise AttachmentError(
            f"filnavnet skal være filens SHA-256 ({sha256_name(data)}); "
            "filen er ændret, eller navnet er skrevet forkert"
        )
    return pdf_text(data)


def _clean(text: str) -> str:
    text = _CONTROL_RE.sub(" ", text)
    return _BLANK_LINES_RE.sub("\n\n", text).strip()


def store_attachment(folder: Path, data: bytes) -> str:
    """Check a PDF and put it in ``folder`` under its hash (atomically: a reader sees
    the whole file or none). Returns the file name; storing the same bytes twice is a no-op."""
    pdf_text(data)
    name = sha256_name(data)
    target = folder / name
    if target.is_file() and target.stat().st_size == len(data):
        return name
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / f".{name}.{secrets.token_hex(4)}.tmp"  # two writers of the same file never share one
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    return name
