"""备份与恢复 (backup and restore): one archive with the database, the stored files and a manifest.

`create_backup` writes a tar archive holding

- `database/tongban.sqlite3` — a consistent copy made with SQLite's online backup API while the
  platform keeps running — or `database/tongban.pgdump` — `pg_dump --format=custom` of PostgreSQL;
- `media/…` — every file of the default storage (materials, decision documents …), copied after the
  database, so each file the database refers to is there (a file stored in between is merely extra);
- `manifest.json` — the SHA-256 and size of each member, the rows of each table and the latest
  migration of each app at backup time, and the **names** of the keys the data needs
  (`TONGBAN_PERSONAL_DATA_KEY`, `TONGBAN_SECRET_KEY`) with a fingerprint that tells the right key
  from a wrong one without revealing it. The keys themselves are never written into the archive:
  they are kept in the secret store, apart from the backups.

`restore_backup` checks every member against the manifest before it writes anything, refuses a
database that is not empty, a database engine other than the backup's and a personal-data key other
than the backup's (encrypted columns would be unreadable), then restores the database and the files
and checks the result: the same rows in every table, every file with its recorded SHA-256.

Only Django's app registry is used to count rows, so the shared kernel names no domain app.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import IO, Any, Protocol

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

FORMAT = "tongban-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
#: settings holding the keys the data needs, by the environment variable that sets each
KEYS = {"TONGBAN_PERSONAL_DATA_KEY": "PERSONAL_DATA_KEY", "TONGBAN_SECRET_KEY": "SECRET_KEY"}
#: a restore cannot go on without this one: it decrypts the personal data at rest
REQUIRED_KEY = "TONGBAN_PERSONAL_DATA_KEY"


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why. Nothing was restored."""


@dataclass
class RestoreReport:
    """What a restore brought back and checked."""

    manifest: dict[str, Any]
    rows: int = 0
    files: int = 0
    warnings: list[str] = field(default_factory=list)


def key_fingerprint(value: str) -> str:
    """Tells the right key from a wrong one; reveals nothing of the key (an HMAC under the key)."""
    return hmac.new(value.encode(), b"tongban backup key fingerprint", hashlib.sha256).hexdigest()[:16]


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


class Cursor(Protocol):
    """A DB-API cursor: Django's or sqlite3's own on the backup copy."""

    def execute(self, sql: str, /) -> object: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...


def _tables() -> dict[str, str]:
    """Table of every model the apps own, by model label (Django's app registry: no domain app named)."""
    return {
        model._meta.label_lower: model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def row_counts() -> dict[str, int]:
    """Rows of every table the apps own, by model label."""
    with connection.cursor() as cursor:
        return _count(cursor)


def _count(cursor: Cursor) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts: dict[str, int] = {}
    for label, table in sorted(_tables().items()):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - table names from the models
        counts[label] = int(cursor.fetchone()[0])
    return counts


def _latest_migrations(cursor: Cursor) -> dict[str, str]:
    cursor.execute("SELECT app, name FROM django_migrations")
    latest: dict[str, str] = {}
    for app, name in cursor.fetchall():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _storage_files(folder: str = "") -> Iterator[str]:
    """Every file of the default storage, through the storage API (file system or object storage)."""
    if folder and not default_storage.exists(folder):
        return
    folders, files = default_storage.listdir(folder)
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _storage_files(f"{folder}/{sub}" if folder else sub)


def _sha256(stream: IO[bytes]) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _pg_env() -> dict[str, str]:
    """libpq's environment for pg_dump and pg_restore: the password never on a command line."""
    config = connection.settings_dict
    env = {**os.environ, "PGDATABASE": str(config["NAME"])}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if config.get(key):
            env[variable] = str(config[key])
    return env


def _pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))), None)
    if found is None:
        raise BackupError(f"{name} was not found: install PostgreSQL's client programs (postgresql-client)")
    return str(found)


