"""Which characters a text may hold, judged on decoded values.

A check on raw bytes is not enough: YAML's double-quoted escapes (``"\\0"``,
``"\\e"``, ``"\\x85"``), JSON's ``\\u0000`` and form fields all turn into control
characters only once decoded. Such characters are invisible on a page, can
rewrite a terminal that prints an error, and several of them make every XML
document that carries them malformed (a feed that lists one note breaks for
every reader). So every value is checked after decoding, by these two rules:

* multi-line text (a body, a description, a reason): no C0 control character
  except tab and new line, no DEL, no C1 control, no lone surrogate, and not
  the non-characters U+FFFE/U+FFFF (XML 1.0 forbids them);
* single-line text (a title, a tag, an organisation, a slug): all of the above
  and no tab, new line or Unicode line/paragraph separator either.
"""

from __future__ import annotations

import re

_MULTILINE_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def first_forbidden(text: str, single_line: bool = False) -> int | None:
    """The index of the first character ``text`` may not hold, or None."""
    pattern = _SINGLE_LINE_FORBIDDEN if single_line else _MULTILINE_FORBIDDEN
    match = pattern.search(text)
    return match.start() if match else None


def name(char: str) -> str:
    """A Danish name for a refused character, never the character itself
    (an error message that echoed it would carry the problem along)."""
    if char == "\x00":
        return "et NUL-tegn (U+0000)"
    if char == "\t":
        return "et tabulatortegn"
    if char in "\n\u2028\u2029":
        return "et linjeskift"
    return f"styretegnet U+{ord(char):04X}"


def problem(text: str, single_line: bool = False) -> tuple[int, str] | None:
    """(index, Danish description) of the first refused character, or None."""
    at = first_forbidden(text, single_line)
    if at is None:
        return None
    return at, f"indeholder {name(text[at])}, som ikke er tilladt"
