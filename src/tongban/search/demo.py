"""Demo loader of search (after tongban.demo.catalog): the default synonyms and a fresh index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEMO_CATALOGUE = Path(__file__).resolve().parent.parent / "catalog" / "data" / "demo-catalogue.jsonl"


def load(*, stdout: Any) -> None:
    from tongban.search import services

    added = services.seed_default_synonyms()
    count = services.rebuild_index()
    stdout.write(f"search: {count} documents indexed, {added} synonyms added")
