"""tongban restore: bring a backup archive back into an empty database and files folder, and check it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tongban.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a `tongban backup` archive into an empty database and files folder: every member is checked "
        "against the manifest first, then rows and files are compared with the backup's. Set the backed-up "
        "TONGBAN_PERSONAL_DATA_KEY (and TONGBAN_SECRET_KEY) first."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("source", help="the archive written by `tongban backup`")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Path(options["source"])
        if not source.is_file():
            raise CommandError(f"{source} is not a file")
        try:
            report = restore_backup(source=source)
        except BackupError as error:
            raise CommandError(str(error)) from None
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        self.stdout.write(
            self.style.SUCCESS(
                f"restored the backup of {report.manifest['created_at']}: {report.rows} rows, "
                f"{report.files} files, each with its SHA-256"
            )
        )
        self.stdout.write("next: tongban migrate && tongban verify-audit && tongban reindex")
