"""The cases' management commands on tiny inputs: cleanup-uploads (dry run, decision documents kept,
the age limit), bench-submit (every acknowledged submission stored once) and bench-deadlines (figures
on PostgreSQL, a plain refusal elsewhere). The benches print figures; only their counts are checked."""

from __future__ import annotations

import io
import json
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from tests.factories import CaseFactory
from tongban.cases.models import Case, DecisionDocument


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def age(name: str, days: int) -> None:
    """Make a stored file look `days` old (the command compares modification times)."""
    moment = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(default_storage.path(name), (moment, moment))


# --- cleanup-uploads -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_dry_run_names_the_orphans_and_deletes_nothing(media):
    orphan = default_storage.save("cases/2020/01/orphan.pdf", ContentFile(b"%PDF-1.4 orphan"))
    age(orphan, 3)
    assert run("cleanup_uploads", "--dry-run").strip() == "would remove 1 orphan upload(s)"
    assert default_storage.exists(orphan)
    assert run("cleanup_uploads").strip() == "removed 1 orphan upload(s)"
    assert not default_storage.exists(orphan)


@pytest.mark.django_db
def test_the_age_limit_is_an_option(media):
    young = default_storage.save("cases/2020/02/young.pdf", ContentFile(b"%PDF-1.4 young"))
    age(young, 0)
    os.utime(default_storage.path(young), None)  # written just now
    assert run("cleanup_uploads", "--older-than-hours", "1").strip() == "removed 0 orphan upload(s)"
    age(young, 1)
    assert run("cleanup_uploads", "--older-than-hours", "1").strip() == "removed 1 orphan upload(s)"


@pytest.mark.django_db
def test_material_files_and_decision_documents_are_never_orphans(media):
    case = CaseFactory(approved=True, item__with_materials=True)
    kept = [m.file.name for m in case.materials.exclude(file="")]
    kept += [d.file.name for d in DecisionDocument.objects.filter(case=case)]
    assert len(kept) >= 2  # the uploaded scan and the decision's PDF
    for name in kept:
        age(name, 30)
    assert run("cleanup_uploads").strip() == "removed 0 orphan upload(s)"
    assert all(default_storage.exists(name) for name in kept)


@pytest.mark.django_db
def test_nothing_uploaded_yet_is_nothing_to_do(media):
    assert run("cleanup_uploads").strip() == "removed 0 orphan upload(s)"


# --- bench-submit -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the bench's client threads open their own connections
def test_bench_submit_stores_every_acknowledged_submission_once(media, settings):
    settings.CASE_NUMBER_BLOCK = 1
    result = json.loads(run("bench_submit", "--cases", "4", "--threads", "2"))
    assert result["errors"] == 0, result["first_error"]
    assert (result["cases"], result["lost"], result["duplicated"]) == (4, 0, 0)
    assert result["files_per_case"] >= 1
    assert Case.objects.filter(idempotency_key__startswith="bench-", bundle_case__isnull=True).count() == 5  # + warm-up


# --- bench-deadlines --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bench_deadlines_says_it_needs_postgresql_elsewhere():
    if connection.vendor == "postgresql":
        pytest.skip("runs on PostgreSQL: see the next test")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        run("bench_deadlines", "--cases", "10")


@pytest.mark.django_db
def test_bench_deadlines_on_a_tiny_table_and_leaves_nothing_behind():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    result = json.loads(run("bench_deadlines", "--cases", "500", "--runs", "1"))
    assert result["cases"] == 500 and "rows_returned" in result and "scan_ms_median" in result
    assert "bench_case_deadlines" in result["plan"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_class WHERE relname = 'bench_case_deadlines'")
        assert cursor.fetchone()[0] == 0
