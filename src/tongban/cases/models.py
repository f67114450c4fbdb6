"""办件: cases, their timeline, to-do tasks, supplements, drafts, materials and clock pauses."""

from __future__ import annotations

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongban.core.masking import mask_name
from tongban.timelimits import calendar
from tongban.timelimits.calendar import ClockState, PauseKind


class CaseStatus(models.TextChoices):
    """办件状态."""

    SUBMITTED = "submitted", _("已申报")
    WAITING = "waiting", _("待前序事项办结")
    ACCEPTED = "accepted", _("已受理")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("待补正")
    IN_REVIEW = "in_review", _("审查中")
    SPECIAL_PROCEDURE = "special_procedure", _("特别程序")
    APPROVED = "approved", _("准予办理（已办结）")
    REFUSED = "refused", _("不予办理（已办结）")
    REFUSED_AT_INTAKE = "refused_at_intake", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    CONCLUDED = "concluded", _("已办结")


class DeliveryMethod(models.TextChoices):
    """送达方式: how the applicant receives the result."""

    ELECTRONIC = "electronic", _("电子送达（在“我的办件”查收）")
    PICKUP = "pickup", _("窗口领取")


#: The clock runs in these states (the deadline scan looks only at them).
RUNNING_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.IN_REVIEW)
#: Before a decision: the applicant may still withdraw.
OPEN_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.WAITING,
    CaseStatus.ACCEPTED,
    CaseStatus.SUPPLEMENT_REQUESTED,
    CaseStatus.IN_REVIEW,
    CaseStatus.SPECIAL_PROCEDURE,
)
FINAL_STATUSES = (
    CaseStatus.APPROVED,
    CaseStatus.REFUSED,
    CaseStatus.REFUSED_AT_INTAKE,
    CaseStatus.WITHDRAWN,
    CaseStatus.CONCLUDED,
)


class CaseChannel(models.TextChoices):
    WEB = "web", _("网上（电脑）")
    MOBILE = "mobile", _("手机")
    WINDOW = "window", _("窗口")
    KIOSK = "kiosk", _("自助终端")


class WithoutHyphens(models.Func):
    """REPLACE(text, '-', '') with its constants written in the SQL, not bound as parameters: SQLite
    uses an index on an expression only for the very same expression, constants included."""

    function = "REPLACE"
    template = "%(function)s(%(expressions)s, '-', '')"
    output_field = models.CharField()


#: 办件编号 as a look-up compares it (the database side of `numbers.normalise_case_number`): upper case,
#: without hyphens. Indexed, so the progress look-up finds "ga00120261222000001" without a scan.
CASE_NUMBER_KEY = Upper(WithoutHyphens("number"))


