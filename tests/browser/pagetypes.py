"""Every page type of the portal, as the browser and the HTML checker visit it.

``role`` is who looks at it (see conftest.USERS); ``path`` may name the pending
submission as ``{sid}``; ``form`` makes it the answer to a POST of that form (the page
is first loaded with GET, then the form is filled in and sent, as a user would).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# A practice submitted without evidence and with a bad end year: two errors.
BAD_PRACTICE = {
    "title": "Mentorordning for unge flygtninge",
    "topics": "mentor, unge",
    "end": "20x9",
    "body": "Mentorer hjælper unge flygtninge i job.",
}


@dataclass(frozen=True)
class PageType:
    name: str
    path: str
    role: str = "anonymous"
    status: int = 200
    form: dict = field(default_factory=dict)
    submit: str = ""  # the accessible name of the button that sends ``form``

    def url(self, sid: str, rev: str = "") -> str:
        """``rev``: the first version of the shipped content in its history (conftest.site)."""
        return self.path.format(sid=sid, rev=rev)


PAGE_TYPES = [
    PageType("front", "/"),
    PageType("search-results", "/soeg?q=flygtningene"),
    PageType("search-no-results", "/soeg?q=zxqvbnmkrtl"),
    PageType("search-with-synonyms", "/soeg?q=sprogskole"),
    PageType("search-corrected", "/soeg?q=mentorordnig"),
    PageType("search-browse-page-2", "/soeg?type=kommune&page=2"),
    PageType("practice", "/erfaringer/bydelsmoedrene"),
    PageType("note", "/notater/2006-09-08-benchmarking-af-integrationsindsatsen"),
    PageType("network", "/netvaerk/vestegnen"),
    PageType("networks", "/netvaerk"),
    PageType("kommune", "/kommuner/billund"),
    PageType("kommune-bottom", "/kommuner/broendby"),  # lower half: against the country, "Lær af de hurtigste"
    PageType("kommune-not-found", "/kommuner/Brondbyy", status=404),  # suggests the nearest names
    PageType("kommuner", "/kommuner"),
    PageType("ranking", "/rangeringer/akf-selvforsoergelse-1999-2005"),
    PageType("rankings", "/rangeringer"),
    PageType("indicators", "/indikatorer"),
    PageType("evidence-map", "/evidenskort"),
    PageType("evaluation-debt", "/evalueringsgaeld"),
    PageType("evaluation", "/evalueringer/akf-effektmaaling-selvforsoergelse-1999-2005"),
    PageType("accessibility-statement", "/was"),
    PageType("login", "/log-ind"),
    PageType("submit-empty", "/indsend", role="contributor"),
    PageType(
        "submit-errors", "/indsend", role="contributor", status=422, form=BAD_PRACTICE, submit="Send til redaktionen"
    ),
    PageType("submit-update", "/indsend?slug=bydelsmoedrene", role="contributor"),  # carries based_on
    PageType("my-submissions", "/mine-indsendelser", role="contributor"),
    PageType("submit-evaluation", "/indsend/evaluering", role="contributor"),
    PageType("submission", "/indsendelser/{sid}", role="contributor"),
    PageType("moderation-queue", "/redaktion/", role="editor"),
    PageType("moderation-review", "/redaktion/{sid}", role="editor"),
    PageType("note-form", "/netvaerk/vestegnen/nyt-notat", role="member"),
    PageType("network-member", "/netvaerk/vestegnen", role="member"),  # with the follow toggle
    # a note's life cycle, as an editor (the shipped note has no author in the portal)
    PageType("note-editor", "/notater/2006-09-08-benchmarking-af-integrationsindsatsen", role="editor"),
    PageType("note-edit", "/notater/2006-09-08-benchmarking-af-integrationsindsatsen/rediger", role="editor"),
    PageType("note-withdraw", "/notater/2006-09-08-benchmarking-af-integrationsindsatsen/traek-tilbage", role="editor"),
    PageType("versions", "/erfaringer/bydelsmoedrene/versioner"),
    PageType("version", "/erfaringer/bydelsmoedrene/versioner/{rev}"),
    PageType("review-due", "/redaktion/gennemgang", role="editor"),
    PageType("not-found", "/findes-ikke", status=404),
]

IDS = [p.name for p in PAGE_TYPES]
