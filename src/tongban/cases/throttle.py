"""办件进度查询限流: one limiter for the progress page and `GET /api/v1/cases/progress` (S5).

Guesses are counted per client address and per (address, case number), in counters that every
process of every app server shares (core.ratelimit), for the page and the API together:

- an address gets PROGRESS_TRIES_PER_ADDRESS (60) wrong guesses per window, over all numbers;
- an address gets PROGRESS_TRIES_PER_NUMBER (10) wrong guesses per window at one number.

A stranger guessing at a number from one address therefore never refuses the owner's right code
from another, and the 50-bit query code keeps guessing from many addresses hopeless. A right code
is not a guess: its try is taken back. The owner, logged in, is never refused a look-up of their
own case. Settings (`TONGBAN[...]`): PROGRESS_WINDOW_SECONDS (600), PROGRESS_TRIES_PER_ADDRESS,
PROGRESS_TRIES_PER_NUMBER.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from tongban.cases.models import Case
from tongban.cases.numbers import normalise_case_number
from tongban.core import ratelimit
from tongban.core.ratelimit import Limit

MAX_NUMBER_CHARS = 140


def _setting(name: str, default: int) -> int:
    return int(settings.TONGBAN.get(name, default))


def window_seconds() -> int:
    return _setting("PROGRESS_WINDOW_SECONDS", 600)


def number_key(number: str) -> str:
    """The case number as counted: full-width folded, upper case, letters and digits only, so
    "ab-1", "AB1" and "ＡＢ１" share one counter however the look-up normalises them."""
    folded = normalise_case_number((number or "")[:MAX_NUMBER_CHARS])
    return "".join(ch for ch in folded if ch.isascii() and ch.isalnum())


def _owns(user: AbstractBaseUser | AnonymousUser | None, key: str) -> bool:
    """Whether the logged-in user applied for the case with this number (or acts for the company that did)."""
    if user is None or not user.is_authenticated or len(key) < 6:
        return False
    numbers = (
        Case.objects.filter(Q(applicant=user) | Q(acting_for__representatives__person=user))
        .filter(number__iendswith=key[-6:])
        .values_list("number", flat=True)
    )
    return any(number_key(number) == key for number in numbers)


@dataclass(frozen=True)
class ProgressTry:
    """One progress look-up as the limiter saw it."""

    refused: bool
    counted: tuple[ratelimit.Hit, ...] = ()

    def found(self) -> None:
        """The code was right: the try does not count as a guess."""
        for hit in self.counted:
            ratelimit.take_back(hit)


def progress_try(*, address: str, number: str, user: AbstractBaseUser | AnonymousUser | None = None) -> ProgressTry:
    """Count one look-up (call before checking the code, then `found()` if it was right).

    Refused when the address is over its limit, in total or at this number; a refused try counts
    too. The logged-in owner of the case is neither counted nor refused.
    """
    key = number_key(number)
    if _owns(user, key):
        return ProgressTry(refused=False)
    window = window_seconds()
    address = address or "unknown"
    by_address = ratelimit.count(
        "progress-address", address, (Limit(_setting("PROGRESS_TRIES_PER_ADDRESS", 60), window),)
    )
    by_number = ratelimit.count(
        "progress-number", f"{address} {key}", (Limit(_setting("PROGRESS_TRIES_PER_NUMBER", 10), window),)
    )
    return ProgressTry(refused=bool(by_address.wait or by_number.wait), counted=(by_address, by_number))


def client_address(meta: dict[str, object]) -> str:
    """The client's address as the server sees it (the proxy sets REMOTE_ADDR; see docs/operations.md)."""
    return str(meta.get("REMOTE_ADDR") or "unknown")
