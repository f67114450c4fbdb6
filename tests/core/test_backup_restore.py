"""R3: `tongban backup`, wipe, `tongban restore` into an empty database: every case and file is back
and verifies, the audit chain verifies; the keys are named in the manifest, never in the archive.

Runs on SQLite (online backup API) and on PostgreSQL (pg_dump / pg_restore) alike.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tongban.core.backup import KEYS, row_counts

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads only what was committed


class _Quiet:
    def write(self, *_args: object, **_kwargs: object) -> None:
        pass


@pytest.fixture
def media(settings, tmp_path) -> Path:
    """A files folder of the test's own, so wiping it touches no other test's files."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def platform(demo, media) -> None:
    """Demo people, catalogue, processes and cases in every state (materials, a decision document)."""
    from tongban.demo import cases, catalog, workflow

    for part in (catalog, workflow, cases):
        part.load(stdout=_Quiet())


def _state() -> dict[str, Any]:
    """What must come back: cases by number, each stored file with its recorded SHA-256, personal data."""
    from tongban.accounts.models import User
    from tongban.cases.models import Case, DecisionDocument, MaterialFile

    return {
        "cases": sorted(Case.objects.values_list("number", "status", "applicant__username", "version")),
        "materials": sorted(
            (m.case.number if m.case else "", m.file.name, m.sha256) for m in MaterialFile.objects.exclude(file="")
        ),
        "documents": sorted((d.case.number, d.file.name, d.sha256) for d in DecisionDocument.objects.all()),
        "id_numbers": sorted(User.objects.values_list("username", "id_number")),  # decrypted on read
    }


def _wipe(media: Path) -> None:
    """What a lost server leaves: an empty database and an empty files folder."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP SCHEMA public CASCADE")
            cursor.execute("CREATE SCHEMA public")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f'DROP TABLE "{table}"')
            cursor.execute("PRAGMA foreign_keys = ON")
    shutil.rmtree(media, ignore_errors=True)
    with connection.cursor() as cursor:
        assert connection.introspection.table_names(cursor) == []


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_wipe_restore_brings_back_every_case_and_file(platform, media, tmp_path, settings):
    before = _state()
    counts = row_counts()
    assert before["cases"] and before["materials"] and before["documents"], "the demo should have cases with files"
    archive = tmp_path / "backup.tar"

    call_command("backup", str(archive), stdout=_Quiet())

    _wipe(media)
    call_command("restore", str(archive), stdout=_Quiet(), stderr=_Quiet())

    assert _state() == before
    assert row_counts() == counts
    for _number, name, sha256 in before["materials"] + before["documents"]:
        assert _file_digest(media / name) == sha256, name
    call_command("verify_audit", stdout=_Quiet())  # raises CommandError on a broken chain


def test_the_archive_names_the_keys_and_holds_none_of_them(platform, tmp_path, settings):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=_Quiet())

    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
        members = set(tar.getnames())
    assert set(manifest["keys"]) == set(KEYS)
    assert all(key["fingerprint"] for key in manifest["keys"].values())
    raw = archive.read_bytes()
    for setting in KEYS.values():
        assert getattr(settings, setting).encode() not in raw
    assert {f"media/{f['name']}" for f in manifest["files"]} <= members
    assert manifest["database"]["member"] in members
    assert all(len(f["sha256"]) == 64 for f in manifest["files"])


def test_restore_refuses_a_database_that_is_not_empty(platform, tmp_path):
    from tongban.cases.models import Case

    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=_Quiet())
    cases = Case.objects.count()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(archive), stdout=_Quiet())
    assert Case.objects.count() == cases


def test_restore_refuses_a_damaged_archive_before_writing_anything(platform, media, tmp_path):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=_Quiet())
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name.startswith("media/"):
                data = data[:-1] + bytes([data[-1] ^ 1])  # one bit flipped in a stored file
            target.addfile(member, fileobj=io.BytesIO(data))
    _wipe(media)

    with pytest.raises(CommandError, match="does not match its SHA-256"):
        call_command("restore", str(damaged), stdout=_Quiet())
    with connection.cursor() as cursor:
        assert connection.introspection.table_names(cursor) == []  # nothing was restored
    call_command("restore", str(archive), stdout=_Quiet(), stderr=_Quiet())  # the good one still does


def test_restore_refuses_another_personal_data_key(platform, media, tmp_path, settings):
    archive = tmp_path / "backup.tar"
    call_command("backup", str(archive), stdout=_Quiet())
    _wipe(media)
    right_key = settings.PERSONAL_DATA_KEY
    settings.PERSONAL_DATA_KEY = "another-key-" + "x" * 40

    with pytest.raises(CommandError, match="TONGBAN_PERSONAL_DATA_KEY is not the key of this backup"):
        call_command("restore", str(archive), stdout=_Quiet())

    settings.PERSONAL_DATA_KEY = right_key
    call_command("restore", str(archive), stdout=_Quiet(), stderr=_Quiet())
