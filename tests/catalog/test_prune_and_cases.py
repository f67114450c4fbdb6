"""Pruning the catalogue around what cases still need, and within an administrator's regions."""

from __future__ import annotations

import io
from typing import Any

import pytest

from tests.catalog.conftest import jsonl
from tests.factories import CaseFactory, DepartmentFactory, RegionFactory, ServiceItemFactory, StaffFactory
from tongban.cases.models import Case
from tongban.catalog.exporter import export_catalogue
from tongban.catalog.models import CatalogChange, ItemStatus, ServiceItem
from tongban.catalog.services import import_catalogue

pytestmark = pytest.mark.django_db


def lines_without(*codes: str) -> list[dict[str, Any]]:
    """The current catalogue as a file, less the items named."""
    import json

    out = io.StringIO()
    export_catalogue(stream=out)
    return [line for line in map(json.loads, out.getvalue().splitlines()) if line.get("code") not in codes]


def prune(lines: list[dict[str, Any]], *, actor: Any = None, confirm: int | None = None) -> Any:
    report = import_catalogue(stream=io.BytesIO(jsonl(*lines)), actor=actor, prune=True, confirm_prune=confirm)
    assert report.written, (report.reason, [str(p) for p in report.errors])
    return report


def test_an_item_with_cases_is_suspended_instead_of_deleted() -> None:
    case = CaseFactory(accepted=True)
    spare = ServiceItemFactory()
    report = prune(lines_without(case.item.code, spare.code), confirm=2)
    assert not ServiceItem.objects.filter(pk=spare.pk).exists()
    kept = ServiceItem.objects.get(pk=case.item.pk)
    assert kept.status == ItemStatus.SUSPENDED
    assert Case.objects.get(pk=case.pk).item == kept  # the case still has its item
    assert report.counts["item"].deleted == 1
    assert any(case.item.code in w.message for w in report.warnings)
    assert CatalogChange.objects.filter(code=spare.code, deleted=True).exists()


def test_a_suspended_item_takes_no_new_application() -> None:
    from django.core.exceptions import ValidationError

    case = CaseFactory()
    prune(lines_without(case.item.code), confirm=1)
    with pytest.raises(ValidationError) as caught:
        CaseFactory(item=ServiceItem.objects.get(pk=case.item.pk))
    assert caught.value.code == "item_suspended"


def test_an_administrators_prune_reaches_only_their_regions() -> None:
    city = RegionFactory()
    mine = [ServiceItemFactory(department=DepartmentFactory(region=city)) for _ in range(3)]
    elsewhere = ServiceItemFactory()
    admin = StaffFactory(administrator=True, scope=city)
    lines = [
        line
        for line in lines_without(mine[0].code, elsewhere.code)
        if line["type"] in ("item", "department") and line.get("region", "").startswith(city.code[:4])
    ]
    report = prune(lines, actor=admin, confirm=1)
    assert report.counts["item"].deleted == 1
    assert not ServiceItem.objects.filter(pk=mine[0].pk).exists()
    assert ServiceItem.objects.filter(pk=elsewhere.pk).exists()  # not in their regions: untouched
    assert ServiceItem.objects.filter(pk__in=[m.pk for m in mine[1:]]).count() == 2
