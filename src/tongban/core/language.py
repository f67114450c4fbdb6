"""The reader's language beyond gettext: whether the page is 繁體, and dates in the language's words.

Gettext translates the interface; content (catalogue, histories, messages) is converted for 繁體 by
`traditional_chinese`, and dates are written as each language writes them.
"""

from __future__ import annotations

from datetime import date, datetime

from django.template import defaultfilters
from django.utils import timezone
from django.utils.translation import get_language

#: Date formats of the languages that do not write dates the Chinese way.
LONG_DATE = {"en": "j F Y"}
DATE_TIME = {"en": "j M Y, H:i"}
CHINESE_LONG_DATE = "Y年n月j日"
CHINESE_DATE_TIME = "Y-m-d H:i"


def page_is_traditional() -> bool:
    """繁體中文 is the active language."""
    return (get_language() or "").lower().startswith("zh-hant")


def _language() -> str:
    return (get_language() or "").split("-")[0].lower()


def _local(value: date | datetime | None) -> date | datetime | None:
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def long_date(value: date | datetime | None) -> str:
    """A date in words of the active language: 2026年12月22日, 22 December 2026 ("" for none)."""
    return str(defaultfilters.date(_local(value), LONG_DATE.get(_language(), CHINESE_LONG_DATE)))


def date_time(value: datetime | None) -> str:
    """A moment (in local time) in the active language: 2026-12-22 14:05, 22 Dec 2026, 14:05."""
    return str(defaultfilters.date(_local(value), DATE_TIME.get(_language(), CHINESE_DATE_TIME)))
