"""办理过程 in the reader's language.

A `CaseEvent` stores its label (and comment) in Chinese, as written when the step happened. Pages and
the API show them through the table below, by the event's action code: the stored text is matched
against the wordings its action writes, in the source language (a part that varies, such as a task
or department name, is read back out of it), and shown in the gettext translation of that wording
(context "case event"), so English and 繁體 pages read their own words. A label the table does not
know (older or newer wording) is translated when it is itself an interface string and otherwise
shown as stored; on 繁體 pages in Traditional characters either way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from functools import lru_cache
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, override, pgettext_lazy

from tongban.core.language import long_date, page_is_traditional
from tongban.core.traditional_chinese import to_traditional

#: action code → the labels events of that action are stored with (zh-Hans, as the services write them)
LABELS: dict[str, tuple[Promise, ...]] = {
    "submit": (pgettext_lazy("case event", "申报"), pgettext_lazy("case event", "一件事联合申报")),
    "instant": (pgettext_lazy("case event", "即办件：请当场受理、审查并作出决定"),),
    "wait": (pgettext_lazy("case event", "等待前序事项“%(name)s”办结"),),
    "accept": (
        pgettext_lazy("case event", "已受理"),
        pgettext_lazy("case event", "受理"),
        pgettext_lazy("case event", "视为受理（未在 5 个工作日内一次性告知补正）"),
    ),
    "consent": (pgettext_lazy("case event", "申请人当场授权窗口代为填报"),),
    "claim": (pgettext_lazy("case event", "认领：%(task)s"),),
    "release": (pgettext_lazy("case event", "退回待办：%(task)s"),),
    "request_supplement": (pgettext_lazy("case event", "待补正"),),
    "supplement": (pgettext_lazy("case event", "已补正"),),
    "review": (pgettext_lazy("case event", "审查通过"), pgettext_lazy("case event", "审查意见：不同意")),
    "transfer": (pgettext_lazy("case event", "移交至%(to)s"),),
    "special_procedure": (pgettext_lazy("case event", "进入特别程序：%(kind)s（不计入办理时限）"),),
    "extend": (pgettext_lazy("case event", "经负责人批准延期 %(days)s 个工作日，办结期限至 %(due)s"),),
    "special_procedure_end": (pgettext_lazy("case event", "特别程序结束，恢复计时"),),
    "decide": (
        pgettext_lazy("case event", "准予许可，办结"),
        pgettext_lazy("case event", "不予许可"),
        pgettext_lazy("case event", "不予受理"),
        pgettext_lazy("case event", "已撤回"),
        pgettext_lazy("case event", "补正不来办结"),
        pgettext_lazy("case event", "办结（%(end)s）"),
    ),
    "deliver": (
        pgettext_lazy("case event", "电子送达：%(what)s已送达您的账户"),
        pgettext_lazy("case event", "已领取办理结果（窗口送达）"),
    ),
    "withdraw": (pgettext_lazy("case event", "已撤回"),),
    "start": (pgettext_lazy("case event", "前序事项已办结，开始办理"),),
    "stop": (pgettext_lazy("case event", "终止办理"),),
    "conclude": (pgettext_lazy("case event", "一件事办结"),),
    "clock_yellow": (pgettext_lazy("case event", "即将到期"),),
    "clock_red": (pgettext_lazy("case event", "超期"),),
}

#: Comments the services write (any action); the rest is what a person wrote and is shown as written.
COMMENTS: tuple[Promise, ...] = (
    pgettext_lazy("case event", "承诺 %(days)s 个工作日内办结，最迟 %(due)s。"),
    pgettext_lazy("case event", "您的申请已依法视为受理。"),
    pgettext_lazy("case event", "即办件：当日办结。"),
    pgettext_lazy("case event", "请补正：%(list)s"),
    pgettext_lazy("case event", "依据规则自动办理：%(rule)s"),
    pgettext_lazy("case event", "应申请人要求撤回：%(reason)s"),
    pgettext_lazy("case event", "不予受理理由：%(reasons)s。依据：%(basis)s"),
)

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Event(Protocol):
    """What is needed of a `CaseEvent` (or a timeline entry built from one)."""

    action: str
    label: str
    comment: str


#: The language the services write in: a wording's text in it is what events store.
SOURCE_LANGUAGE = "zh-hans"


@lru_cache(maxsize=512)
def _pattern(stored_wording: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(stored_wording)  # text, name, text, name, …, text
    regex = "".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.*?)" for i, part in enumerate(parts))
    return re.compile(f"^{regex}$", re.DOTALL)


def _source(wording: Promise) -> str:
    with override(SOURCE_LANGUAGE):
        return str(wording)


def _in_reader_language(value: str) -> str:
    """A part read back out of a stored text: a date in the reader's words, an interface word translated."""
    if not value:
        return value  # gettext("") would answer the catalogue's header
    if _ISO_DATE.fullmatch(value):
        return long_date(date.fromisoformat(value))
    return gettext(value)


def _shown(stored: str, wordings: Iterable[Promise], part: Callable[[str], str] = _in_reader_language) -> str:
    for wording in wordings:
        found = _pattern(_source(wording)).match(stored)
        if found is None:
            continue
        parts = {name: part(value) for name, value in found.groupdict().items()}
        text = str(wording) % parts if parts else str(wording)
        break
    else:
        text = gettext(stored) if stored else stored
    return to_traditional(text) if page_is_traditional() else text


def label_of(event: Event) -> str:
    """The event's label in the active language."""
    return _shown(event.label, LABELS.get(event.action, ()))


def comment_of(event: Event) -> str:
    """The event's comment in the active language (what a person wrote stays as written)."""
    return _shown(event.comment, COMMENTS) if event.comment else ""


# --- messages (站内消息) ------------------------------------------------------------------------------

#: How tongban.cases.services.common words a message to the applicant (zh-Hans, as stored).
MESSAGE_TITLES: tuple[Promise, ...] = (
    gettext_lazy("%(what)s：%(headline)s"),
    gettext_lazy("%(item)s：窗口已收到您的申请"),
)
MESSAGE_BODIES: tuple[Promise, ...] = (
    gettext_lazy("办件编号 %(number)s。%(detail)s"),
    gettext_lazy("办件编号 %(number)s，%(state)s。"),
)
#: What a message's detail says, besides the event comments above.
MESSAGE_DETAILS: tuple[Promise, ...] = (
    *COMMENTS,
    gettext_lazy("请携带本人身份证件到%(department)s窗口领取%(what)s。"),
    gettext_lazy("%(count)s 个事项由相关部门办理，最迟 %(due)s 全部办结。"),
    gettext_lazy("最迟 %(due)s 办结。"),
)


class StoredMessage(Protocol):
    title: str
    body: str


def _message_part(value: str) -> str:
    """A part of a message: a headline or state is an interface word; a detail one of the wordings."""
    if _ISO_DATE.fullmatch(value) or not value:
        return _in_reader_language(value)
    translated = gettext(value)
    if translated != value:
        return translated
    return _shown(value, MESSAGE_DETAILS)


def message_title_of(message: StoredMessage) -> str:
    """A message's title in the active language (the item's name stays as the catalogue has it)."""
    return _shown(message.title, MESSAGE_TITLES, _message_part)


def message_body_of(message: StoredMessage) -> str:
    return _shown(message.body, MESSAGE_BODIES, _message_part)
