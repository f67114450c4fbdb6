"""The cases API: the citizen's way through, progress with rate limits, and object-level access
for EVERY endpoint of the router (another citizen, a clerk of another department: 404/403, nothing changes)."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.cases.conftest import pdf_bytes, submit, upload
from tongban.cases.api import router
from tongban.cases.models import Case, CaseTask, Draft, MaterialFile
from tongban.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def token_client(user) -> Client:
    from tongban.accounts.services import issue_api_token

    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_api_token(user=user, name='test')}")


def test_citizen_flow_through_the_api(item, people, media):
    api = token_client(people["zhangsan"])
    r = api.post(
        "/api/v1/cases/drafts",
        {"item_code": item.code, "answers": {"shop_name": "甜心"}},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    key = r.json()["key"]
    r = api.put(
        f"/api/v1/cases/drafts/{key}", {"answers": {"shop_name": "甜心", "area": 20}}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["answers"]["area"] == 20
    r = api.post(f"/api/v1/cases/drafts/{key}/materials", {"material_name": "营业执照", "file": upload()})
    assert r.status_code == 201, r.content
    assert len(r.json()["sha256"]) == 64
    r = api.post(
        "/api/v1/cases/submit", {"draft_key": key}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
    )
    assert r.status_code == 201, r.content
    number, code = r.json()["number"], r.json()["query_code"]
    again = api.post(
        "/api/v1/cases/submit", {"draft_key": key}, content_type="application/json", HTTP_IDEMPOTENCY_KEY="api-1"
    )
    assert again.status_code in (201, 404)  # the draft is submitted; the key still answers the same case
    if again.status_code == 201:
        assert again.json()["number"] == number
    r = api.post(
        "/api/v1/cases/submit",
        {"item_code": item.code, "answers": {"shop_name": "x", "area": 3}},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="api-1",
    )
    assert r.status_code == 201 and r.json()["number"] == number and Case.objects.count() == 1
    r = api.get("/api/v1/cases/mine")
    assert [c["number"] for c in r.json()] == [number]
    r = api.get(f"/api/v1/cases/mine/{number}")
    assert r.json()["query_code"] == code and r.json()["timeline"][0]["label"] == "申报"
    anon = Client()
    r = anon.get("/api/v1/cases/progress", {"number": number, "code": code.lower()})
    assert r.status_code == 200 and r.json()["applicant"] == "*三"
    assert "张三" not in r.content.decode()
    r = anon.get("/api/v1/cases/progress", {"number": number, "code": "0000000000"})
    unknown = anon.get("/api/v1/cases/progress", {"number": "NOPE20250101000001", "code": code})
    assert r.status_code == unknown.status_code == 404
    assert r.json() == unknown.json() and r.json()["code"] == "not_found"


def test_submit_answers_validation_and_missing_key(item, people, media):
    api = client_for(people["zhangsan"])
    r = api.post(
        "/api/v1/cases/submit",
        {"item_code": item.code, "answers": {"area": "大"}},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="x",
    )
    assert r.status_code == 422 and r.json()["code"] == "invalid_answers"
    assert "店铺名称" in r.json()["message"]
    r = api.post("/api/v1/cases/submit", {"item_code": item.code, "answers": {}}, content_type="application/json")
    assert r.status_code == 422 and r.json()["code"] == "idempotency_key"


def test_progress_is_rate_limited_per_number(item, people, media):
    case = submit(people["zhangsan"], item)
    anon = Client()
    codes = [
        anon.get("/api/v1/cases/progress", {"number": case.number, "code": "WRONG"}).status_code for _ in range(11)
    ]
    assert codes[:10] == [404] * 10 and codes[10] == 429
    r = anon.get("/api/v1/cases/progress", {"number": case.number, "code": case.query_code_plain})
    assert r.status_code == 429 and r.json()["code"] == "too_many_requests"


def test_progress_is_rate_limited_per_address(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_ADDRESS": 5}
    anon = Client()
    codes = [anon.get("/api/v1/cases/progress", {"number": f"N{i}", "code": "X"}).status_code for i in range(6)]
    assert codes == [404] * 5 + [429]


def test_staff_actions_and_conflict_over_http(item, people, media):
    case = submit(people["zhangsan"], item)
    clerk = token_client(people["chuangkou"])
    r = clerk.get("/api/v1/cases/staff/tasks")
    assert r.status_code == 200 and r.json()["counts"]["total"] == 1
    r = clerk.post(
        f"/api/v1/cases/{case.number}/actions/accept",
        {"expected_version": case.version},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    assert r.json()["status"] == "accepted"
    r = clerk.post(
        f"/api/v1/cases/{case.number}/actions/accept",
        {"expected_version": case.version},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert AuditEntry.objects.filter(action="personal_data.read", data_subject=people["zhangsan"]).exists()


def _path_params(path: str) -> list[str]:
    return re.findall(r"{(\w+)}", path)


def _endpoints():
    for path, view in router.path_operations.items():
        for operation in view.operations:
            for method in operation.methods:
                yield method, path


ENDPOINTS = sorted(set(_endpoints()))


def test_every_endpoint_is_listed():
    assert len(ENDPOINTS) >= 12


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_object_level_access_for_every_endpoint(method, path, item, people, media):
    """Another citizen and a clerk of another department may neither see nor change."""
    owner = people["zhangsan"]
    case = submit(owner, item)
    from tongban.cases import services

    draft = services.save_draft(applicant=owner, item=item, answers={"shop_name": "甜"})
    values = {"number": case.number, "key": str(draft.key), "action": "accept"}
    params = _path_params(path)
    url = "/api/v1/cases" + path.format(**{p: values[p] for p in params})
    body = {"expected_version": case.version, "answers": {"shop_name": "改"}, "reason": "x", "item_code": item.code}
    before = (
        Case.objects.get(pk=case.pk).version,
        Draft.objects.get(pk=draft.pk).answers,
        MaterialFile.objects.count(),
        CaseTask.objects.filter(status="open").count(),
        Case.objects.count(),
    )
    for intruder in (people["lisi"], people["gongan"]):
        client = client_for(intruder)
        if path.endswith("/materials"):
            response = client.post(url, {"material_name": "营业执照", "file": upload(content=pdf_bytes())})
        elif method == "GET":
            response = client.get(url, {"number": case.number, "code": "WRONGCODE1"} if path == "/progress" else {})
        else:
            response = getattr(client, method.lower())(
                url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="intruder"
            )
        text = response.content.decode()
        if params or path == "/progress":
            assert response.status_code in (403, 404), (
                intruder.username,
                method,
                url,
                response.status_code,
                text[:300],
            )
        else:  # lists and creation: only the intruder's own things
            assert case.number not in text and str(draft.key) not in text
        assert case.query_code_plain not in text
    if path in ("/drafts", "/submit"):
        Case.objects.exclude(pk=case.pk).delete()
        Draft.objects.exclude(pk=draft.pk).delete()
    after = (
        Case.objects.get(pk=case.pk).version,
        Draft.objects.get(pk=draft.pk).answers,
        MaterialFile.objects.count(),
        CaseTask.objects.filter(status="open").count(),
        Case.objects.count(),
    )
    assert after == before


def test_answers_with_personal_data_are_masked_for_applicant_and_staff(item, people, media):
    case = submit(people["zhangsan"], item)
    whole_id, whole_phone = people["zhangsan"].id_number, "13912345678"
    Case.objects.filter(pk=case.pk).update(answers={**case.answers, "contact_id": whole_id, "contact": whole_phone})
    mine = token_client(people["zhangsan"]).get(f"/api/v1/cases/mine/{case.number}")
    staff = client_for(people["chuangkou"]).get(f"/api/v1/cases/staff/cases/{case.number}")
    page = client_for(people["zhangsan"]).get(f"/my/cases/{case.number}/")
    for response in (mine, staff, page):
        assert response.status_code == 200
        body = response.content.decode()
        assert whole_id not in body and whole_phone not in body
    assert mine.json()["answers"]["contact"] == "139****5678"
    assert Case.objects.get(pk=case.pk).answers["contact_id"] == whole_id, "the case keeps the whole value"


def test_progress_page_and_api_share_one_limiter_per_number(item, people, media, settings):
    """The page and the API count in the same counters: 10 guesses per number and address across
    both (S5); another address is not refused (tests/cases/test_progress_throttle.py)."""
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_NUMBER": 4}
    case = submit(people["zhangsan"], item)
    page = api = Client(REMOTE_ADDR="10.0.0.1")
    assert page.post("/progress/", {"number": case.number, "query_code": "WRONG"}).status_code == 404
    assert page.post("/progress/", {"number": case.number, "query_code": "WRONG"}).status_code == 404
    assert api.get("/api/v1/cases/progress", {"number": case.number, "code": "WRONG"}).status_code == 404
    assert api.get("/api/v1/cases/progress", {"number": case.number, "code": "WRONG"}).status_code == 404
    # the number is used up from this address through both channels; the right code does not help
    right = {"number": case.number, "query_code": case.query_code_plain}
    assert page.post("/progress/", right).status_code == 429
    assert api.get("/api/v1/cases/progress", {"number": case.number, "code": case.query_code_plain}).status_code == 429
    assert Client(REMOTE_ADDR="10.0.0.3").post("/progress/", right).status_code == 200
    # another number from the same addresses still works
    other = submit(people["lisi"], item, key="k2")
    found = page.post("/progress/", {"number": other.number, "query_code": other.query_code_plain})
    assert found.status_code == 200


def test_progress_page_and_api_share_one_limiter_per_address(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "PROGRESS_TRIES_PER_ADDRESS": 3}
    case = submit(people["zhangsan"], item)
    same = Client(REMOTE_ADDR="10.0.0.9")
    assert same.get("/api/v1/cases/progress", {"number": "N1", "code": "X"}).status_code == 404
    assert same.post("/progress/", {"number": "N2", "query_code": "X"}).status_code == 404
    assert same.get("/api/v1/cases/progress", {"number": "N3", "code": "X"}).status_code == 404
    blocked = same.post("/progress/", {"number": case.number, "query_code": case.query_code_plain})
    assert blocked.status_code == 429 and "查询太频繁" in blocked.content.decode()
    fine = Client(REMOTE_ADDR="10.0.0.10").post(
        "/progress/", {"number": case.number, "query_code": case.query_code_plain}
    )
    assert fine.status_code == 200
