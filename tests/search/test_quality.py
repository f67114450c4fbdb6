"""The labelled query set against the demo catalogue padded to 1,500 items (the floor we reached)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongban.search.defaults import DEFAULT_SYNONYMS
from tongban.search.demo import DEMO_CATALOGUE
from tongban.search.documents import ListSource, documents_from_records, read_jsonl
from tongban.search.engine import TantivyEngine
from tongban.search.quality import evaluate, load_queries, padded_records

QUERIES = Path(__file__).parent / "queries.jsonl"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict:
    docs = documents_from_records(padded_records(read_jsonl(DEMO_CATALOGUE), total=1500))
    engine = TantivyEngine(tmp_path_factory.mktemp("idx"), ListSource(docs), lambda: DEFAULT_SYNONYMS)
    engine.rebuild()
    return evaluate(engine, load_queries(QUERIES))


def test_query_set_is_large_and_covers_every_style() -> None:
    queries = load_queries(QUERIES)
    assert len(queries) >= 150
    styles = {q.style for q in queries}
    assert styles == {"colloquial", "short", "traditional", "pinyin", "typo", "official"}
    assert sum(q.holdout for q in queries) >= 30


def test_overall_quality_stays_above_the_level_reached(result: dict) -> None:
    overall = result["overall"]
    assert overall["recall@1"] >= 0.93
    assert overall["recall@5"] >= 0.98
    assert overall["mrr@10"] >= 0.95
    assert result["holdout"]["recall@5"] >= 0.95


@pytest.mark.parametrize("style", ["colloquial", "short", "traditional", "pinyin", "typo", "official"])
def test_every_style_stays_above_the_bar(result: dict, style: str) -> None:
    assert result[style]["recall@5"] >= 0.95
    assert result[style]["recall@1"] >= 0.85
