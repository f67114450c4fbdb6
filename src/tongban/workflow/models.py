"""Process definitions: BPMN 2.0 files (and DMN tables), versioned and never edited in place."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ProcessDefinition(models.Model):
    """流程定义: one version of a BPMN process (with its DMN decision tables, if any).

    A new upload is a new version; running cases keep the version they started with, so a row
    is never changed after upload except `is_active` (only active versions start new cases).
    """

    key = models.SlugField(_("流程标识"), max_length=60)
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=200, blank=True)
    process_id = models.CharField(_("BPMN 流程 ID"), max_length=200)
    bpmn_xml = models.TextField(_("BPMN"))
    dmn_xml = models.TextField(_("DMN"), blank=True, default="")
    checksum = models.CharField(_("校验值"), max_length=64, editable=False, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["key", "-version"]
        verbose_name = _("流程定义")
        verbose_name_plural = _("流程定义")
        constraints = [models.UniqueConstraint(fields=["key", "version"], name="process_definition_key_version")]

    @staticmethod
    def compute_checksum(bpmn_xml: str, dmn_xml: str) -> str:
        """SHA-256 of the files: running states carry it, so a cached spec can never be the wrong one."""
        return hashlib.sha256(f"{bpmn_xml}\x00{dmn_xml}".encode()).hexdigest()

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"