class Case(models.Model):
    """办件: one application for one item (or the parent of a bundle, 一件事), from submission to conclusion."""

    number = models.CharField(_("办件编号"), max_length=140, unique=True)
    item = models.ForeignKey(
        "catalog.ServiceItem", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # Foreign keys that most rows leave empty are indexed only where set (partial indexes in Meta),
    # and those led by a composite index need none of their own: every index is written on every
    # submission (see docs/performance.md, P3).
    bundle = models.ForeignKey(
        "catalog.Bundle", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    bundle_case = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", db_index=False
    )
    waits_for = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        db_index=False,
        on_delete=models.SET_NULL,
        related_name="followers",
        help_text="the bundle sibling whose result this case needs before it starts",
    )
    position = models.PositiveSmallIntegerField(default=0)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="company_cases",
        db_index=False,
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filed_cases",
        db_index=False,
    )
    channel = models.CharField(max_length=10, choices=CaseChannel.choices, default=CaseChannel.WEB)
    status = models.CharField(max_length=24, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED)
    department = models.ForeignKey("orgs.Department", on_delete=models.PROTECT, related_name="cases", db_index=False)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    intake_deadline = models.DateField(null=True, blank=True, help_text="tell all missing items by this day")
    accepted_at = models.DateTimeField(null=True, blank=True)
    limit_days = models.PositiveIntegerField(default=0, help_text="承诺办结时限, working days")
    extended_days = models.PositiveSmallIntegerField(
        default=0, help_text="延期: working days added to limit_days by approved extensions (行政许可法 Art. 42)"
    )
    due_on = models.DateField(null=True, blank=True, db_index=True)
    warn_on = models.DateField(null=True, blank=True, help_text="the day the case turns yellow")
    clock_state = models.CharField(max_length=6, choices=ClockState.choices, default=ClockState.GREEN)
    decided_at = models.DateTimeField(null=True, blank=True)
    concluded_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=20, blank=True)
    decision_text = models.TextField(blank=True)
    rule = models.TextField(blank=True, help_text="the rule that decided an instant case (即办)")
    version = models.PositiveIntegerField(default=1)
    workflow_state = models.JSONField(null=True, blank=True)
    process_version = models.ForeignKey(
        "workflow.ProcessDefinition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    query_code_hash = models.CharField(max_length=64, blank=True)
    query_code_encrypted = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=100, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True, help_text="consent recorded at the window")
    delivery = models.CharField(
        max_length=12, choices=DeliveryMethod.choices, default=DeliveryMethod.ELECTRONIC, help_text="送达方式"
    )
    delivered_at = models.DateTimeField(null=True, blank=True, help_text="送达: when the result reached the applicant")

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("办件")
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="case_idempotency_unique",
            )
        ]
        indexes = [
            models.Index(CASE_NUMBER_KEY, name="case_number_key"),
            models.Index(fields=["applicant", "-submitted_at"], name="case_applicant_submitted"),
            models.Index(fields=["department", "status"], name="case_department_status"),
            models.Index(
                fields=["warn_on"],
                name="case_turning_yellow",
                condition=models.Q(status__in=RUNNING_STATUSES, clock_state="green"),
            ),
            models.Index(
                fields=["due_on"],
                name="case_turning_red",
                condition=models.Q(status__in=RUNNING_STATUSES) & ~models.Q(clock_state="red"),
            ),
            models.Index(
                fields=["intake_deadline"], name="case_intake_pending", condition=models.Q(status="submitted")
            ),
            *(
                models.Index(fields=[name], name=f"case_{name}_set", condition=models.Q(**{f"{name}__isnull": False}))
                for name in ("bundle", "bundle_case", "waits_for", "acting_for", "filed_by")
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def awaits_pickup(self) -> bool:
        """待领取: approved, to be collected at a window, not collected yet."""
        return self.status == CaseStatus.APPROVED and self.delivery == DeliveryMethod.PICKUP and not self.delivered_at

    @property
    def title(self) -> str:
        if self.item_id is not None and self.item is not None:
            return self.item.name
        return self.bundle.name if self.bundle is not None else ""

    @property
    def masked_applicant_name(self) -> str:
        return mask_name(self.applicant.name) if self.applicant.kind != "legal_person" else self.applicant.name

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def pauses(self) -> tuple[calendar.Pause, ...]:
        return tuple(
            calendar.Pause(kind=calendar.PauseKind(p.kind), start=p.started_on, end=p.ended_on)
            for p in self.clock_pauses.all()
        )

    def clock(self) -> calendar.TimeLimitClock | None:
        if self.accepted_at is None:
            return None
        accepted_on = timezone.localdate(self.accepted_at)
        return calendar.TimeLimitClock(accepted_on, self.limit_days, self.pauses())

    @property
    def time_status(self) -> tuple[str, float]:
        """("green"|"yellow"|"red", share of the time limit used) — as of today."""
        clock = self.clock()
        if clock is None or self.status in FINAL_STATUSES:
            return ClockState.GREEN.value, 0.0
        today = timezone.localdate()
        return clock.status(today).value, clock.used_ratio(today)


class CaseNumberCounter(models.Model):
    """办件编号计数器: one row per (implementation code, day); incremented under a row lock."""

    code = models.CharField(max_length=120)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "day"], name="case_counter_unique")]


class CaseEvent(models.Model):
    """办理过程: one step on the case's timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    public = models.BooleanField(default=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("待办")
    CLAIMED = "claimed", _("办理中")
    DONE = "done", _("已办")


class CaseTask(models.Model):
    """待办: a workflow user task waiting for staff of a department with a role."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=100)
    bpmn_id = models.CharField(max_length=100)
    bpmn_task_id = models.CharField(max_length=64)
    role = models.CharField(max_length=30)
    department = models.ForeignKey(
        "orgs.Department", on_delete=models.PROTECT, related_name="case_tasks", db_index=False
    )  # led by casetask_department_status
    status = models.CharField(max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_tasks",
        db_index=False,
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    outcome = models.CharField(max_length=30, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["department", "status"], name="casetask_department_status"),
            *(
                models.Index(
                    fields=[name], name=f"casetask_{name}_set", condition=models.Q(**{f"{name}__isnull": False})
                )
                for name in ("claimed_by", "done_by")
            ),
        ]

    @property
    def waits_for_applicant(self) -> bool:
        """补正 steps wait for the applicant: no clerk claims or works them."""
        return self.bpmn_id.startswith("supplement")


