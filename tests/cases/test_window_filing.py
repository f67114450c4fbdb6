"""The comprehensive window (综合窗口) as the clerk meets it: the item found by the portal's search
engine, scans that survive a form error, the receipt, and the filed case always open to its clerk."""

from __future__ import annotations

import io
import json

import pytest
from django.test import Client

from tests.cases.conftest import pdf_bytes, upload
from tests.conftest import staff_client
from tongban.cases import services
from tongban.cases.models import Case, CaseStatus, Draft, MaterialFile
from tongban.demo.codes import id_number
from tongban.demo.orgs import department_code

pytestmark = pytest.mark.django_db

CITY_HEALTH = department_code(4)  # 广州市卫生健康委员会: a city department, outside 天河区's window scope
ZHAOLIU = id_number("440104", "20000229", 77)  # in the demo population registry, no account yet


@pytest.fixture
def city_item(catalogue):
    from tongban.catalog.importer import import_catalogue
    from tongban.catalog.models import ServiceItem

    line = {
        "type": "item",
        "code": "TEST-WJ-001",
        "name": "医师执业注册（测试）",
        "kind": "permit",
        "department": CITY_HEALTH,
        "region": "440100",
        "audience": ["person"],
        "handling": "committed",
        "statutory_days": 20,
        "committed_days": 15,
        "online_depth": 4,
        "max_visits": 0,
        "channels": ["web", "window"],
        "fee": {"charged": False},
        "materials": [{"name": "医师资格证书", "required": True, "form": "electronic", "source": "applicant"}],
        "result": {"name": "医师执业证书"},
    }
    report = import_catalogue(stream=io.StringIO(json.dumps(line, ensure_ascii=False) + "\n"), actor=None)
    assert report.written, report.errors
    return ServiceItem.objects.get(code="TEST-WJ-001")


def _file(clerk, item, *, key="w1", files=(("医师资格证书", None),), draft=None):
    return services.file_at_window(
        clerk=clerk,
        person_name="赵六",
        id_number=ZHAOLIU,
        phone="13800000099",
        item=item,
        answers={},
        uploads=[(name, f or upload()) for name, f in files],
        draft=draft,
        consent=True,
        idempotency_key=key,
    )


def test_filing_clerk_can_open_a_city_item_they_filed(city_item, people, media):
    """Was a 404 (and Django's debug page in demo mode) for a city department's item."""
    case = _file(people["chuangkou"], city_item)
    assert case.status == CaseStatus.SUBMITTED  # the city department accepts it, not the district window
    client = staff_client("chuangkou")
    page = client.get(f"/console/cases/{case.number}/")
    assert page.status_code == 200
    assert case.number in page.content.decode()
    assert staff_client("gongan").get(f"/console/cases/{case.number}/").status_code == 404


def test_a_retried_window_filing_creates_nothing_twice(city_item, people, media):
    first = _file(people["chuangkou"], city_item, key="same")
    again = _file(people["chuangkou"], city_item, key="same")
    assert again.pk == first.pk
    assert again.query_code_plain == first.query_code_plain
    assert Case.objects.filter(item=city_item).count() == 1
    assert MaterialFile.objects.filter(case=first).count() == 1


def test_the_window_sms_reads_naturally_and_names_item_number_and_code(item, people, media, sms_handset):
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        case = services.file_at_window(
            clerk=people["chuangkou"],
            person_name="赵六",
            id_number=ZHAOLIU,
            phone="13800000099",
            item=item,
            answers={"shop_name": "赵记", "area": 12},
            uploads=[("营业执照", upload())],
            consent=True,
            idempotency_key="sms",
        )
    texts = sms_handset.texts("13800000099")
    window_sms = [t for t in texts if case.query_code_plain in t]
    assert len(window_sms) == 1
    text = window_sms[0]
    assert "已已" not in text
    assert item.name in text and case.number in text
    # the acceptance on the spot is in that one SMS: no second SMS for the same step
    assert sum(case.number in t for t in texts) == 1


