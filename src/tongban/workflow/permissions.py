"""Permission rules of the process-definition console."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import StaffRole, User
from tongban.accounts.permissions import assignments, rule


@rule("workflow.upload_process")
def _upload_process(user: User, obj: Any) -> bool:
    return bool(assignments(user, (StaffRole.ADMINISTRATOR,)))
