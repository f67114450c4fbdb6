"""tongban search-quality: Recall@1, Recall@5 and MRR@10 of the labelled query set, overall and per style."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.search.defaults import DEFAULT_SYNONYMS
from tongban.search.demo import DEMO_CATALOGUE
from tongban.search.documents import ListSource, documents_from_records, read_jsonl
from tongban.search.engine import TantivyEngine
from tongban.search.quality import evaluate, load_queries, padded_records


class Command(BaseCommand):
    help = "Score search quality on a catalogue padded with distractors (default: the demo catalogue, 1,500 items)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--catalogue", default=str(DEMO_CATALOGUE))
        parser.add_argument("--queries", default="tests/search/queries.jsonl")
        parser.add_argument("--pad", type=int, default=1500, help="pad the catalogue to this many items")
        parser.add_argument("--misses", action="store_true", help="list the queries not answered first")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        queries_path = Path(options["queries"])
        if not queries_path.exists():
            raise CommandError(f"query set not found: {queries_path} (run from the project root or pass --queries)")
        records = padded_records(read_jsonl(Path(options["catalogue"])), total=options["pad"])
        docs = documents_from_records(records)
        with tempfile.TemporaryDirectory() as tmp:
            engine = TantivyEngine(Path(tmp) / "index", ListSource(docs), lambda: DEFAULT_SYNONYMS)
            engine.rebuild()
            result = evaluate(engine, load_queries(queries_path))
        if options["json"]:
            self.stdout.write(json.dumps({k: v for k, v in result.items() if k != "misses"}, ensure_ascii=False))
            return
        items = sum(1 for d in docs if d.kind == "item")
        self.stdout.write(f"catalogue: {items} items, {len(docs) - items} bundles")
        self.stdout.write(f"{'group':<12} {'n':>4} {'R@1':>6} {'R@5':>6} {'MRR@10':>7}")
        for key, row in result.items():
            if key == "misses":
                continue
            self.stdout.write(
                f"{key:<12} {row['n']:>4} {row['recall@1']:>6.3f} {row['recall@5']:>6.3f} {row['mrr@10']:>7.3f}"
            )
        if options["misses"]:
            for miss in result["misses"]:
                self.stdout.write(json.dumps(miss, ensure_ascii=False))
