"""tongban demo: load the demo data (idempotent) and print the demo accounts."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tongban.demo import load_all, print_accounts


class Command(BaseCommand):
    help = "Load demo regions, departments, people, staff and catalogue; print how to log in."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo data is only loaded in demo mode: set TONGBAN_DEMO=true (`make demo` does)")
        load_all(stdout=self.stdout)
        print_accounts(stdout=self.stdout)
