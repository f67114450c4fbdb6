"""Reads of the organisation tree."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tongban.orgs.models import Department, Region


def regions_within(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(Q(path=region.path) | Q(path__startswith=region.path + "/"))


def departments_within(region: Region) -> QuerySet[Department]:
    return Department.objects.filter(
        Q(region__path=region.path) | Q(region__path__startswith=region.path + "/")
    ).select_related("region")
