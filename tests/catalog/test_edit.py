"""Editing items: the consistency rules on edit, who may edit, and the console pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from tests.catalog.conftest import small_catalogue, stream
from tests.conftest import staff_client
from tongban.accounts.models import User
from tongban.catalog.models import CatalogChange, ServiceItem
from tongban.catalog.services import delete_item, import_catalogue, record_item_view, update_item
from tongban.core.models import AuditEntry


@pytest.fixture
def catalogue(demo):
    report = import_catalogue(stream=stream(*small_catalogue()), actor=None)
    assert report.written
    return report


@pytest.fixture
def admin(demo) -> User:
    return User.objects.get(username="admin")  # administrator, scope 广州市 (440100)


def birth() -> ServiceItem:
    return ServiceItem.objects.get(code="440100-GA-001")


def problems(changes: dict, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as failure:
        update_item(item=birth(), actor=User.objects.get(username="admin"), changes=changes, **kwargs)
    return failure.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"committed_days": 3}, "committed_days"),  # instant ⇒ 0 days
        ({"handling": "committed", "committed_days": 0}, "handling"),
        ({"handling": "committed", "statutory_days": 5, "committed_days": 10}, "committed_days"),
        ({"max_visits": 1, "visit_reason": "核验原件"}, "max_visits"),  # depth 4 ⇒ 0 visits
        ({"online_depth": 3, "max_visits": 1}, "visit_reason"),  # an error when editing
        ({"fee": {"charged": False, "online_payment": True}}, "fee"),
        ({"phone": "020-83118888", "complaint_phone": "020 8311 8888"}, "complaint_phone"),
        ({"online_depth": 9}, "online_depth"),
        ({"name": ""}, "name"),
    ],
)
def test_rules_are_enforced_on_edit(catalogue, changes, field):
    before = ServiceItem.objects.values().get(code="440100-GA-001")
    assert field in problems(changes)
    assert ServiceItem.objects.values().get(code="440100-GA-001") == before


def test_the_steps_rule_for_permits(catalogue, admin):
    ServiceItem.objects.filter(code="440100-GA-001").update(
        kind="permit", extra={"steps": [{"name": "受理", "days": 2}, {"name": "决定", "days": 2}]}
    )
    assert "steps" in problems({"handling": "committed", "committed_days": 3})
    update_item(item=birth(), actor=admin, changes={"handling": "committed", "committed_days": 4})
    assert birth().committed_days == 4


def test_a_valid_edit_is_saved_audited_and_logged(catalogue, admin):
    item = update_item(
        item=birth(),
        actor=admin,
        changes={"online_depth": 3, "max_visits": 1, "visit_reason": "核验原件", "name": "出生登记（新生儿）"},
        materials=[{"name": "出生医学证明", "required": True, "source": "government", "certificate_type": "x"}],
    )
    item.refresh_from_db()
    assert item.name == "出生登记（新生儿）" and item.extra["visit_reason"] == "核验原件"
    assert [m.name for m in item.materials.all()] == ["出生医学证明"]
    assert AuditEntry.objects.filter(action="catalog.item.update", subject_id=str(item.pk)).exists()
    assert CatalogChange.objects.filter(kind="item", code=item.code).count() == 2
    # the edit shows in an export and a re-import of the original file puts it back
    again = import_catalogue(stream=stream(*small_catalogue()), actor=None)
    assert again.counts["item"].updated == 1
    assert birth().name == "出生登记"


def test_only_administrators_of_the_region_may_edit(catalogue, demo):
    clerk = User.objects.get(username="banli")
    with pytest.raises(PermissionDenied):
        update_item(item=birth(), actor=clerk, changes={"name": "x"})
    citizen = User.objects.get(username="zhangsan")
    with pytest.raises(PermissionDenied):
        delete_item(item=birth(), actor=citizen)
    import_catalogue(
        stream=stream(
            {"type": "department", "code": "D-SZ", "name": "深圳市公安局", "region": "440300"},
            {**small_catalogue()[4], "code": "440300-GA-001", "department": "D-SZ", "region": "440300"},
        ),
        actor=None,
    )
    with pytest.raises(PermissionDenied):
        update_item(
            item=ServiceItem.objects.get(code="440300-GA-001"),
            actor=User.objects.get(username="admin"),
            changes={"name": "x"},
        )
    assert birth().name == "出生登记"


def test_an_administrator_import_stays_in_their_regions(catalogue, admin):
    report = import_catalogue(
        stream=stream(
            {"type": "department", "code": "D-SZ", "name": "深圳市公安局", "region": "440300"},
            {**small_catalogue()[4], "code": "440300-GA-001", "department": "D-SZ", "region": "440300"},
        ),
        actor=admin,
    )
    assert not report.written
    assert {(p.line, p.field) for p in report.errors} == {(1, "region"), (2, "region")}


def test_delete_and_views(catalogue, admin):
    record_item_view(item=birth())
    record_item_view(item=birth())
    assert birth().popularity == 2
    delete_item(item=birth(), actor=admin)
    assert not ServiceItem.objects.filter(code="440100-GA-001").exists()
    assert CatalogChange.objects.filter(code="440100-GA-001", deleted=True).exists()


# --- console pages ---------------------------------------------------------------------------------


def test_console_needs_a_verified_staff_member(catalogue, admin):
    client = Client()
    response = client.get("/console/catalog/items/440100-GA-001/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")
    client.force_login(admin, backend="django.contrib.auth.backends.ModelBackend")  # password only, no TOTP
    response = client.get("/console/catalog/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/")


def test_console_refuses_a_clerk(catalogue):
    client = staff_client("banli")
    assert client.get("/console/catalog/items/440100-GA-001/").status_code == 403


def _form_data(client: Client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    formset = response.context["formset"]
    data = {}
    for name, value in form.initial.items():
        if isinstance(value, list):
            data[name] = value
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value
    data.update({f"materials-{k}": v for k, v in formset.management_form.initial.items()})
    for i, initial in enumerate(formset.initial):
        for key, value in initial.items():
            if isinstance(value, bool):
                if value:
                    data[f"materials-{i}-{key}"] = "on"
            elif value is not None:
                data[f"materials-{i}-{key}"] = value
    return data


def test_console_edit_saves_and_shows_rule_messages(catalogue):
    client = staff_client("admin")
    listing = client.get("/console/catalog/?q=出生")
    assert listing.status_code == 200 and "440100-GA-001" in listing.content.decode()
    url = "/console/catalog/items/440100-GA-001/"
    data = _form_data(client, url)
    data.update({"online_depth": "3", "max_visits": "1", "visit_reason": ""})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "需要到现场办理的事项应说明到现场的理由" in response.content.decode()
    assert birth().max_visits == 0

    data.update({"visit_reason": "核验原件", "materials-0-name": "出生医学证明（电子）"})
    response = client.post(url, data)
    assert response.status_code == 302
    item = birth()
    assert item.max_visits == 1 and item.extra["visit_reason"] == "核验原件"
    assert item.materials.first().name == "出生医学证明（电子）"
    assert item.materials.first().certificate_type == "birth_medical_certificate"
