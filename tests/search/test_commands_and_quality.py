"""`tongban reindex`, `tongban search-quality --here`, the quality helpers and the demo loader of search."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.factories import ServiceItemFactory
from tongban.search import services
from tongban.search.documents import read_jsonl
from tongban.search.quality import (
    CONFUSERS,
    Query,
    evaluate,
    load_queries,
    padded_records,
    strip_aliases,
    write_jsonl,
)


@pytest.mark.django_db
def test_reindex_builds_the_index_from_the_tables(index_dir: Path) -> None:
    ServiceItemFactory(name="普通护照签发")
    out = StringIO()
    call_command("reindex", stdout=out)
    assert out.getvalue().startswith("indexed 1 documents in ")
    assert (index_dir / "CURRENT").exists()
    assert [h.name for h in services.search("护照", log=False)] == ["普通护照签发"]


@pytest.mark.django_db
def test_reindex_changes_applies_only_the_change_log(index_dir: Path) -> None:
    ServiceItemFactory(name="普通护照签发")
    call_command("reindex", stdout=StringIO())
    generation = (index_dir / "CURRENT").read_text()
    ServiceItemFactory(name="港澳通行证签注")
    out = StringIO()
    call_command("reindex", "--changes", stdout=out)
    assert out.getvalue().startswith("applied ")
    assert (index_dir / "CURRENT").read_text() == generation  # not rebuilt
    services._engine = None
    assert [h.name for h in services.search("通行证签注", log=False)][:1] == ["港澳通行证签注"]


@pytest.mark.django_db
def test_search_quality_here_scores_the_current_index(index_dir: Path, tmp_path: Path) -> None:
    passport = ServiceItemFactory(name="普通护照签发", aliases=["办护照"])
    birth = ServiceItemFactory(name="出生登记")
    services.rebuild_index()
    queries = tmp_path / "q.jsonl"
    lines = [
        {"q": "办护照", "style": "colloquial", "expected": [passport.code]},
        {"q": "出生登记", "style": "official", "expected": [birth.code], "holdout": True},
        {"q": "魑魅魍魉", "style": "typo", "expected": [birth.code]},
    ]
    queries.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("search_quality", "--here", "--json", "--misses", "--queries", str(queries), stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    assert result["overall"] == {"n": 3, "recall@1": 0.667, "recall@5": 0.667, "mrr@10": 0.667}
    assert result["holdout"]["recall@1"] == 1.0 and result["tuned"]["n"] == 2
    assert [m["q"] for m in result["misses"]] == ["魑魅魍魉"]
    out = StringIO()
    call_command("search_quality", "--here", "--json", "--queries", str(queries), stdout=out)
    assert "misses" not in json.loads(out.getvalue())


def test_search_quality_needs_its_query_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="query set not found"):
        call_command("search_quality", "--here", "--queries", str(tmp_path / "none.jsonl"), stdout=StringIO())


def test_evaluate_scores_recall_and_reciprocal_rank_per_style() -> None:
    answers = {"a": ["X", "A"], "b": ["B"], "c": ["Q", "R", "S", "T", "U", "C"], "d": []}
    queries = [
        Query("a", "short", ["A"]),
        Query("b", "short", ["B"], holdout=True),
        Query("c", "typo", ["C"]),
        Query("d", "typo", ["D"]),
    ]
    result = evaluate(lambda q: answers[q], queries)
    assert result["overall"] == {"n": 4, "recall@1": 0.25, "recall@5": 0.5, "mrr@10": round((0.5 + 1 + 1 / 6) / 4, 3)}
    assert result["short"]["recall@5"] == 1.0 and result["typo"]["recall@5"] == 0.0
    assert result["holdout"]["n"] == 1 and result["tuned"]["n"] == 3
    misses = {m["q"]: m for m in result["misses"]}
    assert set(misses) == {"a", "c", "d"}
    assert misses["a"]["rank"] == 2 and misses["d"]["rank"] == 0 and misses["c"]["got"] == ["Q", "R", "S"]


def test_padding_adds_realistic_distractors_deterministically() -> None:
    records: list[dict[str, Any]] = [
        {"type": "department", "code": "D1"},
        {"type": "theme", "code": "t1"},
        {"type": "item", "code": "I1", "name": "出生登记"},
    ]
    padded = padded_records(records, total=120, seed=3)
    items = [r for r in padded if r.get("type") == "item"]
    assert len(items) == 120
    assert padded[:3] == records
    names = [r["name"] for r in items]
    assert len(set(names)) == len(names)  # no name twice
    assert set(CONFUSERS) <= set(names)  # the confusing real names come first
    assert all(r["department"] == "D1" and r["code"].startswith("PAD-") for r in items[1:])
    assert padded_records(records, total=120, seed=3) == padded
    assert padded_records(records, total=1) == records  # already large enough


def test_stripping_aliases_leaves_the_official_text() -> None:
    records = [{"type": "item", "code": "A", "aliases": ["x"]}, {"type": "bundle", "aliases": ["y"]}, {"type": "theme"}]
    stripped = strip_aliases(records)
    assert [r.get("aliases") for r in stripped] == [[], [], None]
    assert records[0]["aliases"] == ["x"]  # the input is not changed


def test_query_files_and_catalogue_files_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "queries.jsonl"
    path.write_text('{"q": "护照", "style": "short", "expected": ["A"]}\n\n', encoding="utf-8")
    assert load_queries(path) == [Query("护照", "short", ["A"], False)]
    records = [{"type": "item", "code": "护照"}]
    write_jsonl(records, tmp_path / "c.jsonl")
    assert read_jsonl(tmp_path / "c.jsonl") == records


def test_the_shipped_query_sets_are_well_formed() -> None:
    here = Path(__file__).parent
    for name in ("queries.jsonl", "queries-independent.jsonl"):
        queries = load_queries(here / name)
        assert queries and all(q.q.strip() and q.expected for q in queries)
        assert {q.style for q in queries} <= {"colloquial", "short", "traditional", "pinyin", "typo", "official"}


@pytest.mark.django_db
def test_the_demo_loader_seeds_synonyms_and_indexes(index_dir: Path) -> None:
    from tongban.search import demo
    from tongban.search.models import SearchSynonym

    SearchSynonym.objects.all().delete()
    ServiceItemFactory(name="普通护照签发")
    out = StringIO()
    demo.load(stdout=out)
    assert out.getvalue() == f"search: 1 documents indexed, {SearchSynonym.objects.count()} synonyms added"
    assert SearchSynonym.objects.count() > 100
    assert demo.DEMO_CATALOGUE.exists()
