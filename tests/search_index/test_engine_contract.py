"""Both engines keep the contract of search_index/engine.py: the same methods
with the same parameters, for the index and for its snapshots."""

import inspect

import pytest

from search_index import IndexDocument, SearchIndex
from search_index.engine import Engine, Snapshot
from search_index.engine_tantivy import TantivyEngine
from search_index.engine_whoosh import WhooshEngine
from search_index.tantivy_snapshot import _Snapshot as TantivySnapshot
from search_index.whoosh_snapshot import _Snapshot as WhooshSnapshot

ENGINES = {"whoosh": (WhooshEngine, WhooshSnapshot), "tantivy": (TantivyEngine, TantivySnapshot)}


def _members(protocol) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(member)
        for name, member in vars(protocol).items()
        if callable(member) and not name.startswith("_") or isinstance(member, staticmethod)
    }


def _params(sig: inspect.Signature) -> list[str]:
    return [p for p in sig.parameters if p != "self"]


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("protocol,index", [(Engine, 0), (Snapshot, 1)])
def test_engine_has_every_method_of_the_contract_with_its_parameters(engine, protocol, index):
    cls = ENGINES[engine][index]
    for name, sig in _members(protocol).items():
        assert hasattr(cls, name), f"{cls.__qualname__} ({engine}) lacks {name}()"
        assert _params(inspect.signature(getattr(cls, name))) == _params(sig), (
            f"{cls.__qualname__}.{name} ({engine}) takes {_params(inspect.signature(getattr(cls, name)))}"
        )


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_an_open_index_and_its_snapshot_satisfy_the_protocols(engine, tmp_path):
    index = SearchIndex.build(
        tmp_path / "ix",
        [
            IndexDocument(
                id="practice:x",
                type="practice",
                title="Sprogpraktik",
                url="/erfaringer/x",
                body="Testindhold om sprog.",
            )
        ],
        engine=engine,
    )
    try:
        assert isinstance(index._engine, Engine)
        assert index._engine.name == engine
        assert isinstance(index._snapshot(), Snapshot)
    finally:
        index.close()
