"""Template context shared by portal and console."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    return {
        "platform_name": settings.TONGBAN["PLATFORM_NAME"],
        "help_line": settings.TONGBAN["HELP_LINE"],
        "elder_mode": getattr(request, "elder_mode", False),
        "demo_mode": settings.DEMO_MODE,
    }