class Supplement(models.Model):
    """补正: the one-time notice of everything missing (一次性告知)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supplements")
    items = models.JSONField(default=list, help_text='[{"material" or "field": …, "reason": …}]')
    note = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(
        default=list,
        blank=True,
        help_text='the applicant\'s answer to each item, by position: [{"text": …, "files": [material ids], "changed": bool}]',
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]


class Draft(models.Model):
    """草稿: answers saved as the applicant goes; resumed on any device by its key."""

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts")
    item = models.ForeignKey("catalog.ServiceItem", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    bundle = models.ForeignKey("catalog.Bundle", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-updated_at"]


class MaterialOrigin(models.TextChoices):
    UPLOAD = "upload", _("申请人上传")
    REUSED = "reused", _("复用已办结果")
    CERTIFICATE = "certificate", _("电子证照")
    EXCHANGE = "exchange", _("数据共享")
    RESULT = "result", _("办理结果")


class MaterialFile(models.Model):
    """材料: a file the applicant gave, or a material the platform got elsewhere (免提交)."""

    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="materials")
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="materials", db_index=False
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    material_name = models.CharField(max_length=300)
    original_name = models.CharField(max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    file = models.FileField(upload_to="cases/", max_length=200, blank=True)
    source = models.CharField(max_length=12, choices=MaterialOrigin.choices, default=MaterialOrigin.UPLOAD)
    source_case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    certificate_type = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["pk"]
        indexes = [
            # 复用已办结果: a person's result files, looked up on every submission
            models.Index(
                fields=["owner", "material_name"],
                condition=models.Q(source="result"),
                name="materialfile_owner_result",
            ),
            *(
                models.Index(
                    fields=[name], name=f"materialfile_{name}_set", condition=models.Q(**{f"{name}__isnull": False})
                )
                for name in ("draft", "source_case")
            ),
        ]


class ClockPause(models.Model):
    """暂停计时: a supplement period or a special procedure (行政许可法 Arts. 42–45), with its reason."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_pauses")
    kind = models.CharField(max_length=16, choices=PauseKind.choices)
    reason = models.TextField()
    started_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["started_on", "pk"]

    @property
    def is_open(self) -> bool:
        return self.ended_on is None

    def days(self, today: date | None = None) -> int:
        end = self.ended_on or today or timezone.localdate()
        return (end - self.started_on).days + 1


class DecisionDocument(models.Model):
    """办理结果文书: the document a decision produces (决定书, 通知书, 告知书) — a PDF in storage,
    written in the transaction that concludes the case and never changed afterwards."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision_document")
    title = models.CharField(_("文书名称"), max_length=60)
    file = models.FileField(upload_to="cases/results/%Y/%m/", max_length=200)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("办理结果文书")

    def __str__(self) -> str:
        return f"{self.title} {self.case_id}"


class Supervision(models.Model):
    """督办: a supervisor's (or head's) recorded instruction to the handling department and clerk,
    to be answered within a number of working days. Internal: never shown to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supervisions")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    department = models.ForeignKey(
        "orgs.Department", on_delete=models.PROTECT, related_name="supervisions", db_index=False
    )  # led by supervision_open_department
    clerk = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions_received",
        db_index=False,
    )
    instruction = models.TextField(_("督办意见"))
    reply_within_days = models.PositiveSmallIntegerField(help_text="working days to answer in")
    reply_due_on = models.DateField()
    reply = models.TextField(blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["issued_at", "pk"]
        verbose_name = _("督办")
        indexes = [
            models.Index(
                fields=["department", "reply_due_on"],
                name="supervision_open_department",
                condition=models.Q(replied_at__isnull=True),
            ),
            models.Index(fields=["clerk"], name="supervision_open_clerk", condition=models.Q(replied_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.reply_due_on}"

    @property
    def is_open(self) -> bool:
        return self.replied_at is None
