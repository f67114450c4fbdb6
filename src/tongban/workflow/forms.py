from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tongban.workflow.bpmn import MAX_XML_BYTES


class UploadProcessForm(forms.Form):
    """Upload of a new process version."""

    key = forms.SlugField(
        label=_("流程标识"), max_length=60, help_text=_("例如 single_review；同一标识再次上传即为新版本")
    )
    bpmn_file = forms.FileField(label=_("BPMN 文件（.bpmn）"))
    dmn_file = forms.FileField(label=_("DMN 决策表（.dmn，可选）"), required=False)

    def _read(self, name: str) -> bytes | None:
        upload = self.cleaned_data.get(name)
        if not upload:
            return None
        if upload.size > MAX_XML_BYTES:
            raise forms.ValidationError(_("文件过大（上限 2 MB）。"))
        return bytes(upload.read())

    def clean_bpmn_file(self) -> bytes | None:
        return self._read("bpmn_file")

    def clean_dmn_file(self) -> bytes | None:
        return self._read("dmn_file")
