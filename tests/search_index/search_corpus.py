"""A small, realistic Danish corpus and index fixtures for the search_index
tests (no Flask).

Deliberately not a ``conftest.py``: the portal's tests import their own
top-level ``conftest`` by name, and a second module called ``conftest`` would
shadow it.  Test modules import the fixtures they use from here.
"""

from __future__ import annotations

import os

import pytest

from search_index import IndexDocument, SearchIndex
from search_index.index import ENGINE_ENV, ENGINES

PUBLIC_DOCS = [
    IndexDocument(
        id="practice:tidlig-virksomhedsrettet-indsats-for-flygtninge",
        type="practice",
        title="Tidlig, virksomhedsrettet indsats for flygtninge",
        url="/erfaringer/tidlig-virksomhedsrettet-indsats-for-flygtninge",
        body=(
            "Københavns Kommune har afprøvet en tidlig og virksomhedsrettet indsats, "
            "hvor flygtningene allerede i de første måneder kommer i praktik og "
            "løntilskud på rigtige arbejdspladser. Jobkonsulenter følger borgeren tæt, "
            "og praktik kombineres med danskundervisning."
        ),
        kommuner=["101"],
        kommune_names=["København"],
        regions=["Hovedstaden"],
        topics=["beskæftigelse", "flygtninge"],
        evidence="effekt",
        date="2019",
    ),
    IndexDocument(
        id="practice:samarbejdsaftaler-civilsamfund",
        type="practice",
        title=(
            "Indgåelse af konkrete samarbejdsaftaler med centrale civilsamfundsaktører, "
            "der formidler frivillige tilbud til nyankomne flygtninge"
        ),
        url="/erfaringer/samarbejdsaftaler-civilsamfund",
        body=(
            "Kommunen indgår aftaler med foreninger som Dansk Flygtningehjælp og Røde Kors, "
            "så nyankomne flygtninge får en frivillig ven, lektiehjælp og adgang til foreningslivet."
        ),
        kommuner=["101"],
        kommune_names=["København"],
        regions=["Hovedstaden"],
        topics=["civilsamfund", "flygtninge"],
        evidence="delvis-effekt",
        date="2018",
    ),
    IndexDocument(
        id="practice:perspektiv",
        type="practice",
        title="Perspektiv – projekt for ægtefælleforsørgede",
        url="/erfaringer/perspektiv",
        body=(
            "Projektet hjælper ægtefælleforsørgede kvinder tættere på arbejdsmarkedet "
            "gennem vejledning, sprogtræning og netværk. Kvinderne mødes i små hold."
        ),
        kommuner=["101"],
        kommune_names=["København"],
        regions=["Hovedstaden"],
        topics=["beskæftigelse", "familiesammenførte"],
        evidence="ikke-evalueret",
        date="2020",
    ),
    IndexDocument(
        id="practice:praktik-i-private-virksomheder",
        type="practice",
        title="Praktik i private virksomheder",
        url="/erfaringer/praktik-i-private-virksomheder",
        body="Borgere afprøver faget hos en lokal arbejdsgiver med en fast kontaktperson.",
        kommuner=["169"],
        kommune_names=["Høje-Taastrup"],
        regions=["Hovedstaden"],
        topics=["beskæftigelse"],
        evidence="ingen-effekt",
        date="2021",
    ),
    IndexDocument(
        id="practice:mentorordning-unge",
        type="practice",
        title="Mentorordning for unge nydanskere",
        url="/erfaringer/mentorordning-unge",
        body=(
            "Frivillige mentorer hjælper unge med uddannelsesvalg. Indsatsen er udviklet "
            "af en kommune i samarbejde med lokale foreninger."
        ),
        kommuner=["751"],
        kommune_names=["Aarhus"],
        regions=["Midtjylland"],
        topics=["uddannelse"],
        evidence=None,
        date="2017",
    ),
    IndexDocument(
        id="practice:sprogcafe",
        type="practice",
        title="Sprogcafé for nyankomne",
        url="/erfaringer/sprogcafe",
        body="En ugentlig café, hvor <frivillige> & nyankomne øver dansk over en kop kaffe.",
        kommuner=["530"],
        kommune_names=["Billund"],
        regions=["Syddanmark"],
        topics=["sprog"],
        evidence="ikke-evalueret",
    ),
    IndexDocument(
        id="kommune:530",
        type="kommune",
        title="Billund Kommune",
        url="/kommuner/530",
        body="Kommunen blev dannet i 2007 af Billund og Grindsted kommuner.",
        kommuner=["530"],
        kommune_names=["Billund", "Grindsted"],
        regions=["Syddanmark"],
    ),
    IndexDocument(
        id="kommune:751",
        type="kommune",
        title="Aarhus Kommune",
        url="/kommuner/751",
        body="Danmarks næststørste kommune.",
        kommuner=["751"],
        kommune_names=["Aarhus", "Århus"],
        regions=["Midtjylland"],
    ),
    IndexDocument(
        id="kommune:169",
        type="kommune",
        title="Høje-Taastrup Kommune",
        url="/kommuner/169",
        body="Kommune på Vestegnen.",
        kommuner=["169"],
        kommune_names=["Høje-Taastrup"],
        regions=["Hovedstaden"],
    ),
    IndexDocument(
        id="ranking:beskaeftigelse-2023",
        type="ranking",
        title="Rangliste: beskæftigelse blandt flygtninge 2023",
        url="/ranglister/beskaeftigelse-2023",
        body="Andelen af flygtninge og familiesammenførte i job, opgjort for kommunerne.",
        topics=["beskæftigelse", "flygtninge"],
        date="2023",
    ),
    IndexDocument(
        id="network:vestegn",
        type="network",
        title="Netværk for integration på Vestegnen",
        url="/netvaerk/vestegn",
        body="Et netværk af medarbejdere fra kommunerne på Vestegnen.",
        kommuner=["169"],
        regions=["Hovedstaden"],
        topics=["netværk"],
    ),
]

