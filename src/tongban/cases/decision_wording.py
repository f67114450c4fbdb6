"""决定用语: how each kind of item (事项类型, GB/T 39046 A.1) words its decisions — one table.

A licence is granted (准予行政许可决定书), a registration is made (准予登记通知书), a benefit is
paid (给付决定书), a public service is done (办理结果告知书); refusals at intake are 不予受理 for
every kind. The history label, the word on the case page and the document's title and operative
sentence all come from here, so "准予许可" never stands on a registration or a public service.

An item that is not a licence and whose name ends in 登记 or 备案 (before a bracketed situation,
as in 不动产转移登记（继承）) is worded as a registration or a filing whatever its kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.catalog.models import ItemKind, ServiceItem


class Outcome(StrEnum):
    """How a case ended, as the process (or the clerk) decided it."""

    APPROVED = "approved"
    REFUSED = "refused"
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    NOT_SUPPLEMENTED = "not_supplemented"  # 补正不来办结
    WITHDRAWN = "cancelled"  # 撤回: the applicant's own act, no document
    CONCLUDED = "concluded"  # any other end event of the process


@dataclass(frozen=True)
class Wording:
    """The words of one kind of decision: granted and refused."""

    grant: Promise  # the outcome in a word, on the case page
    grant_label: Promise  # the history entry
    grant_title: Promise  # the document
    grant_text: Promise  # the document's operative sentence
    refuse: Promise  # word and history entry
    refuse_title: Promise
    refuse_text: Promise
    appealable: bool = True  # refusals tell the applicant about 行政复议 and 行政诉讼


OTHER = Wording(
    _("准予办理"),
    _("准予办理，办结"),
    _("办理结果通知书"),
    _("经审查，你（单位）的申请符合规定条件，决定准予办理。"),
    _("不予办理"),
    _("不予办理通知书"),
    _("经审查，你（单位）的申请不符合规定条件，决定不予办理。"),
)

#: kind (or "registration" / "filing") → its wording; kinds not listed are worded as OTHER.
WORDINGS: dict[str, Wording] = {
    ItemKind.PERMIT: Wording(
        _("准予许可"),
        _("准予许可，办结"),
        _("准予行政许可决定书"),
        _("经审查，你（单位）的申请符合法定条件、标准，根据上述依据，决定准予行政许可。"),
        _("不予许可"),
        _("不予行政许可决定书"),
        _("经审查，你（单位）的申请不符合法定条件、标准，根据上述依据，决定不予行政许可。"),
    ),
    "registration": Wording(
        _("准予登记"),
        _("准予登记，办结"),
        _("准予登记通知书"),
        _("经审查，你（单位）的申请符合登记条件，决定准予登记。"),
        _("不予登记"),
        _("不予登记通知书"),
        _("经审查，你（单位）的申请不符合登记条件，决定不予登记。"),
    ),
    "filing": Wording(
        _("准予备案"),
        _("准予备案，办结"),
        _("备案通知书"),
        _("经审查，你（单位）提交的备案材料齐全，予以备案。"),
        _("不予备案"),
        _("不予备案通知书"),
        _("经审查，你（单位）提交的备案材料不符合要求，不予备案。"),
    ),
    ItemKind.CONFIRMATION: Wording(
        _("予以确认"),
        _("予以确认，办结"),
        _("行政确认决定书"),
        _("经审查，你（单位）的申请符合规定条件，决定予以确认。"),
        _("不予确认"),
        _("不予确认决定书"),
        _("经审查，你（单位）的申请不符合规定条件，决定不予确认。"),
    ),
    ItemKind.PAYMENT: Wording(
        _("准予给付"),
        _("准予给付，办结"),
        _("给付决定书"),
        _("经审核，你（单位）的申请符合给付条件，决定予以给付。"),
        _("不予给付"),
        _("不予给付决定书"),
        _("经审核，你（单位）的申请不符合给付条件，决定不予给付。"),
    ),
    ItemKind.REWARD: Wording(
        _("给予奖励"),
        _("给予奖励，办结"),
        _("行政奖励决定书"),
        _("经审查，你（单位）符合奖励条件，决定给予奖励。"),
        _("不予奖励"),
        _("不予奖励决定书"),
        _("经审查，你（单位）不符合奖励条件，决定不予奖励。"),
    ),
    ItemKind.RULING: Wording(
        _("作出裁决"),
        _("作出裁决，办结"),
        _("行政裁决书"),
        _("经审理，本机关依据上述规定作出裁决。"),
        _("驳回申请"),
        _("驳回裁决申请决定书"),
        _("经审理，你（单位）的申请不符合受理裁决的条件，决定驳回申请。"),
    ),
    ItemKind.PUBLIC_SERVICE: Wording(
        _("办理完成"),
        _("办理完成，办结"),
        _("办理结果告知书"),
        _("你（单位）申请的服务事项已办理完成。"),
        _("不予办理"),
        _("不予办理告知书"),
        _("经审核，你（单位）的申请不符合办理条件，本机关不予办理。"),
        appealable=False,
    ),
}


@dataclass(frozen=True)
class EndWording:
    """An ending that is the same for every kind of item."""

    word: Promise
    title: Promise
    text: Promise
    appealable: bool


NOT_ACCEPTED = EndWording(_("不予受理"), _("不予受理决定书"), _("经审查，你（单位）的申请不予受理。"), True)
NOT_SUPPLEMENTED = EndWording(
    _("补正不来办结"),
    _("终止办理告知书"),
    _("你（单位）未在规定期限内补正全部材料，本申请终止办理。"),
    False,
)
CONCLUDED = EndWording(_("已办结"), _("办结通知书"), _("你（单位）的申请已办结。"), False)
BUNDLE = EndWording(_("一件事办结"), _("一件事办理结果告知书"), _("各事项的办理结果如下："), False)

_BRACKETED_SITUATION = re.compile(r"[（(][^（）()]*[）)]$")


def wording_for(item: ServiceItem | None) -> Wording:
    """The wording of `item`'s decisions (see the module docstring for 登记 and 备案)."""
    if item is None:
        return OTHER
    if item.kind != ItemKind.PERMIT:
        name = _BRACKETED_SITUATION.sub("", item.name.strip())
        if name.endswith("登记"):
            return WORDINGS["registration"]
        if name.endswith("备案"):
            return WORDINGS["filing"]
    return WORDINGS.get(item.kind, OTHER)


def history_label(item: ServiceItem | None, outcome: str, end_name: str = "") -> str:
    """The timeline entry of a decision (准予许可，办结 / 准予登记，办结 / 不予给付 …), in the source
    language: events are stored in Chinese and shown in the reader's language."""
    with translation.override("zh-hans"):
        return _history_label(wording_for(item), outcome, end_name)


def _history_label(wording: Wording, outcome: str, end_name: str) -> str:
    if outcome == Outcome.APPROVED:
        return str(wording.grant_label)
    if outcome == Outcome.REFUSED:
        return str(wording.refuse)
    if outcome == Outcome.NOT_ACCEPTED:
        return str(NOT_ACCEPTED.word)
    if outcome == Outcome.WITHDRAWN:
        return str(_("已撤回"))
    if outcome == Outcome.NOT_SUPPLEMENTED:
        return str(NOT_SUPPLEMENTED.word)
    return str(_("办结（%(end)s）") % {"end": end_name})
