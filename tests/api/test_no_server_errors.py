"""Issue 9, finding 7: nine inputs answered 500. Each is a client's mistake and now answers 4xx — under
/api/ JSON `{code, message}` that matches the operation's schema in the OpenAPI document, the message
in the language asked for (zh-Hans or English) — and writes nothing. Also: a wrong bearer token on a
POST is 401 (not a CSRF refusal in English), a body over the limit is 413 in every mode, and the
OpenAPI document lists every status an operation can answer.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from jsonschema import Draft202012Validator

from tests.cases.conftest import LINES, pdf_bytes
from tongban.accounts.services import issue_api_token
from tongban.cases import services
from tongban.cases.models import Case, Draft, MaterialFile
from tongban.catalog.models import ServiceItem
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db

LANGUAGES = {"zh-hans": re.compile(r"[\u4e00-\u9fff]"), "en": re.compile(r"^[\x00-\x7f’“”–…]+$")}
HUGE = "99999999999999999999"
BOUNDARY = "no-server-errors-boundary"


@dataclass(frozen=True)
class Probe:
    """One hostile input: who sends it, what, which operation of the OpenAPI document answers it."""

    name: str
    user: str | None
    method: str
    path: str
    operation: tuple[str, str] | None  # (method, OpenAPI path); None for a page
    status: int
    code: str | None
    body: Callable[[Any], dict[str, Any]] = lambda draft: {}


def _deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels


def _file_part(file_name: str) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="material_name"\r\n\r\n营业执照\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + pdf_bytes()
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


MATERIALS = ("post", "/api/v1/cases/drafts/{key}/materials")
IMPORTS = ("post", "/api/v1/catalog/imports")
NO_BOUNDARY = {
    "data": b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\nx\r\n--x--",
    "content_type": "multipart/form-data",
}

PROBES = [
    Probe("my cases, offset -1", "zhangsan", "get", "/api/v1/cases/mine?offset=-1", ("get", "/api/v1/cases/mine"), 422, "invalid_input"),
    Probe(f"my cases, offset {HUGE}", "zhangsan", "get", f"/api/v1/cases/mine?offset={HUGE}", ("get", "/api/v1/cases/mine"), 422, "invalid_input"),
    Probe("to-do list, offset -1", "banli", "get", "/api/v1/cases/staff/tasks?offset=-1", ("get", "/api/v1/cases/staff/tasks"), 422, "invalid_input"),
    Probe("oversight, huge offset", "jiancha", "get", f"/api/v1/cases/staff/oversight?offset={HUGE}", ("get", "/api/v1/cases/staff/oversight"), 422, "invalid_input"),
    Probe("materials, multipart without boundary", "zhangsan", "post", "/api/v1/cases/drafts/{key}/materials", MATERIALS, 400, "malformed_upload", lambda d: NO_BOUNDARY),
    Probe("imports, multipart without boundary", "admin", "post", "/api/v1/catalog/imports", IMPORTS, 400, "malformed_upload", lambda d: NO_BOUNDARY),
    Probe(
        "a 5,000-character file name", "zhangsan", "post", "/api/v1/cases/drafts/{key}/materials", MATERIALS, 400, "malformed_upload",
        lambda d: {"data": _file_part("a" * 5000 + ".pdf"), "content_type": f"multipart/form-data; boundary={BOUNDARY}"},
    ),
    Probe(
        "a 200-character file name", "zhangsan", "post", "/api/v1/cases/drafts/{key}/materials", MATERIALS, 422, "file_name",
        lambda d: {"data": _file_part("执" * 200 + ".pdf"), "content_type": f"multipart/form-data; boundary={BOUNDARY}"},
    ),
    Probe("act for company=abc", "zhangsan", "post", "/account/act-for/", None, 404, None, lambda d: {"data": {"company": "abc"}}),
    Probe(f"act for company={HUGE}", "zhangsan", "post", "/account/act-for/", None, 404, None, lambda d: {"data": {"company": HUGE}}),
    Probe(
        "an import line nested 5,000 deep", "admin", "post", "/api/v1/catalog/imports", IMPORTS, 422, "invalid_catalogue",
        lambda d: {"data": _deep_json(5000) + "\n", "content_type": "application/x-ndjson"},
    ),
    Probe(
        "a JSON body nested 5,000 deep", "zhangsan", "post", "/api/v1/cases/drafts", ("post", "/api/v1/cases/drafts"), 400, "malformed_json",
        lambda d: {"data": f'{{"item_code": "TEST-SJ-001", "answers": {{"a": {_deep_json(5000)}}}}}', "content_type": "application/json"},
    ),
    Probe(
        "a JSON body that is not JSON", "zhangsan", "put", "/api/v1/cases/drafts/{key}", ("put", "/api/v1/cases/drafts/{key}"), 400, "malformed_json",
        lambda d: {"data": '{"answers": {"shop_name": "甜心",}}', "content_type": "application/json"},
    ),
    Probe(
        "a body over 5 MB", "zhangsan", "post", "/api/v1/cases/drafts", ("post", "/api/v1/cases/drafts"), 413, "too_large",
        lambda d: {"data": json.dumps({"item_code": "TEST-SJ-001", "answers": {"remark": "办" * (6 * 1024 * 1024)}}), "content_type": "application/json"},
    ),
]  # fmt: skip


def _written() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Draft, MaterialFile, Case, AuditEntry, ServiceItem))


def _client(username: str, language: str, *, page: bool = False) -> Client:
    """A client of the API with a bearer token, or (`page`) of the portal with the session."""
    from tongban.accounts.models import User

    user = User.objects.get(username=username)
    if page:
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client
    token = issue_api_token(user=user, name="probe")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)


def _response_schema(document: dict[str, Any], operation: tuple[str, str], status: int) -> Draft202012Validator:
    method, path = operation
    answers = document["paths"][path][method]["responses"]
    assert str(status) in answers, f"{method.upper()} {path} does not list {status}: {sorted(answers)}"
    schema = answers[str(status)]["content"]["application/json"]["schema"]
    return Draft202012Validator({**schema, "components": document["components"]})


@pytest.fixture
def openapi(demo) -> dict[str, Any]:
    return Client().get("/api/v1/openapi.json").json()


@pytest.fixture
def files(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def draft(demo, files):
    """A draft of the cases tests' food licence item (their small catalogue, imported the same way)."""
    import io

    from tongban.accounts.models import User
    from tongban.catalog.importer import import_catalogue
    from tongban.workflow.services import ensure_builtin_processes

    ensure_builtin_processes()
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in LINES) + "\n"
    assert import_catalogue(stream=io.StringIO(text), actor=None).written
    item = ServiceItem.objects.get(code="TEST-SJ-001")
    return services.save_draft(applicant=User.objects.get(username="zhangsan"), item=item, answers={})


