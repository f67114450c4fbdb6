"""Request and answer shapes of the cases API (pydantic schemas).

The class names are part of the API: the OpenAPI document names its components after them, so
rename none. Inputs end in `In` (drafts, submission, withdrawal, 补正), answers in `Out` (drafts and
materials, cases and their detail, public progress, the clerk's to-do, oversight and staff's view).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Field, Schema


class DraftIn(Schema):
    item_code: str | None = None
    bundle_code: str | None = None
    answers: dict[str, Any] = {}


class DraftUpdateIn(Schema):
    answers: dict[str, Any]


class MaterialOut(Schema):
    id: int
    material_name: str
    original_name: str
    content_type: str
    size: int
    sha256: str
    source: str


class DraftOut(Schema):
    key: str
    item_code: str | None
    bundle_code: str | None
    answers: dict[str, Any]
    updated_at: datetime
    materials: list[MaterialOut]


class SubmitIn(Schema):
    item_code: str | None = None
    bundle_code: str | None = None
    draft_key: str | None = None
    answers: dict[str, Any] = {}
    idempotency_key: str | None = None
    channel: str = "web"


class SubmitOut(Schema):
    number: str
    query_code: str
    status: str
    status_label: str


class EventOut(Schema):
    at: datetime
    label: str
    comment: str


class CaseOut(Schema):
    number: str
    title: str
    status: str
    status_label: str
    department: str
    submitted_at: datetime
    accepted_at: datetime | None
    due_on: date | None
    time_status: str
    decision: str
    decision_text: str
    rule: str
    version: int
    delivery: str = Field(description="送达方式: electronic | pickup")
    delivered_at: datetime | None = Field(description="送达: when the result reached the applicant")
    awaits_pickup: bool = Field(description="待领取: approved and waiting at the window")


class SupplementOut(Schema):
    items: list[dict[str, Any]]
    note: str
    requested_at: datetime


class ResultDocumentOut(Schema):
    """办理结果文书: the decision document, a PDF at `url`."""

    title: str = Field(description="e.g. 准予行政许可决定书, 准予登记通知书, 不予受理决定书")
    url: str = Field(description="GET it with the same credentials (application/pdf)")
    size: int
    sha256: str
    created_at: datetime


class CaseDetailOut(CaseOut):
    result: ResultDocumentOut | None = Field(description="办理结果: the decision document, once decided")
    answers: dict[str, Any]
    timeline: list[EventOut]
    supplement: SupplementOut | None
    materials: list[MaterialOut]
    parts: list[CaseOut]
    allowed_actions: list[str]
    query_code: str


class ProgressOut(Schema):
    number: str
    title: str
    department: str
    applicant: str
    status: str
    status_label: str
    submitted_at: datetime
    accepted_at: datetime | None
    due_on: date | None
    time_status: str
    decision: str
    rule: str
    timeline: list[EventOut]
    parts: list[dict[str, Any]]


class WithdrawIn(Schema):
    reason: str = ""


class SupplementIn(Schema):
    answers: dict[str, Any] = Field({}, description="corrected form fields (a corrected field answers its item)")
    replies: dict[int, str] = Field(
        {}, description="补正: a text answer per item of the notice, by its position (0 = the first item)"
    )


class TaskOut(Schema):
    id: int
    version: int
    name: str
    role: str
    status: str
    case_number: str
    case_title: str
    applicant: str
    due_on: date | None
    clock_state: str
    claimed_by: str | None


class TodoOut(Schema):
    counts: dict[str, int]
    tasks: list[TaskOut]


class OversightCaseOut(CaseOut):
    department_code: str
    clock_state: str


class OversightOut(Schema):
    counts: dict[str, int]
    cases: list[OversightCaseOut]


class SupervisionOut(Schema):
    """督办: an instruction to the department (and clerk), answered within a deadline."""

    id: int
    instruction: str
    issued_by: str
    issued_at: datetime
    department: str
    clerk: str | None
    reply_due_on: date
    reply: str
    replied_at: datetime | None


class StaffCaseOut(CaseDetailOut):
    applicant: str
    tasks: list[TaskOut]
    supervisions: list[SupervisionOut]
