"""Reads of the organisation tree."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tongban.orgs.models import Department, Region


def regions_within(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(Q(path=region.path) | Q(path__startswith=region.path + "/"))


def departments_within(region: Region) -> QuerySet[Department]:
    return Department.objects.filter(
        Q(region__path=region.path) | Q(region__path__startswith=region.path + "/")
    ).select_related("region")


def root_region() -> Region:
    """The one region without a parent: the top of the platform's region tree."""
    roots = list(Region.objects.filter(parent=None)[:2])
    if not roots:
        raise ValidationError(
            _("还没有行政区划。请先用 tongban add-region 建立平台所辖的最高一级行政区划。"), code="no_region"
        )
    if len(roots) > 1:
        raise ValidationError(_("有多个最高一级行政区划，无法确定平台管理部门。"), code="many_root_regions")
    return roots[0]
