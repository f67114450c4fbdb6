from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tongban.accounts import services as accounts
from tongban.accounts.models import StaffRole, User
from tongban.core import calendar
from tongban.orgs.models import RegionLevel
from tongban.orgs.services import upsert_department, upsert_region


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    city = upsert_region(code="440100", name="广州市", level=RegionLevel.CITY, parent=None)
    department = upsert_department(code="DEPT-GZ-ZSJ", name="广州市政务服务和数据管理局", region=city)
    counter = iter(range(1, 100))

    def make(role: str) -> User:
        n = next(counter)
        user, _device = accounts.create_staff(
            username=f"staff{n}",
            password="Tongban@2026!",
            name=f"员工{n}",
            phone=f"139000010{n:02d}",
            roles=[(department, role, city)],
        )
        return user

    return make


@pytest.fixture
def administrator(make_staff: Callable[..., User]) -> User:
    return make_staff(StaffRole.ADMINISTRATOR)


def verified_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client
