"""Permission rules of search: who may edit the synonym table and read the query log."""

from __future__ import annotations

from typing import Any

from tongban.accounts.models import StaffRole, User
from tongban.accounts.permissions import assignments, rule

EDITORS = (StaffRole.ADMINISTRATOR, StaffRole.DATA_OFFICER)


@rule("search.edit_synonyms")
def _edit_synonyms(user: User, obj: Any) -> bool:
    return user.is_superuser or bool(assignments(user, EDITORS))


@rule("search.view_queries")
def _view_queries(user: User, obj: Any) -> bool:
    return user.is_superuser or bool(assignments(user, (*EDITORS, StaffRole.SUPERVISOR)))
