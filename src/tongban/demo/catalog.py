"""Demo catalogue: imports catalog/data/demo-catalogue.jsonl when it is there (idempotent: an
upsert by code, so loading it again changes nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tongban.catalog import services

DEMO_FILE = Path(services.__file__).resolve().parent / "data" / "demo-catalogue.jsonl"


def load(*, stdout: Any, path: Path = DEMO_FILE) -> None:
    if not path.is_file():
        stdout.write(f"catalogue: {path.name} not found, skipped")
        return
    with path.open("rb") as stream:
        report = services.import_catalogue(stream=stream, actor=None)
    if not report.written:
        problems = "\n".join(f"  {p}" for p in report.errors[:20])
        raise RuntimeError(f"the demo catalogue has {len(report.errors)} error(s):\n{problems}")
    stdout.write(f"catalogue: {report.summary()}")
