"""Catalogue consistency rules (domain.md), checked on import and on every edit.

- 即办 ⇔ 即办件: an instant item has 0 committed days, a committed item more than 0;
- 承诺 ≤ 法定: committed days never exceed statutory days;
- 全程网办 (online depth 4) ⇒ 0 visits;
- visits > 0 ⇒ a reason (`visit_reason`). The exchange format has no such field, so an import
  only warns about it; an edit in the console requires it;
- not charged ⇒ no online payment and no amount;
- consulting phone (`phone`) ≠ complaint phone (`complaint_phone`);
- 行政许可: the steps' durations (`steps[].days`) add up to no more than the committed days;
- 一件事: the bundle's limit governs, so an item promising more days than its bundle is flagged
  (a warning: its case is due with the bundle), and the bundle's `field_map` names only its items.

`phone`, `complaint_phone`, `visit_reason` and `steps` are not format fields: they live in the
item's `extra`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from tongban.catalog.models import Handling, ItemKind, OnlineDepth

STEP_DURATION_KEYS = ("days", "duration_days", "duration", "time_limit")
ONLINE_PAYMENT_KEYS = ("online_payment", "pay_online")


@dataclass(frozen=True)
class Issue:
    """A broken rule: the field to fix and a plain message; warnings do not block."""

    field: str
    message: str
    warning: bool = False


def _digits(phone: Any) -> str:
    return re.sub(r"\D", "", str(phone or ""))


def amount_is_zero_or_absent(amount: Any) -> bool:
    if amount in (None, ""):
        return True
    try:
        return Decimal(str(amount)) == 0
    except InvalidOperation:
        return False


def step_days(step: Any) -> int | None:
    """The duration of one step in working days, or None when the step does not say."""
    if not isinstance(step, Mapping):
        return None
    for key in STEP_DURATION_KEYS:
        value = step.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit():
            return int(value.strip())
    return None


def check_item(
    *,
    kind: str,
    handling: str,
    statutory_days: int | None,
    committed_days: int,
    online_depth: int,
    max_visits: int,
    fee: Mapping[str, Any] | None,
    extra: Mapping[str, Any] | None,
    editing: bool = False,
) -> list[Issue]:
    """Every broken rule of one item. `editing` makes a missing visit reason an error."""
    issues: list[Issue] = []
    extra = extra or {}
    if handling == Handling.INSTANT and committed_days != 0:
        issues.append(Issue("committed_days", _("即办件当场办结，承诺办结时限应为 0 个工作日")))
    if handling == Handling.COMMITTED and committed_days == 0:
        issues.append(Issue("handling", _("承诺办结时限为 0 的事项应为即办件（handling 填 instant）")))
    if statutory_days is not None and committed_days > statutory_days:
        issues.append(Issue("committed_days", _("承诺办结时限不能超过法定办结时限")))
    if online_depth == OnlineDepth.FULLY_ONLINE and max_visits != 0:
        issues.append(Issue("max_visits", _("全程网办（网上办理深度 4）的事项到现场次数应为 0")))
    if max_visits > 0 and not str(extra.get("visit_reason") or "").strip():
        issues.append(
            Issue("visit_reason", _("需要到现场办理的事项应说明到现场的理由（visit_reason）"), warning=not editing)
        )
    if fee is not None and not fee.get("charged"):
        if any(fee.get(key) for key in ONLINE_PAYMENT_KEYS):
            issues.append(Issue("fee", _("不收费的事项不能开通网上缴费")))
        if not amount_is_zero_or_absent(fee.get("amount")):
            issues.append(Issue("fee.amount", _("不收费的事项不应填写收费金额")))
    phone, complaint = _digits(extra.get("phone")), _digits(extra.get("complaint_phone"))
    if phone and phone == complaint:
        issues.append(Issue("complaint_phone", _("咨询电话与监督投诉电话不能相同")))
    steps = extra.get("steps")
    if steps is not None:
        issues.extend(_check_steps(kind=kind, steps=steps, committed_days=committed_days))
    return issues


def _check_steps(*, kind: str, steps: Any, committed_days: int) -> list[Issue]:
    if not isinstance(steps, list):
        return [Issue("steps", _("办理环节（steps）应为列表，每个环节写明 days（工作日）"))]
    durations = [step_days(step) for step in steps]
    if kind != ItemKind.PERMIT:
        return []
    total = sum(d for d in durations if d is not None)
    if total > committed_days:
        return [
            Issue(
                "steps",
                _("各办理环节时限合计 %(total)s 个工作日，超过了承诺办结时限 %(committed)s 个工作日")
                % {"total": total, "committed": committed_days},
            )
        ]
    return []


def check_bundle(
    *, committed_days: int | None, items: Mapping[str, int], extra: Mapping[str, Any] | None = None
) -> list[Issue]:
    """Warnings about one bundle; `items` maps each item code to its committed days (承诺办结时限)."""
    issues: list[Issue] = []
    if committed_days is not None:
        longer = [f"{code}（{days}）" for code, days in items.items() if days > committed_days]
        if longer:
            issues.append(
                Issue(
                    "committed_days",
                    _("一件事承诺 %(days)s 个工作日办结，这些事项承诺的工作日更多，将按一件事的时限办结：%(items)s")
                    % {"days": committed_days, "items": "、".join(longer)},
                    warning=True,
                )
            )
    field_map = (extra or {}).get("field_map")
    if field_map is None:
        return issues
    if not isinstance(field_map, Mapping):
        return [
            *issues,
            Issue("field_map", _("字段对应关系（field_map）应为对象：事项编码 → 字段列表或字段对照"), warning=True),
        ]
    strangers = [str(code) for code in field_map if code not in items]
    if strangers:
        issues.append(
            Issue(
                "field_map",
                _("字段对应关系中的这些事项不在本一件事中：%(codes)s") % {"codes": "、".join(strangers)},
                warning=True,
            )
        )
    malformed = [str(code) for code, entry in field_map.items() if not isinstance(entry, list | Mapping)]
    if malformed:
        issues.append(
            Issue(
                "field_map",
                _("这些事项的字段对应应为字段列表或字段对照：%(codes)s") % {"codes": "、".join(malformed)},
                warning=True,
            )
        )
    return issues
