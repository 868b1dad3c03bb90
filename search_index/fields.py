"""The index's fields as both engines name and weigh them (engine-neutral)."""

from __future__ import annotations

#: Text fields a query is matched against, with their query-time boosts.
#: Title hits count three times a body hit, so title matches rank first.
TEXT_FIELD_BOOSTS: dict[str, float] = {
    "title": 3.0,
    "kommune_names": 2.0,
    "topics_text": 1.5,
    "body": 1.0,
}

#: The compound parts of title, body and topics (virksomhedspraktik → virksom,
#: praktik): a part finds the compound, with a weight below any text field, so
#: texts that write the word itself rank first. Matched by word clauses only.
PARTS_FIELD = "parts"
PARTS_BOOST = 0.4

#: The unstemmed vocabulary used for "did you mean" suggestions.
SPELL_FIELD = "spell"
