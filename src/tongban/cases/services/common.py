"""Helpers shared by every stage: events, audit entries, notices, the optimistic lock, tasks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import F
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from tongban.cases.errors import Conflict
from tongban.cases.models import (
    Case,
    CaseChannel,
    CaseEvent,
    CaseTask,
    TaskStatus,
)
from tongban.catalog.models import ItemStatus, OnlineDepth, ServiceItem
from tongban.core import audit
from tongban.notices.services import post_message, queue_email, queue_sms

T = TypeVar("T")
Upload = tuple[str, UploadedFile]
STALE = gettext_lazy("该办件已被他人处理或已更新，请刷新页面后重试。")

#: Texts the services store (history labels and comments, messages): written in the platform's
#: language (zh-Hans, the source strings) whatever the clerk's or applicant's page language, and
#: shown in each reader's language by tongban.cases.event_labels. Errors keep `_`: they are
#: answered to the person who caused them, in their language.
N_ = gettext_noop


@contextmanager
def source_language() -> Iterator[None]:
    """Inside: texts are rendered as the platform stores them, in zh-Hans."""
    with translation.override(settings.LANGUAGE_CODE):
        yield


def in_source_language(text: str | Promise) -> str:
    """A lazily translated text (a choice label) as the platform stores it: in zh-Hans."""
    with source_language():
        return str(text)


# --- helpers --------------------------------------------------------------------------------------


def with_file_cleanup(body: Callable[[list[str]], T]) -> T:
    """Run `body(stored)`; files it stored are deleted again if it fails (no file without a row)."""
    stored: list[str] = []
    done = False
    try:
        result = body(stored)
        done = True
        return result
    finally:
        if not done:
            for name in stored:
                default_storage.delete(name)


def record_event(
    case: Case, *, actor: Any, action: str, label: str, comment: str = "", public: bool = True
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        label=label,
        comment=comment,
        public=public,
    )


def audit_case(case: Case, *, actor: Any, action: str, purpose: str = "", **details: Any) -> None:
    audit.record(
        actor=actor,
        action=f"case.{action}",
        subject=case,
        data_subject=case.applicant,
        purpose=purpose or gettext_noop("办件办理"),
        department_code=case.department.code,
        details={"number": case.number, "status": case.status, **details},
    )


def notify_applicant(case: Case, *, headline: str, detail: str = "", sms: bool = True, query_code: str = "") -> None:
    """One message per meaningful event: 站内消息 at once, SMS and e-mail queued (sent after commit).

    Every message names the item (or the bundle) and the case number, whoever calls it. An item of a
    bundle (一件事) does not message the applicant itself: its bundle speaks once per stage.
    `query_code` (查询码) goes in the SMS only, as a secret: the outbox keeps it masked, and the
    in-app message and e-mail do not repeat it (the case page shows it to its owner).
    """
    if case.bundle_case_id is not None:
        from tongban.cases.services.bundles import speak_for_bundle

        speak_for_bundle(case)
        return
    title = N_("%(what)s：%(headline)s") % {"what": case.title, "headline": headline}
    body = N_("办件编号 %(number)s。%(detail)s") % {"number": case.number, "detail": detail}
    post_message(recipient=case.applicant, title=title, body=body.strip(), link=f"/cases/{case.number}/")
    if sms and case.applicant.phone:
        code = N_("查询码 %(code)s。") % {"code": query_code} if query_code else ""
        queue_sms(phone=case.applicant.phone, text=f"【通办】{title}。{body.strip()}{code}", secret=query_code)
    if case.applicant.email:
        queue_email(
            to=case.applicant.email,
            subject=f"【通办】{title}（{case.number}）",
            body=f"{body}\n\n/my/cases/{case.number}/",
        )


def announce_status(case: Case, *, actor: Any, action: str, label: str, comment: str = "", notify: bool = True) -> None:
    """A step the applicant sees: a public history event, and (unless `notify` is off) one message."""
    record_event(case, actor=actor, action=action, label=label, comment=comment)
    if notify:
        notify_applicant(case, headline=label, detail=comment)


def lock_case(case: Case, expected_version: int | None) -> Case:
    """Bump the version (optimistic lock) and return the row locked for this transaction."""
    rows = Case.objects.filter(pk=case.pk)
    if expected_version is not None:
        rows = rows.filter(version=expected_version)
    if not rows.update(version=F("version") + 1):
        raise Conflict(str(STALE))
    fresh = (
        Case.objects.select_for_update(of=("self",))
        .select_related("item", "bundle", "department__region", "applicant")
        .get(pk=case.pk)
    )
    case.version = fresh.version
    return fresh


def finish_task(task: CaseTask, clerk: Any, outcome: str) -> None:
    CaseTask.objects.filter(pk=task.pk).update(
        status=TaskStatus.DONE, done_by=clerk, done_at=timezone.now(), outcome=outcome, version=F("version") + 1
    )


def save_case(case: Case, *fields: str) -> None:
    case.save(update_fields=[*fields, "version"])


def check_item_open(item: ServiceItem, channel: str) -> None:
    if item.status != ItemStatus.ACTIVE:
        raise ValidationError(_("事项“%(name)s”暂停办理。") % {"name": item.name}, code="item_suspended")
    if channel != CaseChannel.WINDOW and item.online_depth < OnlineDepth.ACCEPTED_ONLINE:
        raise ValidationError(
            _("事项“%(name)s”暂不支持网上申请，请到政务服务大厅窗口办理。") % {"name": item.name}, code="not_online"
        )
