"""tongban backup: the database, the stored files and a manifest of SHA-256 hashes in one archive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tongban.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a backup archive (.tar): the database (SQLite online backup or pg_dump), every stored file "
        "and manifest.json with their SHA-256. The keys are named in the manifest, never copied into it."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "destination",
            nargs="?",
            help="archive to write (default: tongban-backup-<date>-<time>.tar in the current folder)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        destination = Path(options["destination"] or f"tongban-backup-{stamp}.tar")
        try:
            manifest = create_backup(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        size = sum(entry["size"] for entry in manifest["files"])
        self.stdout.write(
            self.style.SUCCESS(
                f"backup written to {destination}: {manifest['database']['engine']} database "
                f"({sum(manifest['rows'].values())} rows), {len(manifest['files'])} files ({size} bytes)"
            )
        )
        self.stdout.write(
            "not in the archive — keep these in the secret store, apart from the backups: "
            + ", ".join(f"{name} (fingerprint {key['fingerprint']})" for name, key in manifest["keys"].items())
        )
