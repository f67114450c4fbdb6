"""Issue 9, finding 2: an empty import deletes the catalogue.

An import that read no valid line writes nothing; a prune removes more than the configured share only
with the expected count confirmed; a dry run writes nothing; broken uploads, deep nesting and oversized
lines answer 4xx JSON naming the line. The same guards hold for `tongban import-catalogue`.
"""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from tests.catalog.conftest import department, item, jsonl, theme
from tongban.accounts.models import User
from tongban.accounts.services import issue_api_token
from tongban.catalog import import_guards
from tongban.catalog.models import CatalogChange, ItemStatus, ServiceItem
from tongban.catalog.services import import_catalogue
from tongban.core.models import AuditEntry

URL = "/api/v1/catalog/imports"
ITEMS = 30


def codes(n: int = ITEMS) -> list[str]:
    return [f"440100-GA-{i:03d}" for i in range(1, n + 1)]


def catalogue_lines(n: int = ITEMS, **changes: str) -> list[dict]:
    """A department, a theme and `n` items; `changes` renames items by code."""
    return [
        department(),
        theme(),
        *(item(code, name=changes.get(code, f"事项{code[-3:]}")) for code in codes(n)),
    ]


@pytest.fixture
def thirty(demo):
    report = import_catalogue(stream=io.BytesIO(jsonl(*catalogue_lines())), actor=None)
    assert report.written and ServiceItem.objects.count() == ITEMS


def bearer(username: str = "admin") -> dict[str, str]:
    token = issue_api_token(user=User.objects.get(username=username), name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def state() -> tuple[list, int, int]:
    """What an import could change: every item's code, name and status; change-log and audit rows."""
    items = list(ServiceItem.objects.order_by("code").values_list("code", "name", "status"))
    return items, CatalogChange.objects.count(), AuditEntry.objects.filter(action="catalog.import").count()


def post(query: str = "", body: bytes = b"", **extra):
    return Client().post(URL + query, body, content_type="application/x-ndjson", **bearer(), **extra)


# --- nothing valid, nothing written -----------------------------------------------------------------


def test_an_empty_body_with_prune_deletes_nothing(thirty):
    before = state()
    response = post("?prune=true", b"")
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "empty_catalogue" and body["message"] and not body["written"]
    assert state() == before
    assert not ServiceItem.objects.exclude(status=ItemStatus.ACTIVE).exists()


def test_a_file_of_comments_and_blank_lines_writes_nothing(thirty):
    before = state()
    response = post("?prune=true&skip_invalid=true", b"\n// nothing here\n\n")
    assert response.status_code == 422 and response.json()["code"] == "empty_catalogue"
    assert state() == before


def test_skip_invalid_with_no_valid_line_does_not_prune(thirty):
    before = state()
    report = import_catalogue(
        stream=io.BytesIO(jsonl(item("BAD", committed_days=3), "not json")),
        actor=None,
        skip_invalid=True,
        prune=True,
        confirm_prune=ITEMS,
    )
    assert not report.written and report.reason == "empty"
    assert state() == before


def test_a_multipart_upload_with_the_wrong_field_name_deletes_nothing(thirty):
    before = state()
    upload = io.BytesIO(jsonl(*catalogue_lines()))
    upload.name = "catalogue.jsonl"
    response = Client().post(URL + "?prune=true", {"upload": upload}, **bearer())
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "missing_file" and "file" in body["message"] and "upload" in body["message"]
    assert state() == before


def test_a_malformed_multipart_body_answers_400(thirty):
    before = state()
    for content_type in ("multipart/form-data", "multipart/form-data; boundary="):
        response = Client().post(URL + "?prune=true", b"--x\r\nbroken", content_type=content_type, **bearer())
        assert response.status_code == 400, (content_type, response.content)
        body = response.json()
        assert body["code"] == "malformed_upload" and body["message"]
    assert state() == before


# --- the prune asks first -------------------------------------------------------------------------------


def test_prune_within_the_share_needs_no_confirmation(thirty):
    kept = codes()[3:]  # 3 of 30 go: 10 %
    report = import_catalogue(
        stream=io.BytesIO(jsonl(department(), theme(), *(item(c, name=f"事项{c[-3:]}") for c in kept))),
        actor=None,
        prune=True,
    )
    assert report.written and report.counts["item"].deleted == 3
    assert ServiceItem.objects.count() == ITEMS - 3


def test_prune_over_the_share_needs_the_count_confirmed(thirty):
    lines = [line for line in catalogue_lines(**{codes()[5]: "改过的名称"}) if line.get("code") not in codes()[:4]]
    before = state()
    refused = post("?prune=true", jsonl(*lines))
    assert refused.status_code == 409, refused.content
    body = refused.json()
    assert body["code"] == "prune_needs_confirmation" and "confirm_prune=4" in body["message"]
    assert not body["written"] and body["prune_plan"]["count"] == 4
    assert body["prune_plan"]["removes"] == {"item": 4, "theme": 0, "bundle": 0}
    assert sorted(body["prune_plan"]["examples"]["item"]) == codes()[:4]
    assert state() == before, "nothing written, not even the renamed item"

    wrong = post("?prune=true&confirm_prune=149", jsonl(*lines))
    assert wrong.status_code == 409 and "149" in wrong.json()["message"]
    assert state() == before

    confirmed = post("?prune=true&confirm_prune=4", jsonl(*lines))
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["written"] and confirmed.json()["counts"]["item"]["deleted"] == 4
    assert ServiceItem.objects.count() == ITEMS - 4
    assert ServiceItem.objects.get(code=codes()[5]).name == "改过的名称"


def test_a_confirmation_that_is_not_a_number_answers_json(thirty):
    before = state()
    response = post("?prune=true&confirm_prune=all", jsonl(*catalogue_lines(3)))
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input" and response.json()["message"]
    assert state() == before


def test_the_share_is_a_setting(thirty, settings):
    settings.TONGBAN = {**settings.TONGBAN, "CATALOG_PRUNE_MAX_SHARE": 0.5}
    lines = [line for line in catalogue_lines() if line.get("code") not in codes()[:10]]
    report = import_catalogue(stream=io.BytesIO(jsonl(*lines)), actor=None, prune=True)
    assert report.written and report.counts["item"].deleted == 10


# --- dry run ------------------------------------------------------------------------------------------------


def test_a_dry_run_shows_what_would_change_and_writes_nothing(thirty):
    lines = [line for line in catalogue_lines(**{codes()[25]: "改过的名称"}) if line.get("code") not in codes()[:20]]
    lines.append(item("440100-GA-900", name="新事项"))
    before = state()
    response = post("?prune=true&dry_run=true", jsonl(*lines))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] and not body["written"]
    assert body["counts"]["item"] == {"created": 1, "updated": 1, "unchanged": 9, "deleted": 20}
    assert body["prune_plan"]["count"] == 20
    assert any("confirm_prune=20" in w["message"] for w in body["warnings"])
    assert state() == before
    assert not ServiceItem.objects.filter(code="440100-GA-900").exists()


