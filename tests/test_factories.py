"""The factories make what the services make: each trait is checked against the state it names."""

from __future__ import annotations

import pytest

from tests.factories import (
    BundleCaseFactory,
    BundleFactory,
    CaseFactory,
    CitizenFactory,
    CompanyFactory,
    DepartmentFactory,
    RegionFactory,
    ServiceItemFactory,
    StaffFactory,
    ThemeFactory,
    WindowFactory,
)
from tongban.accounts.models import RealNameLevel, StaffRole, UserKind
from tongban.cases.models import CaseStatus, CaseTask, ClockState, MaterialOrigin, TaskStatus
from tongban.catalog.models import CatalogChange, ItemStatus
from tongban.core.models import AuditEntry
from tongban.core.validators import validate_credit_code, validate_id_number
from tongban.orgs.models import Region, RegionLevel

pytestmark = pytest.mark.django_db


def test_regions_hang_under_one_province():
    county = RegionFactory(county=True)
    city = county.parent
    assert county.level == RegionLevel.COUNTY and city.level == RegionLevel.CITY
    assert county.code.startswith(city.code[:4])
    assert county.path == f"440000/{city.code}/{county.code}"
    RegionFactory()
    assert list(Region.objects.filter(parent=None).values_list("code", flat=True)) == ["440000"]


def test_departments_have_valid_credit_codes_and_are_audited():
    department = DepartmentFactory()
    assert validate_credit_code(department.credit_code) == department.code
    assert AuditEntry.objects.filter(action="department.create").count() == 1


def test_citizens_register_with_valid_identity_and_can_be_verified():
    plain, verified = CitizenFactory(), CitizenFactory(verified=True)
    assert validate_id_number(plain.id_number) == plain.id_number
    assert plain.realname_level == RealNameLevel.REGISTERED
    assert verified.realname_level == RealNameLevel.BASIC
    assert plain.kind == UserKind.PERSON and plain.check_password("Tongban@2026!")
    assert CitizenFactory(without_id=True).id_number == ""


def test_company_is_represented_by_its_legal_representative():
    company = CompanyFactory()
    assert company.kind == UserKind.LEGAL_PERSON
    assert company.representatives.get().person == company.legal_representative


@pytest.mark.parametrize(
    ("trait", "role"),
    [
        ("intake", StaffRole.INTAKE_CLERK),
        ("handling", StaffRole.HANDLING_CLERK),
        ("head", StaffRole.DEPARTMENT_HEAD),
        ("supervisor", StaffRole.SUPERVISOR),
        ("data_officer", StaffRole.DATA_OFFICER),
        ("administrator", StaffRole.ADMINISTRATOR),
    ],
)
def test_staff_traits_give_the_role_and_a_confirmed_device(trait, role):
    user = StaffFactory(**{trait: True})
    assignment = user.assignments.get()
    assert assignment.role == role and assignment.scope == assignment.department.region
    assert user.totpdevice_set.get().confirmed


def test_staff_with_extra_roles_in_one_department():
    user = StaffFactory(head=True, extra_roles=[StaffRole.HANDLING_CLERK])
    assert sorted(user.assignments.values_list("role", flat=True)) == ["department_head", "handling_clerk"]


def test_item_traits_are_imported_catalogue_entries():
    item = ServiceItemFactory(with_materials=True, fee=True)
    assert item.content_hash and item.charged
    assert [m.name for m in item.materials.all()] == ["营业执照", "健康证明", "居民身份证"]
    assert CatalogChange.objects.filter(kind="item", code=item.code).exists()
    assert ServiceItemFactory(instant=True).is_instant
    assert ServiceItemFactory(suspended=True).status == ItemStatus.SUSPENDED
    window = ServiceItemFactory(window_only=True)
    assert window.online_depth == 2 and window.extra["visit_reason"]
    parallel = ServiceItemFactory(parallel=True)
    assert parallel.process == "parallel_review" and len(parallel.extra["departments"]) == 2


def test_bundle_and_theme_link_their_items():
    theme = ThemeFactory()
    item = ServiceItemFactory(themes=[theme])
    bundle = BundleFactory(items=[item, ServiceItemFactory()], themes=[theme])
    assert list(theme.items.all()) == [item]
    assert next(bi.item_id for bi in bundle.bundle_items.all()) == item.code
    assert list(bundle.themes.all()) == [theme]


def test_window_of_a_hall():
    window = WindowFactory()
    assert window.is_comprehensive and window.hall.region.level == RegionLevel.COUNTY


def test_submitted_case_waits_for_intake():
    case = CaseFactory(item__with_materials=True)
    assert case.status == CaseStatus.SUBMITTED and case.query_code_plain
    assert case.materials.filter(material_name="营业执照", source=MaterialOrigin.UPLOAD).exists()
    assert CaseTask.objects.get(case=case).bpmn_id == "accept"


@pytest.mark.parametrize(
    ("trait", "status", "open_step"),
    [
        ("accepted", CaseStatus.ACCEPTED, "review"),
        ("in_review", CaseStatus.IN_REVIEW, "decide"),
        ("supplement_requested", CaseStatus.SUPPLEMENT_REQUESTED, "supplement_intake"),
        ("approved", CaseStatus.APPROVED, None),
        ("refused", CaseStatus.REFUSED, None),
        ("refused_at_intake", CaseStatus.REFUSED_AT_INTAKE, None),
        ("withdrawn", CaseStatus.WITHDRAWN, None),
    ],
)
def test_case_traits_are_states_the_services_leave(trait, status, open_step):
    case = CaseFactory(**{trait: True})
    assert case.status == status
    steps = list(case.tasks.exclude(status=TaskStatus.DONE).values_list("bpmn_id", flat=True))
    assert steps == ([open_step] if open_step else [])


def test_parallel_case_is_reviewed_by_every_department_before_approval():
    case = CaseFactory(item__parallel=True, approved=True)
    reviews = case.tasks.filter(bpmn_id="department_review")
    assert case.status == CaseStatus.APPROVED
    assert {t.department_id for t in reviews} == {d.pk for d in _departments(case.item)}


def _departments(item):
    from tongban.orgs.models import Department

    return Department.objects.filter(code__in=item.extra["departments"])


@pytest.mark.parametrize(("trait", "state"), [("yellow", ClockState.YELLOW), ("overdue", ClockState.RED)])
def test_clock_traits_are_flagged_by_the_daily_scan(trait, state):
    case = CaseFactory(**{trait: True})
    assert case.status == CaseStatus.ACCEPTED
    assert case.clock_state == state
    assert case.events.filter(action=f"clock_{state}").exists()


def test_window_case_is_accepted_on_the_spot_for_the_present_citizen():
    case = CaseFactory(window=True)
    assert case.channel == "window" and case.filed_by is not None
    assert case.status == CaseStatus.ACCEPTED


def test_company_case_is_acted_for():
    case = CaseFactory(for_company=True)
    assert case.acting_for.kind == UserKind.LEGAL_PERSON
    assert case.applicant == case.acting_for.legal_representative


def test_bundle_child_and_parent():
    child = CaseFactory(bundle_child=True, accepted=True)
    assert child.bundle_case is not None and child.status == CaseStatus.ACCEPTED
    parent = BundleCaseFactory()
    assert parent.children.count() == 2 and parent.bundle is not None
