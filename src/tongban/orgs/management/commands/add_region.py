"""tongban add-region CODE NAME --level province [--parent CODE]: create or rename a region."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongban.orgs.models import Region, RegionLevel
from tongban.orgs.services import upsert_region

LEVELS = {level.name.lower(): level.value for level in RegionLevel}


class Command(BaseCommand):
    help = "Create or update one administrative region (行政区划, GB/T 2260 code)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="GB/T 2260 code, e.g. 440000")
        parser.add_argument("name", help="e.g. 广东省")
        parser.add_argument("--level", choices=sorted(LEVELS), required=True)
        parser.add_argument("--parent", default="", help="code of the parent region (none for the root)")

    def handle(self, *args: Any, **options: Any) -> None:
        parent = None
        if options["parent"]:
            parent = Region.objects.filter(code=options["parent"]).first()
            if parent is None:
                raise CommandError(f"no region with code {options['parent']}")
        region = upsert_region(
            code=options["code"].strip(), name=options["name"].strip(), level=LEVELS[options["level"]], parent=parent
        )
        self.stdout.write(f"{region.code} {region.name} ({region.get_level_display()})")