@dataclass
class Snapshot:
    """The database copy and what it holds, read from the same consistent state."""

    member: str
    rows: dict[str, int]
    migrations: dict[str, str]


def _dump_database(target: Path) -> Snapshot:
    """A consistent copy of the running database in `target`, with the rows and migrations it holds."""
    if connection.in_atomic_block:
        raise BackupError("a backup runs outside any transaction")
    if _engine() == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)  # the online backup API: readers and writers go on
            reader = copy.cursor()
            snapshot = Snapshot("database/tongban.sqlite3", _count(reader), _latest_migrations(reader))
        copy.close()
        return snapshot
    with transaction.atomic(), connection.cursor() as cursor:
        # pg_dump reads the very snapshot the rows are counted in, however busy the platform is
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        exported = cursor.fetchone()[0]
        snapshot = Snapshot("database/tongban.pgdump", _count(cursor), _latest_migrations(cursor))
        command = [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={exported}"]
        try:
            subprocess.run([*command, f"--file={target}"], env=_pg_env(), check=True, capture_output=True)
        except subprocess.CalledProcessError as error:
            raise BackupError(f"pg_dump failed: {error.stderr.decode(errors='replace')[-2000:]}") from None
    return snapshot


def _add(archive: tarfile.TarFile, member: str, stream: IO[bytes], size: int) -> None:
    info = tarfile.TarInfo(member)
    info.size = size
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, stream)


def create_backup(*, destination: Path) -> dict[str, Any]:
    """Write the backup archive to `destination` (a new .tar file); returns the manifest."""
    destination = Path(destination)
    if destination.exists():
        raise BackupError(f"{destination} exists already: a backup never overwrites a file")
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "tongban_version": metadata.version("tongban"),
        "keys": {
            name: {
                "fingerprint": key_fingerprint(getattr(settings, setting)),
                "where": "not in this archive: restore it from the secret store",
            }
            for name, setting in KEYS.items()
        },
        "files": [],
    }
    partial = destination.with_name(destination.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="tongban-backup-") as work:
        dump = Path(work) / "database"
        snapshot = _dump_database(dump)
        member = snapshot.member
        with open(dump, "rb") as stream:
            digest, size = _sha256(stream)
        manifest["database"] = {"engine": _engine(), "member": member, "sha256": digest, "size": size}
        manifest["migrations"], manifest["rows"] = snapshot.migrations, snapshot.rows
        # readable by its owner only: the database holds personal data (encrypted) and second-factor secrets
        with (
            os.fdopen(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
            tarfile.open(fileobj=raw, mode="w") as archive,
        ):
            with open(dump, "rb") as stream:
                _add(archive, member, stream, size)
            for name in _storage_files():
                with default_storage.open(name, "rb") as stream:
                    digest, size = _sha256(stream)
                with default_storage.open(name, "rb") as stream:
                    _add(archive, f"media/{name}", stream, size)
                manifest["files"].append({"name": name, "sha256": digest, "size": size})
            text = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            _add(archive, MANIFEST, io.BytesIO(text), len(text))
    partial.rename(destination)
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict[str, Any]:
    try:
        stream = archive.extractfile(MANIFEST)
    except KeyError:
        raise BackupError("not a Tongban backup: the archive has no manifest.json") from None
    if stream is None:
        raise BackupError("not a Tongban backup: manifest.json is not a file")
    manifest: dict[str, Any] = json.load(stream)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r} (this release reads {FORMAT})")
    return manifest


def _member_digest(archive: tarfile.TarFile, member: str) -> tuple[str, int]:
    try:
        stream = archive.extractfile(member)
    except KeyError:
        raise BackupError(f"the archive is incomplete: {member} is missing") from None
    if stream is None:
        raise BackupError(f"{member} is not a file")
    return _sha256(stream)


