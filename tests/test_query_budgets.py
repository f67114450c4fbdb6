"""Query-count budgets: the lists and pages people open most, at two sizes of data.

Every check builds its data with the factories at a small and a large size, opens the page (or
calls the endpoint) once to warm the per-process caches, then counts the queries of a second
request. The count must not grow with the rows (an N+1 guard: small and large are equal) and must
stay within the budget below. A count is every SQL statement of one request — session, second
factor, permission look-ups, the audit entry of a staff read, savepoints — so SQLite (whose cache
is a database table) counts one more than PostgreSQL with Redis on most pages.

| page or endpoint                                    | sizes                     | measured SQLite / PG | budget |
| --------------------------------------------------- | ------------------------- | -------------------- | ------ |
| console to-do list        /console/cases/           | 3 / 30 cases, six states  |  7 / 6               |      9 |
| console oversight         /console/cases/oversight/ | 3 / 30 yellow + red cases |  8 / 7               |     10 |
| my cases                  /my/cases/                | 3 / 30 cases and a bundle |  6 / 5               |      8 |
| portal case page          /my/cases/<number>/       | 2 / 12 materials, 0 / 3 督办 |  7 / 6             |     10 |
| portal bundle case page   /my/cases/<number>/       | 2 / 6 bundle children     |  9 / 8               |     12 |
| console case page         /console/cases/<number>/  | 2 / 12 materials, 0 / 3 督办 | 15 / 14            |     17 |
| console bundle case page  /console/cases/<number>/  | 2 / 6 bundle children     | 15 / 14              |     17 |
| search results page       /search/?q=               | 3 / 30 matching items     |  4 / 4               |      5 |
| item guide                /services/<code>/         | 3 / 30 materials, 子项     | 12 / 12              |     14 |
| API my cases              GET /cases/mine           | 3 / 30 cases              |  4 / 3               |      5 |
| API to-do                 GET /cases/staff/tasks    | 3 / 30 cases              |  6 / 5               |      7 |
| API oversight             GET /cases/staff/oversight| 3 / 30 cases              |  8 / 7               |      9 |
| API my data uses          GET /accounts/me/data-uses| 3 / 30 staff reads        |  7 / 6               |      8 |
| API search                GET /catalog/search       | 3 / 30 matching items     |  1 / 1               |      2 |
| API themes                GET /catalog/themes       | 3 / 30 themes             |  1 / 1               |      2 |
| API regions               GET /orgs/regions         | 3 / 30 regions            |  1 / 1               |      2 |
| API departments           GET /orgs/departments     | 3 / 30 departments        |  1 / 1               |      2 |
| API department staff      GET /orgs/departments/…/staff | 3 / 30 staff          |  7 / 6               |      8 |

The item guide counts its own write: opening a guide adds a view (`record_item_view`: an UPDATE, a
change-log row when the count doubles, inside a savepoint).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from tests.factories import (
    BundleCaseFactory,
    BundleFactory,
    CaseFactory,
    CitizenFactory,
    DepartmentFactory,
    RegionFactory,
    ServiceItemFactory,
    StaffFactory,
    ThemeFactory,
    console_client,
    portal_client,
)
from tongban.accounts.models import StaffRole
from tongban.cases import selectors as case_selectors
from tongban.cases import services as case_services

pytestmark = pytest.mark.django_db

BUDGETS = {
    "console_todo": 9,
    "console_oversight": 10,
    "my_cases": 8,
    "portal_case": 10,
    "portal_bundle_case": 12,
    "console_case": 17,
    "console_bundle_case": 17,
    "search_page": 5,
    "item_guide": 14,
    "api_my_cases": 5,
    "api_todo": 7,
    "api_oversight": 9,
    "api_data_uses": 8,
    "api_search": 2,
    "api_themes": 2,
    "api_regions": 2,
    "api_departments": 2,
    "api_department_staff": 8,
}
SMALL, LARGE = 3, 30


@pytest.fixture
def count(django_assert_max_num_queries: Any) -> Callable[..., int]:
    """count(budget_name, client, url): the queries of one warmed-up GET, held to the budget."""

    def run(name: str, client: Client, url: str, **headers: Any) -> int:
        assert client.get(url, **headers).status_code == 200, url
        with django_assert_max_num_queries(BUDGETS[name]) as captured:
            response = client.get(url, **headers)
        assert response.status_code == 200, url
        return len(captured)

    return run


def assert_flat(small: int, large: int) -> None:
    assert large == small, f"queries grew with the rows: {small} → {large}"


# --- the to-do list and oversight ---------------------------------------------------------------------

STATES = ("submitted", "accepted", "in_review", "yellow", "overdue", "supplement_requested")


def _department_cases(department: Any, item: Any, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        state = STATES[i % len(STATES)]
        traits = {state: True}
        if state == "supplement_requested":
            traits = {"supplement_requested": True}
        CaseFactory(item=item, **traits)
    # some tasks claimed, so the list shows who holds them
    for task in case_selectors.todo_for(clerk=_chief(department))[0][: n // 3]:
        if task.status == "open" and not task.waits_for_applicant:
            case_services.claim_task(task=task, clerk=_chief(department), expected_version=task.version)


def _chief(department: Any) -> Any:
    from tests.factories.accounts import staff_of

    return staff_of(department, StaffRole.DEPARTMENT_HEAD)


@pytest.fixture
def department_with_chief() -> tuple[Any, Any, Any]:
    department = DepartmentFactory()
    item = ServiceItemFactory(department=department, with_materials=True)
    chief = StaffFactory(
        head=True, department=department, extra_roles=[StaffRole.INTAKE_CLERK, StaffRole.HANDLING_CLERK]
    )
    return department, item, chief


def test_console_todo_list(count, department_with_chief):
    department, item, chief = department_with_chief
    client = console_client(chief)
    _department_cases(department, item, SMALL)
    small = count("console_todo", client, "/console/cases/")
    _department_cases(department, item, LARGE - SMALL, start=SMALL)
    large = count("console_todo", client, "/console/cases/")
    assert_flat(small, large)


def test_api_todo(count, department_with_chief):
    department, item, chief = department_with_chief
    client = console_client(chief)
    _department_cases(department, item, SMALL)
    small = count("api_todo", client, "/api/v1/cases/staff/tasks")
    _department_cases(department, item, LARGE - SMALL, start=SMALL)
    large = count("api_todo", client, "/api/v1/cases/staff/tasks")
    assert_flat(small, large)


def _late_cases(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        CaseFactory(**{("yellow" if i % 2 else "overdue"): True})


@pytest.mark.parametrize(
    ("name", "url"),
    [("console_oversight", "/console/cases/oversight/"), ("api_oversight", "/api/v1/cases/staff/oversight")],
)
def test_oversight(count, name, url):
    supervisor = StaffFactory(supervisor=True, department=DepartmentFactory(), scope=RegionFactory(province=True))
    client = console_client(supervisor)
    _late_cases(SMALL)
    small = count(name, client, url)
    _late_cases(LARGE - SMALL, start=SMALL)
    large = count(name, client, url)
    assert_flat(small, large)


# --- my cases ----------------------------------------------------------------------------------------


def _cases_of(citizen: Any, n: int, start: int = 0) -> None:
    states = ("submitted", "accepted", "approved", "supplement_requested", "refused")
    for i in range(start, start + n):
        CaseFactory(applicant=citizen, **{states[i % len(states)]: True})


@pytest.mark.parametrize(("name", "url"), [("my_cases", "/my/cases/"), ("api_my_cases", "/api/v1/cases/mine")])
def test_my_cases(count, name, url):
    citizen = CitizenFactory(verified=True)
    client = portal_client(citizen)
    _cases_of(citizen, SMALL)
    BundleCaseFactory(applicant=citizen)
    small = count(name, client, url)
    _cases_of(citizen, LARGE - SMALL, start=SMALL)
    large = count(name, client, url)
    assert_flat(small, large)


# --- one case: portal and console --------------------------------------------------------------------


def _case_with_materials(n: int, supervisions: int = 0) -> Any:
    """A case in review with `n` uploaded materials and `supervisions` 督办 (each with its history entry)."""
    materials = [
        {"name": f"附件材料{i}", "required": True, "form": "electronic", "source": "applicant"} for i in range(n)
    ]
    case = CaseFactory(item=ServiceItemFactory(materials=materials), in_review=True)
    for i in range(supervisions):
        supervisor = StaffFactory(supervisor=True, department=case.department)
        case_services.supervise_case(
            case=case, supervisor=supervisor, instruction=f"请加快办理（{i + 1}）", reply_within_days=3
        )
    return case


@pytest.mark.parametrize("where", ["portal", "console"])
def test_case_page(count, where):
    small_case, large_case = _case_with_materials(2), _case_with_materials(12, supervisions=3)
    name = f"{where}_case"

    def url(case: Any) -> str:
        return f"/my/cases/{case.number}/" if where == "portal" else f"/console/cases/{case.number}/"

    def client(case: Any) -> Client:
        if where == "portal":
            return portal_client(case.applicant)
        return console_client(StaffFactory(head=True, department=case.department))

    small = count(name, client(small_case), url(small_case))
    large = count(name, client(large_case), url(large_case))
    assert_flat(small, large)


@pytest.mark.parametrize("where", ["portal", "console"])
def test_bundle_case_page(count, where):
    small_case = BundleCaseFactory(bundle=BundleFactory(items=[ServiceItemFactory() for _ in range(2)]))
    large_case = BundleCaseFactory(bundle=BundleFactory(items=[ServiceItemFactory() for _ in range(6)]))
    name = f"{where}_bundle_case"

    def url(case: Any) -> str:
        return f"/my/cases/{case.number}/" if where == "portal" else f"/console/cases/{case.number}/"

    def client(case: Any) -> Client:
        if where == "portal":
            return portal_client(case.applicant)
        return console_client(StaffFactory(supervisor=True, scope=RegionFactory(province=True)))

    small = count(name, client(small_case), url(small_case))
    large = count(name, client(large_case), url(large_case))
    assert_flat(small, large)


# --- search and the item guide ----------------------------------------------------------------------


@pytest.fixture
def index(settings: Any, tmp_path: Path) -> Any:
    from tongban.search import services

    settings.DATA_DIR = tmp_path
    services.synonym_cache.invalidate()
    yield services
    services._engine = None
    services.synonym_cache.invalidate()


def _licences(n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        ServiceItemFactory(name=f"测试经营许可{i}", with_materials=bool(i % 2))


@pytest.mark.parametrize(
    ("name", "url"),
    [("search_page", "/search/?q=经营许可"), ("api_search", "/api/v1/catalog/search?q=经营许可&limit=50")],
)
def test_search(count, index, name, url):
    _licences(SMALL)
    index.rebuild_index()
    small = count(name, Client(), url)
    _licences(LARGE - SMALL, start=SMALL)
    index.apply_catalogue_changes()
    large = count(name, Client(), url)
    assert_flat(small, large)


def _guide_item(n: int) -> Any:
    materials = [{"name": f"材料{i}", "required": i % 2 == 0, "source": "applicant"} for i in range(n)]
    themes = [ThemeFactory() for _ in range(min(n, 5))]
    item = ServiceItemFactory(materials=materials, themes=themes)
    for _ in range(n // 3):
        ServiceItemFactory(parent=item, department=item.department, situation="变更")
    BundleFactory(items=[item, ServiceItemFactory()])
    return item


def test_item_guide(count):
    small, large = _guide_item(SMALL), _guide_item(LARGE)
    assert_flat(
        count("item_guide", Client(), f"/services/{small.code}/"),
        count("item_guide", Client(), f"/services/{large.code}/"),
    )


# --- list endpoints of the API -------------------------------------------------------------------------


def test_api_themes(count):
    for _ in range(SMALL):
        ServiceItemFactory(themes=[ThemeFactory()])
    small = count("api_themes", Client(), "/api/v1/catalog/themes")
    for _ in range(LARGE - SMALL):
        ServiceItemFactory(themes=[ThemeFactory()])
    large = count("api_themes", Client(), "/api/v1/catalog/themes")
    assert_flat(small, large)


def test_api_regions(count):
    for _ in range(SMALL):
        RegionFactory(county=True)
    small = count("api_regions", Client(), "/api/v1/orgs/regions")
    for _ in range(LARGE - SMALL):
        RegionFactory(county=True)
    large = count("api_regions", Client(), "/api/v1/orgs/regions")
    assert_flat(small, large)


def test_api_departments(count):
    for _ in range(SMALL):
        DepartmentFactory()
    small = count("api_departments", Client(), "/api/v1/orgs/departments")
    for _ in range(LARGE - SMALL):
        DepartmentFactory()
    large = count("api_departments", Client(), "/api/v1/orgs/departments")
    assert_flat(small, large)


def test_api_department_staff(count):
    department = DepartmentFactory()
    head = StaffFactory(head=True, department=department, extra_roles=[StaffRole.HANDLING_CLERK])
    client = console_client(head)
    for _ in range(SMALL):
        StaffFactory(department=department)
    url = f"/api/v1/orgs/departments/{department.code}/staff"
    small = count("api_department_staff", client, url)
    for _ in range(LARGE - SMALL):
        StaffFactory(department=department, extra_roles=[StaffRole.INTAKE_CLERK])
    large = count("api_department_staff", client, url)
    assert_flat(small, large)


def test_api_data_uses(count):
    citizen = CitizenFactory(verified=True)
    case = CaseFactory(applicant=citizen, accepted=True)
    client = portal_client(citizen)

    def reads(n: int) -> None:
        for _ in range(n):
            clerk = StaffFactory(department=case.department)
            case_selectors.get_case_for(user=clerk, number=case.number)

    reads(SMALL)
    small = count("api_data_uses", client, "/api/v1/accounts/me/data-uses?page_size=100")
    reads(LARGE - SMALL)
    large = count("api_data_uses", client, "/api/v1/accounts/me/data-uses?page_size=100")
    assert_flat(small, large)
