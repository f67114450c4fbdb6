"""tongban verify-audit: walk the audit hash chain and name the first broken entry."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.core.audit import seal_pending, verify_chain


class Command(BaseCommand):
    help = "Verify the hash-chained audit log; exit 1 naming the first entry that was changed or removed."

    def handle(self, *args: Any, **options: Any) -> None:
        sealed = seal_pending()
        if sealed:
            self.stdout.write(f"sealed {sealed} pending entries")
        checked, problem = verify_chain()
        if problem is not None:
            raise CommandError(
                f"audit chain broken at entry #{problem.seq}: {problem.reason} ({checked} verified before it)"
            )
        self.stdout.write(self.style.SUCCESS(f"audit chain intact: {checked} entries verified"))
