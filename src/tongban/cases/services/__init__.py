"""State changes of cases, cut by stage — one transaction each.

Every function checks permission through `ensure_can(user, "cases.<action>", case)`, writes an
audit entry (with the applicant as data subject), adds a timeline event, and notifies the
applicant (in-app at once, SMS after commit). Actions of staff carry `expected_version`: the
case row is bumped with `UPDATE … WHERE version = expected`, so of two clerks acting at once
exactly one succeeds and the other gets `Conflict`.

Stages: `applying` (drafts, uploads, one item), `bundles` (一件事), `window` (综合窗口),
`handling` (claim, accept, review, decide, transfer), `supplements` (补正), `supervision` (督办),
`special_procedures` (特别程序, 延期), `concluding` (办结, 送达, 撤回), `deadlines` (the daily scan).
"""

from tongban.cases.services.applying import attach_upload, save_draft, submit_application
from tongban.cases.services.bundles import submit_bundle
from tongban.cases.services.concluding import record_delivery, withdraw_case, withdraw_on_request
from tongban.cases.services.deadlines import scan_deadlines
from tongban.cases.services.handling import (
    accept_case,
    claim_task,
    decide_case,
    refuse_at_intake,
    release_task,
    review_case,
    transfer_case,
)
from tongban.cases.services.special_procedures import end_special_procedure, extension_cap, start_special_procedure
from tongban.cases.services.starting import delivery_for
from tongban.cases.services.supervision import reply_to_supervision, supervise_case
from tongban.cases.services.supplements import request_supplement, submit_supplement
from tongban.cases.services.window import file_at_window

__all__ = [
    "accept_case",
    "attach_upload",
    "claim_task",
    "decide_case",
    "delivery_for",
    "end_special_procedure",
    "extension_cap",
    "file_at_window",
    "record_delivery",
    "refuse_at_intake",
    "release_task",
    "reply_to_supervision",
    "request_supplement",
    "review_case",
    "save_draft",
    "scan_deadlines",
    "start_special_procedure",
    "submit_application",
    "submit_bundle",
    "submit_supplement",
    "supervise_case",
    "transfer_case",
    "withdraw_case",
    "withdraw_on_request",
]
