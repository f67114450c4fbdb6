"""Factories with traits for the tests: small, realistic data built through the services layer.

Each factory creates through the service that creates the thing in real life — regions and
departments through `orgs.services`, people through `accounts.services`, catalogue entries through
the catalogue import, cases through `cases.services` — so a trait such as `accepted=True` is the
case the services leave after submission and acceptance, not a row with a status typed in.

    case = CaseFactory(in_review=True, item__with_materials=True)
    clerk = StaffFactory(head=True, department=case.department)
"""

from tests.factories.accounts import CitizenFactory, CompanyFactory, StaffFactory, console_client, portal_client
from tests.factories.cases import BundleCaseFactory, CaseFactory
from tests.factories.catalog import BundleFactory, ServiceItemFactory, ThemeFactory
from tests.factories.orgs import DepartmentFactory, RegionFactory, ServiceHallFactory, WindowFactory

__all__ = [
    "BundleCaseFactory",
    "BundleFactory",
    "CaseFactory",
    "CitizenFactory",
    "CompanyFactory",
    "DepartmentFactory",
    "RegionFactory",
    "ServiceHallFactory",
    "ServiceItemFactory",
    "StaffFactory",
    "ThemeFactory",
    "WindowFactory",
    "console_client",
    "portal_client",
]
