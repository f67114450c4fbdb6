import pytest
from django.core.exceptions import ValidationError

from tests.conftest import staff_client
from tongban.accounts import services
from tongban.accounts.models import RealNameLevel, User
from tongban.accounts.permissions import can
from tongban.demo.codes import id_number
from tongban.demo.orgs import department_code
from tongban.orgs.models import Department

pytestmark = pytest.mark.django_db


def test_real_name_check_against_the_population_registry_raises_the_level(demo):
    user = User.objects.get(username="wangfang")
    assert user.realname_level == RealNameLevel.REGISTERED
    services.verify_real_name(user=user)
    user.refresh_from_db()
    assert user.realname_level == RealNameLevel.BASIC


def test_real_name_check_fails_when_the_name_does_not_match(demo):
    user = services.register_person(
        username="fake",
        password="x-long-password-1",
        name="冒名者",
        phone="13700000001",
        id_number=id_number("440104", "20000229", 77),
    )
    with pytest.raises(ValidationError) as exc:
        services.verify_real_name(user=user)
    assert exc.value.code == "identity_mismatch"
    user.refresh_from_db()
    assert user.realname_level == RealNameLevel.REGISTERED


def test_an_id_number_registers_once(demo):
    with pytest.raises(ValidationError) as exc:
        services.register_person(
            username="again",
            password="x-long-password-1",
            name="张三",
            phone="13700000002",
            id_number=User.objects.get(username="zhangsan").id_number,
        )
    assert exc.value.code == "id_taken"


def test_clerk_sees_own_department_staff_but_not_another_department(demo):
    own = Department.objects.get(code=department_code(16))
    other = Department.objects.get(code=department_code(15))
    client = staff_client("banli")
    assert client.get(f"/console/departments/{own.code}/staff/").status_code == 200
    response = client.get(f"/console/departments/{other.code}/staff/")
    assert response.status_code == 403
    assert "没有权限" in response.content.decode()


def test_supervisor_sees_departments_in_their_region_subtree(demo):
    supervisor = User.objects.get(username="jiancha")
    district_department = Department.objects.get(code=department_code(15))
    assert can(supervisor, "orgs.view_department_staff", district_department)


def test_district_head_does_not_see_a_city_department(demo):
    head = User.objects.get(username="kezhang")
    assert not can(head, "orgs.view_department_staff", Department.objects.get(code=department_code(1)))


def test_representative_acts_for_the_company(citizen_client, demo):
    company = User.objects.get(username="naichadian")
    lisi = User.objects.get(username="lisi")
    assert can(lisi, "accounts.act_for", company)
    assert not can(User.objects.get(username="zhangsan"), "accounts.act_for", company)
    response = citizen_client.post("/account/act-for/", {"company": company.pk})
    assert response.status_code == 403, "zhangsan does not represent the company"


def test_acting_for_the_company_is_shown(demo):
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="lisi"), backend="django.contrib.auth.backends.ModelBackend")
    company = User.objects.get(username="naichadian")
    client.post("/account/act-for/", {"company": company.pk})
    assert "甜心奶茶店" in client.get("/account/").content.decode()


def test_org_updates_are_audited_but_an_unchanged_upsert_is_not(db):
    from tongban.core.models import AuditEntry
    from tongban.orgs.models import RegionLevel
    from tongban.orgs.services import upsert_department, upsert_region

    city = upsert_region(code="440100", name="广州市", level=RegionLevel.CITY, parent=None)
    department = upsert_department(code="DEPT-X", name="某局", region=city, phone="020-1")
    upsert_region(code="440100", name="广州市", level=RegionLevel.CITY, parent=None)
    upsert_department(code="DEPT-X", name="某局", region=city, phone="020-1")
    assert not AuditEntry.objects.filter(action__endswith=".update").exists()
    upsert_department(code="DEPT-X", name="某某局", region=city, phone="020-2")
    entry = AuditEntry.objects.get(action="department.update")
    assert entry.subject_id == str(department.pk)
    assert entry.details == {"changed": {"name": ["某局", "某某局"], "phone": ["020-1", "020-2"]}}
    upsert_region(code="440100", name="广州市人民政府", level=RegionLevel.CITY, parent=None)
    assert AuditEntry.objects.filter(action="region.update", subject_id=str(city.pk)).count() == 1
