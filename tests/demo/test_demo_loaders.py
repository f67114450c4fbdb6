"""Each demo loader on its own: what it creates, that a second run changes nothing, what it prints, and
that the demo command refuses to run outside demo mode. A small slice of the demo catalogue stands in
for the whole one (the two items the demo's processes and cases use)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts.models import RealNameLevel, StaffRole, User, UserKind
from tongban.cases.models import Case, CaseStatus, ClockState
from tongban.catalog.models import ServiceItem
from tongban.core.validators import validate_credit_code, validate_id_number
from tongban.demo import cases as demo_cases
from tongban.demo import catalog as demo_catalog
from tongban.demo import orgs as demo_orgs
from tongban.demo import people as demo_people
from tongban.demo import workflow as demo_workflow
from tongban.orgs.models import Department, Region, RegionLevel, ServiceHall

pytestmark = pytest.mark.django_db

SLICE = {"jingying", "THSJ-002", "RS-017"}


def said(loader, **kwargs) -> str:
    """What a loader prints (through the command's output wrapper, a line per write)."""
    out = io.StringIO()
    loader.load(stdout=OutputWrapper(out), **kwargs)
    return out.getvalue()


@pytest.fixture
def catalogue_slice(tmp_path: Path) -> Path:
    """The demo catalogue's lines for the theme and the two items the demo's cases and processes use."""
    lines = [
        line
        for line in demo_catalog.DEMO_FILE.read_text(encoding="utf-8").splitlines()
        if line.startswith("{") and json.loads(line).get("code") in SLICE
    ]
    assert len(lines) == len(SLICE)
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def people(db) -> None:
    said(demo_orgs)
    said(demo_people)


# --- the command ---------------------------------------------------------------------------------


def test_the_demo_command_refuses_outside_demo_mode(settings, db):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="TONGBAN_DEMO=true"):
        call_command("demo", stdout=io.StringIO())
    assert not User.objects.exists() and not Region.objects.exists()


# --- regions, departments, the hall --------------------------------------------------------------


def test_regions_hang_from_the_province_down_to_the_community(db):
    assert said(demo_orgs) == said(demo_orgs)  # the second run reports the same counts
    community = Region.objects.get(code="440106005001")
    assert community.level == RegionLevel.VILLAGE
    assert community.path == "440000/440100/440106/440106005/440106005001"
    assert Region.objects.count() == len(demo_orgs.REGIONS)


def test_departments_have_valid_credit_codes_in_their_regions(db):
    said(demo_orgs)
    assert Department.objects.count() == len(demo_orgs.DEPARTMENTS)
    for serial, name, _short, region, _phone in demo_orgs.DEPARTMENTS:
        department = Department.objects.get(code=demo_orgs.department_code(serial))
        assert validate_credit_code(department.code) == department.code
        assert (department.name, department.region.code) == (name, region)


def test_one_hall_with_three_comprehensive_windows(db):
    said(demo_orgs)
    said(demo_orgs)
    hall = ServiceHall.objects.get()
    assert hall.region.code == "440106" and hall.name == "天河区政务服务中心"
    assert sorted(w.number for w in hall.windows.all()) == ["01", "02", "03"]


# --- people --------------------------------------------------------------------------------------


def test_citizens_have_valid_id_numbers_and_their_real_name_levels(people):
    for username, name, phone, number, level in demo_people.CITIZENS:
        user = User.objects.get(username=username)
        assert (user.name, user.phone, user.realname_level) == (name, phone, level)
        assert validate_id_number(user.id_number) == number
        assert user.check_password(demo_people.DEMO_PASSWORD)
    assert User.objects.get(username="wangfang").realname_level == RealNameLevel.REGISTERED


def test_the_company_is_represented_by_lisi(people):
    company = User.objects.get(username=demo_people.COMPANY[0])
    assert company.kind == UserKind.LEGAL_PERSON
    assert company.legal_representative == User.objects.get(username="lisi")


def test_each_member_of_staff_has_the_role_scope_and_an_authenticator(people):
    for username, _name, phone, serial, role, scope in demo_people.STAFF:
        user = User.objects.get(username=username)
        assignment = user.assignments.get()
        assert (assignment.role, assignment.scope.code) == (role, scope)
        assert assignment.department.code == demo_orgs.department_code(serial)
        assert user.phone == phone and user.kind == UserKind.STAFF
        assert TOTPDevice.objects.get(user=user, name="default").confirmed


def test_city_handlers_both_review_and_decide(people):
    for username, *_rest in demo_people.CITY_HANDLERS:
        roles = set(User.objects.get(username=username).assignments.values_list("role", flat=True))
        assert roles == {StaffRole.HANDLING_CLERK, StaffRole.DEPARTMENT_HEAD}


