"""Organisations API: the region tree and departments (public), department staff (scoped)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from tongban.accounts.models import User
from tongban.accounts.permissions import ensure_can
from tongban.accounts.selectors import staff_of_department
from tongban.api.schemas import ErrorOut
from tongban.orgs.models import Department, Region

router = Router(tags=["orgs"])


class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    region: str
    phone: str


class StaffOut(Schema):
    username: str
    name: str
    roles: list[str]


@router.get("/regions", auth=None, response=list[RegionOut])
def list_regions(request: HttpRequest) -> list[RegionOut]:
    return [
        RegionOut(code=r.code, name=r.name, level=r.level, parent=r.parent.code if r.parent else None)
        for r in Region.objects.select_related("parent")
    ]


@router.get("/departments", auth=None, response=list[DepartmentOut])
def list_departments(request: HttpRequest) -> list[DepartmentOut]:
    return [
        DepartmentOut(code=d.code, name=d.name, short_name=d.short_name, region=d.region.code, phone=d.phone)
        for d in Department.objects.select_related("region")
    ]


@router.get(
    "/departments/{code}/staff",
    response={200: list[StaffOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def department_staff(request: HttpRequest, code: str) -> list[StaffOut]:
    """Staff of a department: only its own staff and supervisors above it may see this."""
    department = get_object_or_404(Department.objects.select_related("region"), code=code)
    user = request.user
    assert isinstance(user, User)
    ensure_can(user, "orgs.view_department_staff", department)
    return [
        StaffOut(
            username=s.username,
            name=s.masked_name,
            roles=[a.role for a in s.assignments.all() if a.department_id == department.pk],
        )
        for s in staff_of_department(department.pk)
    ]
