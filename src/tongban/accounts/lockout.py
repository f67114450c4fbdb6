"""登录锁定: failed log-ins counted per account and per client address (django-axes handler).

django-axes keeps one row per (user name, address, User-Agent) in the database, so the counts are
shared by every process of every app server. This handler reads them per account and per address
only — a rotating User-Agent opens no fresh count — and gives each its own limit:

- an account is locked after `AXES_FAILURE_LIMIT` failures (5) within the cool-off time;
- an address after `LOGIN_FAILURE_LIMIT_PER_ADDRESS` failures (20) of any accounts (password
  spraying), larger because a service hall or a carrier's NAT puts many people behind one address.

A successful log-in forgives only the failures of its own account: resetting the address as well
would let a sprayer wipe the count by logging in to an account of their own now and then.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet, Sum
from django.http import HttpRequest


def _failures(attempts: QuerySet[AccessAttempt]) -> int:
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


class AccountAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler with separate limits per account and per address."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, str] | None = None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = _failures(recent.filter(username=username)) if username else 0
        address = getattr(request, "axes_ip_address", None)
        by_address = _failures(recent.filter(ip_address=address)) if address else 0
        if by_address >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            return max(by_account, get_failure_limit(request, credentials))
        return by_account

    def reset_user_attempts(self, request: HttpRequest, credentials: dict[str, str] | None = None) -> int:
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count