@pytest.fixture
def demo_catalogue(demo, settings, tmp_path):
    """The demo catalogue imported and indexed, in a private index folder."""
    from tests.search.conftest import import_file
    from tongban.search import services as search_services
    from tongban.search.demo import DEMO_CATALOGUE

    settings.DATA_DIR = tmp_path
    search_services.synonym_cache.invalidate()
    import_file(DEMO_CATALOGUE)
    search_services.rebuild_index()
    yield
    search_services._engine = None
    search_services.synonym_cache.invalidate()


def test_window_search_uses_the_portal_search_engine(demo_catalogue):
    client = staff_client("chuangkou")
    page = client.get("/console/cases/window/", {"q": "老人坐车免费"})
    assert page.status_code == 200
    assert "免费乘车" in page.content.decode()


def test_scans_survive_a_form_error_and_are_filed_with_the_case(city_item, people, media):
    client = staff_client("chuangkou")
    url = "/console/cases/window/"
    scan = io.BytesIO(pdf_bytes())
    scan.name = "zige.pdf"
    bad = client.post(
        url,
        {
            "item": city_item.code,
            "idempotency_key": "form-error",
            "person-person_name": "赵六",
            "person-id_number": "123456",
            "person-phone": "13800000099",
            "person-consent": "on",
            "material-0": scan,
        },
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "zige.pdf" in body  # shown as received
    draft = Draft.objects.get(applicant=people["chuangkou"], item=city_item)
    assert draft.materials.count() == 1
    assert Case.objects.filter(item=city_item).count() == 0
    good = client.post(
        url,
        {
            "item": city_item.code,
            "idempotency_key": "form-error",
            "draft": str(draft.pk),
            "person-person_name": "赵六",
            "person-id_number": ZHAOLIU,
            "person-phone": "13800000099",
            "person-consent": "on",
        },
    )
    assert good.status_code == 200, good.content.decode()[:800]
    case = Case.objects.get(item=city_item)
    material = case.materials.get(material_name="医师资格证书")
    assert material.original_name == "zige.pdf" and material.owner_id == case.applicant_id
    receipt = good.content.decode()
    for text in (case.number, "医师执业注册（测试）", "医师资格证书", "收件回执", "领取结果"):
        assert text in receipt
    assert 'media="print"' in receipt


def test_another_clerks_window_draft_is_not_used(city_item, people, media):
    other = services.save_draft(applicant=people["shichuangkou"], item=city_item, answers={})
    client = staff_client("chuangkou")
    page = client.post(
        "/console/cases/window/",
        {
            "item": city_item.code,
            "idempotency_key": "not-mine",
            "draft": str(other.pk),
            "person-person_name": "赵六",
            "person-id_number": ZHAOLIU,
            "person-phone": "13800000099",
            "person-consent": "on",
        },
    )
    assert page.status_code == 400  # the material is missing: the other clerk's draft was ignored
    assert Case.objects.filter(item=city_item).count() == 0


def test_receipt_needs_a_logged_in_intake_clerk(city_item):
    assert Client().get("/console/cases/window/").status_code in (302, 403)


def test_the_receipt_follows_the_way_of_collecting_the_applicant_chose(item, people, media):
    """An item form that asks 领卡方式 decides where the receipt says the result is collected."""
    from tongban.cases.window_selectors import window_receipt

    schema = {
        "type": "object",
        "properties": {
            "shop_name": {"type": "string", "title": "店铺名称"},
            "area": {"type": "number", "title": "经营面积（平方米）"},
            "collect": {"type": "string", "title": "领取方式", "enum": ["邮寄到家", "窗口领取"]},
        },
    }
    type(item).objects.filter(pk=item.pk).update(form=schema)
    item.refresh_from_db()
    case = services.file_at_window(
        clerk=people["chuangkou"],
        person_name="赵六",
        id_number=ZHAOLIU,
        phone="13800000099",
        item=item,
        answers={"shop_name": "赵记", "area": 12, "collect": "邮寄到家"},
        uploads=[("营业执照", upload())],
        consent=True,
        idempotency_key="collect",
    )
    assert window_receipt(case).collect_at == "按申请时选择的方式：邮寄到家"
