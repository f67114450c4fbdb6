"""Permission rules of the calendar console."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import StaffRole, User
from tongban.accounts.permissions import assignments, rule


@rule("timelimits.edit_calendar")
def _edit_calendar(user: User, obj: Any) -> bool:
    return bool(assignments(user, (StaffRole.ADMINISTRATOR,)))
