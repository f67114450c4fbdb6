"""tongban search-quality: Recall@1, Recall@5 and MRR@10 of the labelled query set, overall and per style.

Scored through the production path: the catalogue (default: the demo catalogue) padded with distractors
to 1,500 items is imported with the real importer into a scratch data folder, indexed as `tongban
reindex` does, and queried through GET /api/v1/catalog/search. A second run with every alias removed
shows how much of the quality rests on hand-written everyday names (robustness).

`--here` scores the database and index of the current data folder as they are (used by the runs above).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.search.demo import DEMO_CATALOGUE
from tongban.search.documents import read_jsonl
from tongban.search.quality import api_search, evaluate, load_queries, padded_records, production_run, strip_aliases

GROUPS = ("overall", "tuned", "holdout", "colloquial", "short", "traditional", "pinyin", "typo", "official")


class Command(BaseCommand):
    help = "Score search quality through import + reindex + the search API on a padded catalogue (1,500 items)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--catalogue", default=str(DEMO_CATALOGUE))
        parser.add_argument("--queries", default="tests/search/queries.jsonl")
        parser.add_argument("--pad", type=int, default=1500, help="pad the catalogue to this many items")
        parser.add_argument("--no-stripped", action="store_true", help="skip the run with aliases removed")
        parser.add_argument("--misses", action="store_true", help="list the queries not answered first")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--here", action="store_true", help="score the current database and index, as they are")

    def handle(self, *args: Any, **options: Any) -> None:
        queries_path = Path(options["queries"])
        if not queries_path.exists():
            raise CommandError(f"query set not found: {queries_path} (run from the project root or pass --queries)")
        if options["here"]:
            result = evaluate(api_search(limit=10), load_queries(queries_path))
            if not options["misses"]:
                result.pop("misses")
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        records = padded_records(read_jsonl(Path(options["catalogue"])), total=options["pad"])
        items = sum(1 for r in records if r.get("type") == "item")
        bundles = sum(1 for r in records if r.get("type") == "bundle")
        runs = {"production": production_run(records, queries_path)}
        if not options["no_stripped"]:
            runs["aliases_stripped"] = production_run(strip_aliases(records), queries_path)
        if options["json"]:
            out = {name: {k: v for k, v in result.items() if k != "misses"} for name, result in runs.items()}
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        self.stdout.write(
            f"catalogue: {items} items, {bundles} bundles; imported (popularity 0), reindexed, queried via the API"
        )
        for name, result in runs.items():
            title = "production path" if name == "production" else "robustness: every alias removed"
            self.stdout.write(f"\n{title}")
            self.stdout.write(f"{'group':<12} {'n':>4} {'R@1':>6} {'R@5':>6} {'MRR@10':>7}")
            for key in [g for g in GROUPS if g in result] + [k for k in result if k not in GROUPS and k != "misses"]:
                row = result[key]
                self.stdout.write(
                    f"{key:<12} {row['n']:>4} {row['recall@1']:>6.3f} {row['recall@5']:>6.3f} {row['mrr@10']:>7.3f}"
                )
            if options["misses"]:
                for miss in result["misses"]:
                    self.stdout.write(json.dumps(miss, ensure_ascii=False))
