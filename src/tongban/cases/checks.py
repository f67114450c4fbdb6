"""Start-up check of the cases app: decision documents need a font with Chinese characters.

Without one, deciding a case fails (the decision and its document are one transaction); `tongban
check` and every management command warn about it early (cases.W001) instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage, Warning, register

from tongban.cases.decision_documents import DocumentFontMissing, document_font


@register()
def document_font_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        document_font()
    except DocumentFontMissing as exc:
        return [
            Warning(
                str(exc),
                hint="Decisions cannot be made until the font is there (办理结果文书 are PDFs in Chinese).",
                id="cases.W001",
            )
        ]
    return []
