"""The search API's contract on a small catalogue, and the payload file's details."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import BundleFactory, DepartmentFactory, RegionFactory, ServiceItemFactory, ThemeFactory
from tongban.search import services
from tongban.search.documents import SearchDocument
from tongban.search.payloads import (
    PayloadReader,
    PayloadWriter,
    decode_payload,
    encode_payload,
    pack,
    unpack,
)

API = "/api/v1/catalog/search"


@pytest.fixture
def catalogue(index_dir: Path) -> dict[str, Any]:
    county = RegionFactory(county=True)
    department = DepartmentFactory(name="测试民政局", region=county)
    theme = ThemeFactory(code="elderly", name="养老服务", phrase="我要办养老")
    made = {
        "allowance": ServiceItemFactory(
            name="高龄老人津贴申领", department=department, themes=[theme], summary="八十周岁以上老人按月领取。"
        ),
        "card": ServiceItemFactory(name="老年人优待证办理", department=department, online_depth=3, max_visits=1,
                                   visit_reason="现场拍照"),
        "company": ServiceItemFactory(name="养老机构备案", audience=["legal_person"]),
    }  # fmt: skip
    made["bundle"] = BundleFactory(name="退休一件事", items=[made["allowance"], made["card"]])
    services.rebuild_index()
    return made


def results(**params: Any) -> list[dict[str, Any]]:
    response = Client().get(API, params)
    assert response.status_code == 200, response.content
    return list(response.json()["results"])


@pytest.mark.django_db
def test_a_hit_carries_type_code_name_summary_department_region_depth_and_score(catalogue: dict[str, Any]) -> None:
    allowance = catalogue["allowance"]
    hit = results(q="高龄津贴", limit=1)[0]
    assert hit == {
        "type": "item",
        "code": allowance.code,
        "name": "高龄老人津贴申领",
        "summary": "八十周岁以上老人按月领取。",
        "department": "测试民政局",
        "region": allowance.region_id,
        "online_depth": 4,
        "score": hit["score"],
    }
    assert hit["score"] > 0


@pytest.mark.django_db
def test_the_query_is_echoed_and_the_limit_kept(catalogue: dict[str, Any]) -> None:
    body = Client().get(API, {"q": "老人", "limit": 1}).json()
    assert body["query"] == "老人" and len(body["results"]) == 1
    assert len(results(q="老人 养老 退休", limit=50)) <= 4


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "kept"),
    [
        ({"audience": "legal_person"}, {"company"}),
        ({"theme": "elderly"}, {"allowance"}),
        ({"online_depth": 4}, {"allowance", "company"}),
    ],
)
def test_each_filter_keeps_what_it_names(catalogue: dict[str, Any], params: dict[str, Any], kept: set[str]) -> None:
    codes = {r["code"] for r in results(q="老人 养老 高龄 优待 机构", limit=20, **params)}
    assert codes and codes <= {catalogue[k].code for k in kept}


@pytest.mark.django_db
def test_department_and_region_filters(catalogue: dict[str, Any]) -> None:
    allowance = catalogue["allowance"]
    by_department = {r["code"] for r in results(q="老人", limit=20, department=allowance.department_id)}
    assert by_department == {allowance.code, catalogue["card"].code}
    city = allowance.region.parent.code
    assert allowance.code in {
        r["code"] for r in results(q="高龄", limit=20, region=city)
    }  # a city covers its districts
    assert results(q="高龄", limit=20, region="450000") == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"q": ""}, "empty_query"),
        ({"q": "   "}, "empty_query"),
        ({"q": "护照", "limit": 0}, "invalid_limit"),
        ({"q": "护照", "limit": 51}, "invalid_limit"),
        ({"q": "护照", "online_depth": -1}, "invalid_online_depth"),
        ({"q": "护照", "online_depth": 5}, "invalid_online_depth"),
    ],
)
def test_bad_parameters_are_refused_with_a_stable_code(params: dict[str, Any], code: str) -> None:
    response = Client().get(API, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["message"]


@pytest.mark.django_db
def test_a_missing_query_is_a_client_error() -> None:
    response = Client().get(API)
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"code", "message"}


@pytest.mark.django_db
def test_messages_follow_the_language_asked_for() -> None:
    chinese = Client().get(API, {"q": " "}).json()["message"]
    english = Client().get(API, {"q": " "}, HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert chinese != english


@pytest.mark.django_db
def test_a_very_long_query_is_cut_not_refused(catalogue: dict[str, Any]) -> None:
    assert results(q="高龄津贴" + "的" * 300, limit=3)


# --- payload details --------------------------------------------------------------------------------


def test_place_packing_round_trips_offset_and_length() -> None:
    for offset, length in ((0, 0), (1, 1), (123_456_789, 4096), ((1 << 40) - 1, (1 << 24) - 1)):
        assert unpack(pack(offset, length)) == (offset, length)


def test_a_payload_of_the_wrong_shape_decodes_to_a_harmless_stub() -> None:
    stub = decode_payload("item:X\x1f护照".encode("utf-16-le"))
    assert stub == {"k": "item:X", "N": "", "n": "", "a": []}


def test_enforcement_and_secondary_actions_are_stored_with_the_payload() -> None:
    penalty = SearchDocument(kind="item", code="P", name="对无证经营的处罚", item_kind="penalty")
    payload = decode_payload(encode_payload(penalty, name=penalty.name, aliases=[], context="", materials=""))
    assert payload["e"] is True and payload["x"] == ""
    replace = SearchDocument(kind="item", code="R", name="居民身份证挂失补领")
    payload = decode_payload(encode_payload(replace, name=replace.name, aliases=[], context="", materials=""))
    assert payload["e"] is False and set(payload["x"]) == {"失", "补"}


def test_the_compact_name_is_stored_only_when_it_differs() -> None:
    doc = SearchDocument(kind="item", code="A", name="护照签发")
    raw = encode_payload(doc, name="护照签发", aliases=[], context="", materials="")
    assert "\x1f\x1f" in raw.decode("utf-16-le")  # the empty compact-name field
    assert decode_payload(raw)["n"] == "护照签发"


def test_a_damaged_place_is_reported_once_and_read_as_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    writer = PayloadWriter(tmp_path, dictionary=b"")
    doc = SearchDocument(kind="item", code="A", name="护照签发")
    at = writer.append(encode_payload(doc, name=doc.name, aliases=[], context="", materials=""))
    writer.sync()
    writer.close()
    reader = PayloadReader(tmp_path)
    offset, length = unpack(at)
    with caplog.at_level(logging.ERROR, logger="tongban.search.payloads"):
        assert reader.read(pack(offset + length + 100, 50)) is None  # past the end of the file
        assert reader.read(pack(offset + 1, length)) is None  # inside a payload
    assert len([r for r in caplog.records if "reindex" in r.getMessage()]) == 1
    assert reader.read(at)["k"] == "item:A"  # the good ones still read
    reader.close()
    reader.close()  # closing twice is harmless
