"""Danish alphabetical order: the one sort key of the whole portal.

Listings (SQL ``title_sort``), templates, kommune lists and search hits all sort
with :func:`danish_sort_key`, so Müller and Mylius, Aabenraa and Aalborg stand in
the same order everywhere. It lives in ``search_index`` (which must not import
the portal) and the portal imports it from here.
"""

from __future__ import annotations

import re
import unicodedata

# After z, in the order æ, ø, å: "{", "|", "}" follow "z" in byte order, so the
# key's first part also sorts right as plain bytes in SQLite. ä/ö sort as æ/ø and
# ü as y, as in Danish dictionaries (Retskrivningsordbogen).
_SORT_MAP = str.maketrans({"æ": "{", "ø": "|", "å": "}", "ä": "{", "ö": "|", "ü": "y"})
_SPACES = re.compile(r"[\s\-]+")


def danish_sort_key(text: str) -> tuple[str, str]:
    """Sort key for Danish alphabetical order, case-insensitive.

    Danish letters come after z in the order æ, ø, å, and the old spelling
    "aa" is sorted as "å" (Aabenraa, Aalborg and Aarhus come last; Faaborg
    sorts as Fåborg). Other accents are ignored (é as e). Hyphens and runs of
    spaces count as one space, so "Høje-Taastrup" and "Høje Taastrup" sort
    together. The original text is the tie-breaker so the order is total.

        >>> sorted(["Århus", "Aarhus", "Billund", "Ølstykke", "Ærø"], key=danish_sort_key)
        ['Billund', 'Ærø', 'Ølstykke', 'Aarhus', 'Århus']
    """
    t = unicodedata.normalize("NFC", text).casefold().replace("aa", "å")
    t = t.translate(_SORT_MAP)
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = _SPACES.sub(" ", t).strip()
    return (t, text)