def test_loading_people_twice_keeps_the_accounts_and_their_authenticators(people):
    keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    said(demo_people)
    assert dict(TOTPDevice.objects.values_list("user__username", "key")) == keys
    assert User.objects.count() == len(demo_people.CITIZENS) + 1 + len(demo_people.STAFF) + len(
        demo_people.CITY_HANDLERS
    )


def test_printed_accounts_give_the_password_and_codes_that_log_in(people):
    out = io.StringIO()
    demo_people.print_accounts(stdout=OutputWrapper(out))
    printed = out.getvalue()
    assert f"password for all: {demo_people.DEMO_PASSWORD}" in printed
    for username, *_rest in [*demo_people.CITIZENS, *demo_people.STAFF, *demo_people.CITY_HANDLERS]:
        assert username in printed
    device = TOTPDevice.objects.get(user__username="banli", name="default")
    line = next(line for line in printed.splitlines() if " banli " in line)
    code = line.split("code now ")[1].split()[0]
    now = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    before = f"{totp(device.bin_key, step=device.step, t0=device.t0 + device.step, digits=device.digits):06d}"
    assert code in (now, before)  # the 30-second step may have turned since it was printed
    assert device.config_url in line


# --- catalogue, processes, cases -------------------------------------------------------------------


def test_a_missing_catalogue_file_is_skipped_with_a_word(tmp_path, db):
    assert "not found, skipped" in said(demo_catalog, path=tmp_path / "none.jsonl")
    assert not ServiceItem.objects.exists()


def test_a_broken_catalogue_file_stops_the_demo_with_its_errors(tmp_path, people):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"type": "item", "code": "X-1"}\n', encoding="utf-8")
    with pytest.raises(RuntimeError, match="the demo catalogue has"):
        said(demo_catalog, path=broken)
    assert not ServiceItem.objects.exists()


def test_the_catalogue_slice_loads_twice_to_the_same_items(people, catalogue_slice):
    said(demo_catalog, path=catalogue_slice)
    hashes = dict(ServiceItem.objects.values_list("code", "content_hash"))
    said(demo_catalog, path=catalogue_slice)
    assert dict(ServiceItem.objects.values_list("code", "content_hash")) == hashes
    assert set(hashes) == {"THSJ-002", "RS-017"}


def test_processes_without_the_joint_item_load_and_say_so(people):
    out = said(demo_workflow)
    assert "processes: 3 definitions (3 new)" in out and "no joint review" in out
    assert "(0 new)" in said(demo_workflow)


def test_the_joint_item_is_reviewed_by_three_departments(people, catalogue_slice):
    said(demo_catalog, path=catalogue_slice)
    assert "RS-017" in said(demo_workflow)
    item = ServiceItem.objects.get(code=demo_workflow.JOINT_ITEM)
    assert item.process == "parallel_review"
    assert item.extra["departments"] == [demo_orgs.department_code(s) for s in demo_workflow.JOINT_DEPARTMENTS]


def test_cases_without_their_item_are_skipped(people):
    assert "skipped" in said(demo_cases)
    assert not Case.objects.exists()


def test_demo_cases_one_per_state_and_none_added_the_second_time(people, catalogue_slice, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    said(demo_catalog, path=catalogue_slice)
    said(demo_workflow)
    assert "(5 new)" in said(demo_cases)
    by_key = {c.idempotency_key: c for c in Case.objects.select_related("applicant")}
    assert by_key["demo-submitted"].status == CaseStatus.SUBMITTED
    assert by_key["demo-supplement"].status == CaseStatus.SUPPLEMENT_REQUESTED
    assert by_key["demo-approved"].status == CaseStatus.APPROVED
    assert by_key["demo-yellow"].clock_state == ClockState.YELLOW
    assert by_key["demo-red"].clock_state == ClockState.RED and by_key["demo-red"].applicant.username == "lisi"
    answers = by_key["demo-red"].answers
    assert answers["person_in_charge"] == "李四" and answers["phone"] == "13800000002"  # the applicant's own
    assert "(0 new)" in said(demo_cases)
    assert Case.objects.count() == 5


def test_the_demo_clerk_sees_the_demo_cases_clocks(people, catalogue_slice, settings, tmp_path):
    from tests.conftest import staff_client

    settings.DATA_DIR = tmp_path
    said(demo_catalog, path=catalogue_slice)
    said(demo_cases)
    red = Case.objects.get(idempotency_key="demo-red")
    yellow = Case.objects.get(idempotency_key="demo-yellow")
    client = staff_client("banli")
    assert "超期" in client.get(f"/console/cases/{red.number}/").content.decode()
    assert "即将超期" in client.get(f"/console/cases/{yellow.number}/").content.decode()
