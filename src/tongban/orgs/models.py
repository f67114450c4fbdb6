"""Administrative regions (GB/T 2260), departments, service halls and windows."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tongban.core.validators import credit_code_validator


class RegionLevel(models.IntegerChoices):
    """行政层级."""

    PROVINCE = 2, _("省")
    CITY = 3, _("市")
    COUNTY = 4, _("县/区")
    TOWN = 5, _("乡镇/街道")
    VILLAGE = 6, _("村/社区")


class Region(models.Model):
    """行政区划: a node of the region tree; `code` is GB/T 2260 (6 digits) or longer below county."""

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=60)
    level = models.PositiveSmallIntegerField(choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    path = models.CharField(max_length=200, db_index=True, help_text="codes from the root, '/'-separated")

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")

    def __str__(self) -> str:
        return self.name

    def is_within(self, other: Region) -> bool:
        """True when this region is `other` or lies below it."""
        return self.path == other.path or self.path.startswith(other.path + "/")


class Department(models.Model):
    """部门 / 实施主体: an agency.

    `code` is how catalogues refer to it: its unified social credit code (统一社会信用代码) or a
    local code. `credit_code` holds the credit code once it passed the GB 32100 check.
    """

    code = models.CharField(max_length=40, unique=True)
    credit_code = models.CharField(
        max_length=18, unique=True, null=True, blank=True, validators=[credit_code_validator]
    )
    name = models.CharField(max_length=100)
    short_name = models.CharField(max_length=30, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("部门")

    def __str__(self) -> str:
        return self.name


class ServiceHall(models.Model):
    """政务服务大厅."""

    code = models.CharField(max_length=32, unique=True)
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="halls")
    address = models.CharField(max_length=200)
    opening_hours = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """窗口: a counter in a hall; comprehensive windows (综合窗口) take any item."""

    hall = models.ForeignKey(ServiceHall, on_delete=models.CASCADE, related_name="windows")
    number = models.CharField(max_length=10)
    name = models.CharField(max_length=60)
    is_comprehensive = models.BooleanField(default=True)
    departments = models.ManyToManyField(Department, blank=True, related_name="windows")

    class Meta:
        ordering = ["hall", "number"]
        constraints = [models.UniqueConstraint(fields=["hall", "number"], name="window_number_unique")]

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number}"