NETWORK_NOTE = IndexDocument(
    id="note:vestegn-referat",
    type="note",
    title="Referat: flygtninge og boligsocial indsats",
    url="/netvaerk/vestegn/noter/referat",
    body=("Fortroligt referat. Vestegnssamarbejdet drøftede Integrationsbarometeret og boligplacering af flygtninge."),
    kommuner=["101"],
    regions=["Hovedstaden"],
    topics=["flygtninge", "bolig"],
    evidence="effekt",
    audience="network:vestegn",
)

ALL_DOCS = [*PUBLIC_DOCS, NETWORK_NOTE]
TEXTS = {d.id: d.body for d in ALL_DOCS}
NETWORK_AUDIENCES = frozenset({"public", "network:vestegn"})


def text_source(doc_id: str) -> str | None:
    return TEXTS.get(doc_id)


@pytest.fixture(scope="session", params=ENGINES)
def engine(request):
    """Every test module that imports this runs once per engine: the
    fixture sets ``PORTAL_SEARCH_ENGINE``, so every ``SearchIndex.build``
    in the test (also the ones written without an engine) uses it."""
    old = os.environ.get(ENGINE_ENV)
    os.environ[ENGINE_ENV] = request.param
    yield request.param
    if old is None:
        os.environ.pop(ENGINE_ENV, None)
    else:
        os.environ[ENGINE_ENV] = old


@pytest.fixture(autouse=True)
def _engine_env(engine, monkeypatch):
    # Session fixtures of the other engine may have run in between: set the
    # variable again for each test (restored afterwards).
    monkeypatch.setenv(ENGINE_ENV, engine)


@pytest.fixture(scope="session")
def shared_index(engine, tmp_path_factory):
    """A read-only index (one per engine) shared by tests that do not write."""
    path = tmp_path_factory.mktemp(f"shared-{engine}") / "ix"
    idx = SearchIndex.build(path, ALL_DOCS, engine=engine)
    idx.close()
    idx = SearchIndex(path, text_source=text_source)
    assert idx.engine == engine
    yield idx
    idx.close()


@pytest.fixture
def fresh_index(engine, tmp_path):
    """A private index for tests that write."""
    idx = SearchIndex.build(tmp_path / "ix", ALL_DOCS, text_source=text_source, engine=engine)
    assert idx.engine == engine
    yield idx
    idx.close()
