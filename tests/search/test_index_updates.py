from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from tests.search.conftest import import_file
from tongban.search import services
from tongban.search.tasks import update_search_index


def codes(q: str) -> list[str]:
    return [h.code for h in services.search(q, limit=5, log=False)]


def write_lines(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    return path


@pytest.mark.django_db
def test_a_changed_item_is_found_after_applying_the_change_log(catalogue: Path, tmp_path: Path) -> None:
    from tongban.demo.codes import credit_code

    line = {
        "type": "item", "code": "GA-900", "name": "电动自行车登记上牌", "aliases": ["电动车上牌"],
        "kind": "confirmation", "department": credit_code("11", "440100", 1), "region": "440100",
        "audience": ["person"], "handling": "instant", "committed_days": 0, "online_depth": 4, "max_visits": 0,
    }  # fmt: skip
    assert "GA-900" not in codes("电动车上牌")
    import_file(write_lines(tmp_path / "new.jsonl", [line]))
    assert services.apply_catalogue_changes() >= 1
    assert codes("电动车上牌")[0] == "GA-900"
    state = json.loads(next(catalogue.glob("gen-*/state.json")).read_text())
    assert state["last_change_id"] > 0
    # renamed: the old name goes, the new one is found
    import_file(write_lines(tmp_path / "renamed.jsonl", [line | {"name": "电动自行车号牌申领", "aliases": []}]))
    update_search_index.enqueue()  # the task the catalogue enqueues after commit
    assert codes("电动自行车号牌")[0] == "GA-900"
    assert services.apply_catalogue_changes() == 0


@pytest.mark.django_db
def test_search_applies_pending_changes_by_itself(catalogue: Path, tmp_path: Path) -> None:
    from tongban.demo.codes import credit_code

    engine = services.get_engine()
    engine.check_interval = 0  # the once-a-second check, without waiting a second
    line = {
        "type": "item", "code": "MZ-900", "name": "慈善组织公开募捐资格认定", "kind": "confirmation",
        "department": credit_code("11", "440100", 5), "region": "440100", "audience": ["legal_person"],
        "handling": "committed", "committed_days": 20, "statutory_days": 20, "online_depth": 3, "max_visits": 1,
    }  # fmt: skip
    import_file(write_lines(tmp_path / "one.jsonl", [line]))
    assert codes("公开募捐")[0] == "MZ-900"


@pytest.mark.django_db
def test_reindex_command_rebuilds_from_the_tables(catalogue: Path) -> None:
    call_command("reindex")
    assert len(list(catalogue.glob("gen-*"))) == 1
    assert codes("出生登记")[0] == "GA-001"


@pytest.mark.django_db
def test_an_index_of_an_older_format_is_rebuilt_when_searched(catalogue: Path) -> None:
    engine = services.get_engine()
    state_file = next(catalogue.glob("gen-*/state.json"))
    old_name = state_file.parent.name
    state = json.loads(state_file.read_text())
    del state["format"]  # as written by a release that kept payloads in tantivy's store
    state_file.write_text(json.dumps(state))
    engine._gen = None  # a process starting on that folder
    engine.ensure_fresh(force=True)
    assert codes("出生登记")[0] == "GA-001"
    assert [p.name for p in catalogue.glob("gen-*")] != [old_name]


@pytest.mark.django_db
def test_a_damaged_payload_file_costs_the_damaged_results_not_the_answer(
    catalogue: Path, caplog: pytest.LogCaptureFixture
) -> None:
    payloads = next(catalogue.glob("gen-*/payloads.bin"))
    data = bytearray(payloads.read_bytes())
    data[len(data) // 2 :] = b"\0" * (len(data) - len(data) // 2)  # the second half overwritten
    payloads.write_bytes(bytes(data))
    services.get_engine()._gen = None  # a process opening the damaged folder
    hits = [services.search(q, log=False) for q in ("出生登记", "营业执照", "社保卡", "护照", "结婚")]
    assert any(hits)  # payloads in the first half still answer
    assert "run `tongban reindex`" in caplog.text


def indexed_popularity(key: str) -> int:
    import tantivy

    from tongban.search.engine import SCHEMA

    engine = services.get_engine()
    engine.ensure_fresh(force=True)
    gen = engine._gen
    assert gen is not None
    found = gen.searcher.search(tantivy.Query.term_query(SCHEMA, "key", key), limit=1).hits
    [at] = gen.searcher.fast_field_values("at", [address for _score, address in found])
    payload = gen.payloads.read(int(at or 0))
    assert payload is not None
    return int(payload["p"])


@pytest.mark.django_db
def test_guide_views_reach_the_index_each_time_they_double(catalogue: Path) -> None:
    from tongban.catalog.models import Bundle, CatalogChange, ServiceItem
    from tongban.catalog.services import record_item_view

    item = ServiceItem.objects.get(code="GA-001")
    bundle = Bundle.objects.filter(bundle_items__item=item).first()
    assert bundle is not None  # 出生登记 is part of 新生儿出生一件事
    last = CatalogChange.objects.order_by("-id").values_list("id", flat=True).first() or 0
    views = [record_item_view(item=item) for _ in range(5)]
    assert views == [1, 2, 3, 4, 5]
    new = CatalogChange.objects.filter(id__gt=last)
    item_changes = new.filter(kind="item", code="GA-001").count()
    bundle_changes = new.filter(kind="bundle", code=bundle.code).count()
    assert (item_changes, bundle_changes) == (3, 3)  # at 1, 2 and 4 views, not at 3 or 5
    services.apply_catalogue_changes()
    assert indexed_popularity("item:GA-001") == 5  # read from the table when the change is applied
    assert indexed_popularity(f"bundle:{bundle.code}") >= 5  # a bundle counts its most used item


@pytest.mark.django_db
def test_a_word_no_document_contains_does_not_count_in_ranking(catalogue: Path) -> None:
    engine = services.get_engine()
    engine.ensure_fresh(force=True)
    gen = engine._gen
    assert gen is not None
    assert gen.idf("女朋友") == 0.0  # in no name, alias, summary or material
    assert gen.idf("出生") > 1.0
    # so it does not drown the words that matter: with or without it, the same service comes first
    assert codes("下个月女朋友领证")[0] == codes("领证")[0]