@pytest.mark.parametrize("language", sorted(LANGUAGES))
@pytest.mark.parametrize("probe", PROBES, ids=[p.name for p in PROBES])
def test_each_hostile_input_answers_4xx_in_the_users_language_and_writes_nothing(
    probe, language, draft, openapi, settings
):
    settings.DEMO_MODE = True  # the mode the finding was made in (bodies over 5 MB answered 500 there)
    client = _client(probe.user, language, page=probe.operation is None)
    before = _written()
    response = getattr(client, probe.method)(probe.path.format(key=draft.key), **probe.body(draft))
    assert response.status_code == probe.status, response.content[:500]
    assert _written() == before
    if probe.operation is None:  # a page: its text in the language asked for
        page = response.content.decode()
        assert "页面不存在" in page if language == "zh-hans" else "Page not found" in page
        return
    body = response.json()
    assert body["code"] == probe.code and body["message"], body
    if language == "en":
        # the catalogue importer still names a line as "第 N 行" in every language (catalog/importer.py)
        assert LANGUAGES["en"].match(re.sub(r"第 \d+ 行：?", "", body["message"])), body["message"]
    else:
        assert LANGUAGES[language].search(body["message"]), body["message"]
    errors = sorted(_response_schema(openapi, probe.operation, probe.status).iter_errors(body), key=str)
    assert not errors, [e.message for e in errors]


@pytest.mark.parametrize("debug", [False, True])
def test_a_body_over_the_limit_is_413_in_every_mode(debug, demo, settings):
    settings.DEBUG = debug
    settings.DEMO_MODE = debug
    client = _client("zhangsan", "en")
    response = client.post("/api/v1/cases/drafts", "x" * (5 * 1024 * 1024 + 1), content_type="application/json")
    assert response.status_code == 413
    assert response.json()["code"] == "too_large" and "MB" in response.json()["message"]


def test_a_page_form_over_the_limit_is_413_too(demo):
    client = _client("zhangsan", "en", page=True)
    response = client.post(
        "/account/act-for/", "company=" + "1" * (5 * 1024 * 1024 + 1), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413


def test_a_wrong_bearer_token_on_a_post_is_401_not_a_csrf_refusal(demo):
    for language, words in (("en", "Please log in first."), ("zh-hans", "请先登录。")):
        client = Client(
            enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer tb_not-a-token", HTTP_ACCEPT_LANGUAGE=language
        )
        response = client.post("/api/v1/cases/drafts", {"item_code": "X"}, content_type="application/json")
        assert response.status_code == 401
        assert response.json() == {"code": "not_authenticated", "message": words}


def test_a_session_post_without_its_csrf_token_is_refused_in_the_users_language(citizen, draft):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post("/api/v1/cases/drafts", {"item_code": "TEST-SJ-001"}, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "csrf_failed" and LANGUAGES["en"].match(body["message"]) and "CSRF" in body["message"]
    assert Draft.objects.count() == 1  # only the fixture's


def test_a_field_out_of_range_is_named_in_words(demo):
    body = _client("zhangsan", "en").get("/api/v1/cases/mine?offset=-1").json()
    assert body["errors"] == [{"field": "offset", "message": "Must not be less than 0.", "type": "greater_than_equal"}]
    assert "offset" in body["message"]


def test_the_openapi_document_lists_every_error_status(openapi):
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            answers = set(operation["responses"])
            assert "503" in answers, (method, path)
            if operation.get("security"):
                assert "401" in answers, (method, path)
            if operation.get("requestBody"):
                assert {"400", "413", "422"} <= answers, (method, path)
            if operation.get("parameters"):
                assert "422" in answers, (method, path)
