"""The staff actions on a case, in one table: what each works on, the service that performs it, its
console form, its API body and its check. The console buttons, the API endpoints
(`POST /api/v1/cases/{number}/actions/{name}`) and the allowed-actions list are all derived from
it, and each action's check is the very function its service calls (`cases.guards`) — so nothing
is offered that would then be refused, and nothing allowed is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tongban.accounts.models import User, UserKind
from tongban.cases import action_forms as f
from tongban.cases import action_schemas as s
from tongban.cases import guards, selectors, services
from tongban.cases.models import Case, CaseTask, Supervision


class Aim(StrEnum):
    """What an action works on."""

    TASK = "task"  # a task the request names (认领, 退回)
    STEP = "step"  # the task at the action's process steps, as its service picks it
    CASE = "case"  # the case as a whole
    SUPERVISION = "supervision"  # a 督办 of the case


@dataclass(frozen=True)
class StaffAction:
    """One staff action: name, words, what it works on, service, form, API body, check."""

    name: str
    label: Promise  # the action in a word or two (e.g. for the allowed-actions list)
    aim: Aim
    service: Callable[..., object]
    form: type[f.ActionForm]
    schema: type[s.ActionIn]
    check: guards.Check
    done: Promise  # the success message; may name %(number)s and %(task)s
    button: Promise  # the submit button; for tasks it may name %(task)s and %(name)s (who claimed it)
    summary: Promise | None = None  # the heading its form folds under; None: just the button
    steps: frozenset[str] = frozenset()  # process steps (BPMN ids) it works on; empty: any
    prefix: str = ""  # its form's prefix on the page (default: its name)
    actor: str = "clerk"  # the service's keyword for the member of staff
    opened: bool = False  # its form shows unfolded
    danger: bool = False
    secondary: bool = False

    def permits(self, user: User, case: Case, target: guards.Target) -> bool:
        """Exactly what the service enforces (it calls `self.check` too)."""
        return guards.passes(self.check, user, case, target)

    def perform(self, *, user: User, case: Case, target: guards.Target, arguments: dict[str, Any]) -> object:
        """Call the service (its own transaction, its own check); `arguments` from the form or the API body."""
        kwargs: dict[str, Any] = {self.actor: user, **arguments}
        if self.aim == Aim.TASK:
            kwargs["task"] = target
        elif self.aim == Aim.SUPERVISION:
            kwargs["supervision"] = target
        else:
            kwargs["case"] = case
        return self.service(**kwargs)


STAFF_ACTIONS: tuple[StaffAction, ...] = (
    StaffAction(
        name="reply_supervision",
        prefix="reply",
        label=_("答复督办"),
        aim=Aim.SUPERVISION,
        service=services.reply_to_supervision,
        form=f.SupervisionReplyForm,
        schema=s.SupervisionReplyIn,
        check=guards.check_reply_supervision,
        summary=_("答复督办（期限 %(due)s）"),
        button=_("提交督办答复"),
        done=_("督办答复已提交。"),
        opened=True,
    ),
    StaffAction(
        name="claim",
        label=_("认领"),
        aim=Aim.TASK,
        service=services.claim_task,
        form=f.VersionedForm,
        schema=s.TaskIn,
        check=guards.check_claim,
        button=_("认领：%(task)s"),
        done=_("已认领办件 %(number)s（%(task)s）。"),
    ),
    StaffAction(
        name="release",
        label=_("退回待认领"),
        aim=Aim.TASK,
        service=services.release_task,
        form=f.VersionedForm,
        schema=s.TaskIn,
        check=guards.check_release,
        button=_("退回待认领：%(task)s（%(name)s）"),
        done=_("已退回待认领：%(number)s。"),
        secondary=True,
    ),
    StaffAction(
        name="accept",
        prefix="plain",
        label=_("受理"),
        aim=Aim.STEP,
        steps=guards.INTAKE_STEPS,
        service=services.accept_case,
        form=f.VersionedForm,
        schema=s.VersionIn,
        check=guards.check_accept,
        button=_("受理"),
        done=_("已受理。"),
    ),
    StaffAction(
        name="review",
        label=_("审查"),
        aim=Aim.STEP,
        steps=guards.REVIEW_STEPS,
        service=services.review_case,
        form=f.ReviewForm,
        schema=s.ReviewIn,
        check=guards.check_review,
        summary=_("审查"),
        button=_("提交审查意见"),
        done=_("审查意见已提交。"),
        opened=True,
    ),
    StaffAction(
        name="decide",
        label=_("作出决定"),
        aim=Aim.STEP,
        steps=guards.DECISION_STEPS,
        service=services.decide_case,
        form=f.DecideForm,
        schema=s.DecideIn,
        check=guards.check_decide,
        summary=_("作出决定"),
        button=_("提交决定"),
        done=_("决定已作出。"),
        opened=True,
    ),
    StaffAction(
        name="request_supplement",
        prefix="supplement",
        label=_("一次性告知补正"),
        aim=Aim.STEP,
        steps=guards.SUPPLEMENT_STEPS,
        service=services.request_supplement,
        form=f.SupplementRequestForm,
        schema=s.SupplementRequestIn,
        check=guards.check_request_supplement,
        summary=_("一次性告知补正"),
        button=_("发出补正告知"),
        done=_("已一次性告知申请人需要补正的内容，办理时限暂停。"),
    ),
    StaffAction(
        name="refuse_at_intake",
        prefix="refuse",
        label=_("不予受理"),
        aim=Aim.STEP,
        steps=guards.INTAKE_STEPS,
        service=services.refuse_at_intake,
        form=f.RefuseAtIntakeForm,
        schema=s.RefuseAtIntakeIn,
        check=guards.check_refuse_at_intake,
        summary=_("不予受理"),
        button=_("不予受理"),
        done=_("已作出不予受理决定，申请人会收到通知。"),
        danger=True,
    ),
    StaffAction(
        name="deliver",
        label=_("登记送达"),
        aim=Aim.CASE,
        service=services.record_delivery,
        form=f.DeliveryForm,
        schema=s.DeliveryIn,
        check=guards.check_deliver,
        summary=_("待领取：登记送达"),
        button=_("登记领取"),
        done=_("已登记领取，办件 %(number)s 已送达。"),
        opened=True,
    ),
    StaffAction(
        name="transfer",
        label=_("转交其他部门"),
        aim=Aim.CASE,
        service=services.transfer_case,
        form=f.TransferForm,
        schema=s.TransferIn,
        check=guards.check_transfer,
        summary=_("转交其他部门"),
        button=_("转交"),
        done=_("已转交其他部门：%(number)s。"),
    ),
    StaffAction(
        name="start_special_procedure",
        prefix="special",
        label=_("特别程序"),
        aim=Aim.CASE,
        service=services.start_special_procedure,
        form=f.SpecialProcedureForm,
        schema=s.SpecialProcedureIn,
        check=guards.check_start_special_procedure,
        summary=_("特别程序（暂停计时）"),
        button=_("开始特别程序"),
        done=_("特别程序已开始，办理时限暂停。"),
    ),
    StaffAction(
        name="end_special_procedure",
        prefix="plain",
        label=_("结束特别程序"),
        aim=Aim.CASE,
        service=services.end_special_procedure,
        form=f.VersionedForm,
        schema=s.VersionIn,
        check=guards.check_end_special_procedure,
        button=_("结束特别程序，继续计时"),
        done=_("特别程序已结束，办理时限继续计算。"),
    ),
    StaffAction(
        name="withdraw_on_request",
        prefix="withdraw",
        label=_("应申请人要求撤回"),
        aim=Aim.CASE,
        service=services.withdraw_on_request,
        form=f.WithdrawOnRequestForm,
        schema=s.ReasonIn,
        check=guards.check_withdraw_on_request,
        summary=_("应申请人要求撤回"),
        button=_("撤回办件"),
        done=_("已按申请人的要求撤回办件 %(number)s，申请人会收到通知。"),
        danger=True,
    ),
    StaffAction(
        name="supervise",
        label=_("督办"),
        aim=Aim.CASE,
        actor="supervisor",
        service=services.supervise_case,
        form=f.SupervisionForm,
        schema=s.SuperviseIn,
        check=guards.check_supervise,
        summary=_("督办"),
        button=_("发出督办"),
        done=_("督办已发出，办理部门会在待办中看到。"),
    ),
)

ACTIONS: dict[str, StaffAction] = {a.name: a for a in STAFF_ACTIONS}


# --- what is offered -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offer:
    """An action `user` may take now on `case`, on `target`."""

    action: StaffAction
    case: Case
    target: guards.Target

    @property
    def target_id(self) -> int | None:
        return self.target.pk if self.target is not None else None

    @property
    def prefix(self) -> str | None:
        return prefix_for(self.action, self.target)

    @property
    def target_field(self) -> str:
        """The name of the hidden input that names the target ("task" or "supervision")."""
        return self.action.aim.value

    @property
    def button(self) -> str:
        return str(self.action.button) % self.words()

    @property
    def summary(self) -> str:
        return str(self.action.summary or self.action.button) % self.words()

    def words(self) -> dict[str, str]:
        target = self.target
        if isinstance(target, CaseTask):
            return {"task": target.name, "name": target.claimed_by.name if target.claimed_by else ""}
        if isinstance(target, Supervision):
            return {"due": target.reply_due_on.isoformat()}
        return {}

    @property
    def expected_version(self) -> int:
        """The version the action is taken on: the task's for 认领 and 退回, else the case's."""
        if self.action.aim == Aim.TASK and isinstance(self.target, CaseTask):
            return self.target.version
        return self.case.version

    def form(self, data: Any = None) -> f.ActionForm:
        inline = self.action.summary is None
        return self.action.form(
            data,
            case=self.case,
            target=self.target,
            prefix=self.prefix,
            auto_id=False if inline else "id_%s",
            initial={"expected_version": self.expected_version},
        )


def prefix_for(action: StaffAction, target: guards.Target) -> str | None:
    """A task's button posts plain fields; a 督办's form is prefixed with its id (several on a page)."""
    if action.aim == Aim.TASK:
        return None
    prefix = action.prefix or action.name
    if action.aim == Aim.SUPERVISION and target is not None:
        return f"{prefix}-{target.pk}"
    return prefix


def load_for_actions(case: Case) -> Case:
    """Fetch once what the checks read (tasks with departments, open 督办) for a page of offers;
    what is already loaded (`selectors.get_case_for`, `selectors.load_case_page`) is not read again."""
    prefetch_related_objects([case], selectors.tasks_with_departments())
    if not _all_supervisions_loaded(case):
        prefetch_related_objects(
            [case],
            Prefetch(
                "supervisions",
                queryset=Supervision.objects.filter(replied_at__isnull=True).select_related("department__region"),
                to_attr="open_supervisions",
            ),
        )
    return case


def _all_supervisions_loaded(case: Case) -> bool:
    return "supervisions" in getattr(case, "_prefetched_objects_cache", {})


def _open_supervisions(case: Case) -> list[Supervision]:
    if _all_supervisions_loaded(case):
        return [s for s in case.supervisions.all() if s.replied_at is None]
    found: list[Supervision] | None = getattr(case, "open_supervisions", None)
    if found is None:
        found = list(case.supervisions.filter(replied_at__isnull=True).select_related("department__region"))
    return found


def targets(action: StaffAction, user: User, case: Case) -> list[guards.Target]:
    """What `action` could work on in `case` for `user` (each then checked)."""
    if action.aim == Aim.TASK:
        return [t for t in guards.open_tasks(case) if not action.steps or t.bpmn_id in action.steps]
    if action.aim == Aim.STEP:
        return [guards.task_for(case, user, action.steps)]
    if action.aim == Aim.SUPERVISION:
        return list(_open_supervisions(case))
    return [None]


def target_of(action: StaffAction, user: User, case: Case, raw_id: str | int | None) -> guards.Target:
    """The target a request names (a task or 督办 id), else the first the user may act on."""
    candidates = targets(action, user, case)
    if action.aim in (Aim.TASK, Aim.SUPERVISION):
        if raw_id not in (None, ""):
            return next((t for t in candidates if t is not None and str(t.pk) == str(raw_id)), None)
        return next((t for t in candidates if action.permits(user, case, t)), candidates[0] if candidates else None)
    return candidates[0] if candidates else None


def offers(user: User, case: Case) -> list[Offer]:
    """Every action `user` may take on `case` now, in the table's order."""
    if user.kind != UserKind.STAFF:
        return []
    load_for_actions(case)
    return [
        Offer(action=action, case=case, target=target)
        for action in STAFF_ACTIONS
        for target in targets(action, user, case)
        if action.permits(user, case, target)
    ]


def allowed_actions(user: User, case: Case) -> set[str]:
    """The names of the actions `user` may take on `case` now: a clerk's from the table, an
    applicant's (撤回, 补正) from `selectors.applicant_actions`."""
    if user.kind != UserKind.STAFF:
        return selectors.applicant_actions(case=case, user=user)
    return {offer.action.name for offer in offers(user, case)}


def task_offers(user: User, case: Case, task: CaseTask) -> list[Offer]:
    """The task actions (认领, 退回) `user` may take on one task — for the to-do list."""
    return [
        Offer(action=action, case=case, target=task)
        for action in STAFF_ACTIONS
        if action.aim == Aim.TASK and action.permits(user, case, task)
    ]


def done_message(offer: Offer) -> str:
    return str(offer.action.done) % {"number": offer.case.number, **offer.words()}
