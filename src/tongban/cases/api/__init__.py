"""Cases API (/api/v1/cases/…): drafts, materials, submit, my cases, public progress, staff work.

Every endpoint that names a case, draft or task resolves it through a scoped look-up: what the
caller may not see answers 404, what they may see but not do answers 403. Stale actions answer
409 {code: "conflict"}; the progress look-up is rate limited (429). The endpoints live in
`applicant`, `progress` and `staff` and register on the one `router` of `routing` when imported —
in that order, which is the order paths are matched in (keep it).
"""

from __future__ import annotations

from tongban.cases.api import applicant, progress, staff  # noqa: F401  (registers the endpoints, in this order)
from tongban.cases.api.routing import router
from tongban.cases.api.staff import install

__all__ = ["install", "router"]
