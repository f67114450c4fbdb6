"""`tongban import-catalogue` on files and standard input, and the import API scoped to an administrator's regions."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.catalog.conftest import department, item, jsonl, theme
from tests.factories import RegionFactory, StaffFactory, console_client
from tongban.catalog.models import ServiceItem, Theme

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, *lines: dict[str, Any] | str) -> Path:
    path = tmp_path / "catalogue.jsonl"
    path.write_bytes(jsonl(*lines))
    return path


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_catalogue", str(tmp_path / "none.jsonl"), "--no-progress")


def test_the_command_prints_the_summary_and_warnings(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, department(), theme(), item(themes=["hukou", "missing-theme"]))
    call_command("import_catalogue", str(path), "--no-progress")
    out = capsys.readouterr()
    assert "事项：新增 1" in out.out
    assert "提示" in out.err and "missing-theme" in out.err
    assert ServiceItem.objects.count() == 1


def test_many_warnings_are_cut_short(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [item(f"W-{i:03d}", themes=[f"nope-{i}"]) for i in range(55)]
    call_command("import_catalogue", str(write(tmp_path, department(), *lines)), "--no-progress")
    err = capsys.readouterr().err
    assert sum(1 for line in err.splitlines() if line.startswith("提示")) == 51  # fifty, then one for the rest
    assert "另有 5 条提示未列出" in err


def test_standard_input_is_read_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin:
        buffer = io.BytesIO(jsonl(theme("from-stdin")))

    monkeypatch.setattr(sys, "stdin", Stdin())
    call_command("import_catalogue", "-", "--no-progress")
    assert Theme.objects.filter(code="from-stdin").exists()


def test_a_dry_run_writes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_catalogue", str(write(tmp_path, department(), theme(), item())), "--dry-run", "--no-progress")
    assert not ServiceItem.objects.exists()
    assert "dry run" in capsys.readouterr().out


# --- the API, scoped ----------------------------------------------------------------------------------


def post(client: Any, *lines: dict[str, Any]) -> Any:
    return client.post("/api/v1/catalog/imports", jsonl(*lines), content_type="application/x-ndjson")


def test_an_administrator_imports_into_their_city() -> None:
    city = RegionFactory(code="440100", name="广州市")
    admin = StaffFactory(administrator=True, scope=city)
    response = post(console_client(admin), department(), theme(), item())
    assert response.status_code == 200, response.content
    assert response.json()["counts"]["item"]["created"] == 1


def test_an_administrator_of_another_city_writes_nothing() -> None:
    RegionFactory(code="440100", name="广州市")
    other = RegionFactory(code="440300", name="深圳市")
    admin = StaffFactory(administrator=True, scope=other)
    response = post(console_client(admin), department(), theme(), item())
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_catalogue" and {e["field"] for e in body["errors"]} == {"region"}
    assert not ServiceItem.objects.exists()


@pytest.mark.parametrize("trait", ["head", "supervisor", "data_officer", "intake"])
def test_other_staff_may_not_import(trait: str) -> None:
    response = post(console_client(StaffFactory(**{trait: True})), theme())
    assert response.status_code == 403
    assert set(response.json()) == {"code", "message"}
    assert not Theme.objects.filter(code="hukou").exists()