# --- hostile lines ------------------------------------------------------------------------------------------


def nested(depth: int) -> str:
    line = item("440100-GA-001", name="事项001")
    line["poster"] = json.loads("[" * depth + "]" * depth)
    return json.dumps(line, ensure_ascii=False)


@pytest.mark.parametrize("depth", [import_guards.MAX_DEPTH + 1, 5000])
def test_deep_nesting_answers_422_naming_the_line(thirty, depth):
    before = state()
    body = jsonl(department(), theme(), "[" * depth + "]" * depth if depth > 900 else nested(depth))
    response = post("?prune=true", body)
    assert response.status_code == 422, response.content[:300]
    answer = response.json()
    assert answer["code"] == "invalid_catalogue" and "第 3 行" in answer["message"]
    assert [e["line"] for e in answer["errors"]] == [3]
    assert state() == before


def test_nesting_within_the_limit_is_kept(thirty):
    response = post("", jsonl(department(), theme(), nested(import_guards.MAX_DEPTH - 2)))
    assert response.status_code == 200, response.content[:300]


def test_an_oversized_line_answers_422_naming_the_line(thirty):
    before = state()
    huge = item("440100-GA-001", summary="很长" * (import_guards.MAX_LINE_BYTES // 6 + 10))
    response = post("", jsonl(department(), huge, theme()))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_catalogue" and "第 2 行" in body["message"]
    assert body["errors"][0]["line"] == 2 and str(import_guards.MAX_LINE_BYTES) in body["errors"][0]["message"]
    assert state() == before


def test_line_reading_never_holds_an_oversized_line_whole():
    data = b"a" * 50 + b"\n" + b"b" * 1000 + b"\n" + b"c\n"
    lines = list(import_guards.read_lines(io.BytesIO(data), limit=100))
    assert [(n, len(raw), size) for n, raw, _done, size in lines] == [(1, 51, 50), (2, 101, 1000), (3, 2, 1)]
    assert lines[-1][2] == len(data)


# --- the command line ------------------------------------------------------------------------------------


def test_the_command_refuses_an_empty_file(thirty, tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    before = state()
    with pytest.raises(CommandError):
        call_command("import_catalogue", str(empty), "--prune", "--no-progress")
    assert state() == before


def test_the_command_asks_for_the_prune_count_and_offers_a_dry_run(thirty, tmp_path, capsys):
    source = tmp_path / "fewer.jsonl"
    source.write_bytes(jsonl(*[line for line in catalogue_lines() if line.get("code") not in codes()[:6]]))
    before = state()
    with pytest.raises(CommandError) as refused:
        call_command("import_catalogue", str(source), "--prune", "--no-progress")
    assert "--confirm-prune" in str(refused.value)
    out = capsys.readouterr().out
    assert "--prune 将删除 6 条" in out and codes()[0] in out
    assert state() == before

    call_command("import_catalogue", str(source), "--prune", "--dry-run", "--no-progress")
    assert "预览" in capsys.readouterr().out
    assert state() == before

    with pytest.raises(CommandError):
        call_command("import_catalogue", str(source), "--prune", "--confirm-prune", "5", "--no-progress")
    assert state() == before

    call_command("import_catalogue", str(source), "--prune", "--confirm-prune", "6", "--no-progress")
    assert ServiceItem.objects.count() == ITEMS - 6
