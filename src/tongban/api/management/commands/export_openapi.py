"""tongban export-openapi FILE: write the API contract (OpenAPI 3) for review and drift checks."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand


def schema_text() -> str:
    from tongban.api.root import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI schema of /api/v1/ to FILE (the committed copy is docs/api/openapi.json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(schema_text(), encoding="utf-8")
        self.stdout.write(f"wrote {path}")