def verify_archive(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    """Every member the manifest lists is there with its SHA-256 and size, and nothing escapes `media/`."""
    wanted = [(manifest["database"]["member"], manifest["database"]["sha256"], manifest["database"]["size"])]
    for entry in manifest["files"]:
        if entry["name"].startswith("/") or ".." in entry["name"].split("/"):
            raise BackupError(f"refused: the file name {entry['name']!r} leaves the files folder")
        wanted.append((f"media/{entry['name']}", entry["sha256"], entry["size"]))
    for member, digest, size in wanted:
        if _member_digest(archive, member) != (digest, size):
            raise BackupError(f"{member} does not match its SHA-256 in the manifest: the archive is damaged")


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _check_target(manifest: dict[str, Any], report: RestoreReport) -> None:
    engine = _engine()
    if manifest["database"]["engine"] != engine:
        raise BackupError(f"the backup is of {manifest['database']['engine']}; this database is {engine}")
    if not _database_is_empty():
        raise BackupError("the database is not empty: restore only into a new, empty database")
    for name, setting in KEYS.items():
        recorded = manifest["keys"].get(name, {}).get("fingerprint")
        if recorded == key_fingerprint(getattr(settings, setting)):
            continue
        if name == REQUIRED_KEY:
            raise BackupError(
                f"{name} is not the key of this backup: set the backed-up key, or the personal data stays unreadable"
            )
        report.warnings.append(f"{name} differs from the backup's: sessions and API tokens of the old instance end")
    for entry in manifest["files"]:
        if default_storage.exists(entry["name"]):
            raise BackupError(f"the files folder is not empty: {entry['name']} exists already")


def _restore_database(archive: tarfile.TarFile, manifest: dict[str, Any], work: Path) -> None:
    dump = work / "database"
    source = archive.extractfile(manifest["database"]["member"])
    assert source is not None  # verify_archive found it
    with open(dump, "wb") as target:
        shutil.copyfileobj(source, target, CHUNK)
    if _engine() == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as copy:
            copy.backup(connection.connection)
        copy.close()
        return
    connection.close()  # pg_restore works on its own connection
    subprocess.run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={_pg_env()['PGDATABASE']}",
            str(dump),
        ],
        env=_pg_env(),
        check=True,
        capture_output=True,
    )


def _restore_files(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    for entry in manifest["files"]:
        source = archive.extractfile(f"media/{entry['name']}")
        assert source is not None  # verify_archive found it
        saved = default_storage.save(entry["name"], File(source, name=entry["name"]))
        if saved != entry["name"]:
            raise BackupError(f"{entry['name']} was stored as {saved}")


def _check_result(manifest: dict[str, Any], report: RestoreReport) -> None:
    rows = row_counts()
    differ = {table: (count, rows.get(table)) for table, count in manifest["rows"].items() if rows.get(table) != count}
    if differ:
        raise BackupError(f"restored rows differ from the backup's (table: backup, restored): {differ}")
    report.rows = sum(manifest["rows"].values())
    for entry in manifest["files"]:
        with default_storage.open(entry["name"], "rb") as stream:
            if _sha256(stream) != (entry["sha256"], entry["size"]):
                raise BackupError(f"{entry['name']} does not match its SHA-256 after the restore")
    report.files = len(manifest["files"])


def restore_backup(*, source: Path) -> RestoreReport:
    """Restore the archive at `source` into this empty database and files folder, then check it."""
    with tarfile.open(source, "r") as archive:
        manifest = read_manifest(archive)
        report = RestoreReport(manifest=manifest)
        verify_archive(archive, manifest)
        _check_target(manifest, report)
        with tempfile.TemporaryDirectory(prefix="tongban-restore-") as work:
            try:
                _restore_database(archive, manifest, Path(work))
            except subprocess.CalledProcessError as error:
                raise BackupError(f"pg_restore failed: {error.stderr.decode(errors='replace')[-2000:]}") from None
        _restore_files(archive, manifest)
    _check_result(manifest, report)
    return report
