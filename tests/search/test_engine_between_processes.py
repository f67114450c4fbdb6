"""One index folder, several app-server processes: who applies the change log, who only reloads."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import tantivy

from tongban.search.documents import Change, SearchDocument
from tongban.search.engine import SCHEMA, TantivyEngine


def doc(code: str, name: str) -> SearchDocument:
    return SearchDocument(kind="item", code=code, name=name, audience=["person"], online_depth=4, region="440100")


class Catalogue:
    """The database both processes read: documents and the change log."""

    def __init__(self, *docs: SearchDocument) -> None:
        self.docs = {d.key: d for d in docs}
        self.log: list[Change] = []

    def put(self, document: SearchDocument) -> None:
        self.docs[document.key] = document
        self.log.append(Change(id=len(self.log) + 1, kind=document.kind, code=document.code, deleted=False))

    def count(self) -> int:
        return len(self.docs)

    def all_documents(self) -> Iterator[SearchDocument]:
        return iter(list(self.docs.values()))

    def documents(self, kind: str, codes: Iterable[str]) -> list[SearchDocument]:
        return [self.docs[f"{kind}:{c}"] for c in codes if f"{kind}:{c}" in self.docs]

    def latest_change_id(self) -> int:
        return self.log[-1].id if self.log else 0

    def changes_after(self, change_id: int, limit: int = 5000) -> list[Change]:
        return [c for c in self.log if c.id > change_id][:limit]


@pytest.fixture
def shared(tmp_path: Path) -> tuple[Catalogue, TantivyEngine, TantivyEngine]:
    catalogue = Catalogue(doc("A", "护照签发"))
    first = TantivyEngine(tmp_path / "idx", catalogue, dict, check_interval=0.0)
    first.rebuild()
    second = TantivyEngine(tmp_path / "idx", catalogue, dict, check_interval=0.0)
    return catalogue, first, second


def names(engine: TantivyEngine, q: str) -> list[str]:
    return [h.name for h in engine.search(q)]


def test_a_second_process_opens_the_index_the_first_built(
    shared: tuple[Catalogue, TantivyEngine, TantivyEngine],
) -> None:
    _catalogue, _first, second = shared
    assert names(second, "护照") == ["护照签发"]


def test_changes_one_process_applied_are_seen_by_the_other(
    shared: tuple[Catalogue, TantivyEngine, TantivyEngine],
) -> None:
    catalogue, first, second = shared
    assert names(second, "护照") == ["护照签发"]  # the second process has the index open
    catalogue.put(doc("B", "港澳通行证签注"))
    assert first.apply_changes() == 1
    assert second.apply_changes() == 0  # nothing left to apply: it reloads
    assert names(second, "通行证签注") == ["港澳通行证签注"]


def test_while_another_process_holds_the_writer_the_changes_wait_for_it(
    shared: tuple[Catalogue, TantivyEngine, TantivyEngine],
) -> None:
    catalogue, first, _second = shared
    generation = first.root / (first.root / "CURRENT").read_text()
    holder = tantivy.Index(SCHEMA, path=str(generation), reuse=True)
    writer = holder.writer(heap_size=15_000_000, num_threads=1)
    catalogue.put(doc("C", "台湾居民来往大陆通行证签发"))
    assert first.apply_changes() == 0  # the holder applies them, not this process
    state = json.loads((generation / "state.json").read_text())
    assert state["last_change_id"] == 0
    writer.rollback()
    del writer
    del holder
    import gc

    gc.collect()
    assert first.apply_changes() == 1
    assert names(first, "台湾居民") == ["台湾居民来往大陆通行证签发"]


def test_the_change_log_is_checked_at_most_once_an_interval(tmp_path: Path) -> None:
    catalogue = Catalogue(doc("A", "护照签发"))
    engine = TantivyEngine(tmp_path / "idx", catalogue, dict, check_interval=3600.0)
    engine.rebuild()
    engine.ensure_fresh(force=True)
    catalogue.put(doc("B", "港澳通行证签注"))
    assert names(engine, "通行证签注") == []  # checked a moment ago: not yet
    engine.ensure_fresh(force=True)
    assert names(engine, "通行证签注") == ["港澳通行证签注"]


def test_a_rebuild_in_one_process_is_picked_up_by_the_other(
    shared: tuple[Catalogue, TantivyEngine, TantivyEngine],
) -> None:
    catalogue, first, second = shared
    assert names(second, "护照") == ["护照签发"]
    catalogue.docs["item:A"] = doc("A", "普通护照签发")  # changed without a log entry: only a rebuild shows it
    first.rebuild()
    assert names(second, "护照") == ["普通护照签发"]
