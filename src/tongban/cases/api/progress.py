"""Public progress endpoint of the cases API: 办件进度 without logging in.

Anyone with a case number and its query code sees the case's public progress and timeline (and its
parts'). The look-up is rate limited per address and per number (429), and an unknown number answers
exactly like a wrong code (404), so that numbers cannot be probed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from tongban.api.errors import ApiError
from tongban.api.schemas import ErrorOut
from tongban.cases import event_labels, numbers, selectors, throttle
from tongban.cases.api.routing import router
from tongban.cases.api.schemas import EventOut, ProgressOut


@router.get("/progress", auth=None, response={200: ProgressOut, 404: ErrorOut, 429: ErrorOut})
def progress(request: HttpRequest, number: str, code: str) -> Any:
    """办件进度 without logging in: number + query code. Rate limited per address and per number;
    an unknown number and a wrong code get the same answer."""
    number = numbers.normalise_case_number(number[: throttle.MAX_NUMBER_CHARS])
    attempt = throttle.progress_try(address=throttle.client_address(request.META), number=number, user=request.user)
    if attempt.refused:
        raise ApiError(
            429,
            "too_many_requests",
            _("查询过于频繁，请 %(minutes)s 分钟后再试。") % {"minutes": max(1, throttle.window_seconds() // 60)},
        )
    view = selectors.progress(number=number, query_code=code[:40])
    if view is None:
        raise ApiError(404, "not_found", _("办件编号或查询码不正确。"))
    attempt.found()

    def out(v: Any) -> dict[str, Any]:
        return {
            **{k: getattr(v, k) for k in ProgressOut.model_fields if k not in ("timeline", "parts")},
            "timeline": [
                EventOut(at=t.at, label=event_labels.label_of(t), comment=event_labels.comment_of(t))
                for t in v.timeline
            ],
            "parts": [out(p) for p in v.parts],
        }

    return out(view)
