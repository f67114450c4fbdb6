"""Shared test set-up. Tasks run inline (immediate backend) so after-commit work is observable."""

from __future__ import annotations

from django.conf import settings

settings.AUDIT_SEAL_INTERVAL = 0.0  # seal after every commit, so tests see sealed entries at once
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# The configured Argon2 costs ~40 ms a hash by design; the suite creates hundreds of demo users,
# so tests hash with a fast hasher. tests/accounts/test_hashing.py checks the real configuration.
CONFIGURED_PASSWORD_HASHERS = list(settings.PASSWORD_HASHERS)
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *CONFIGURED_PASSWORD_HASHERS]
# The suite runs in the default mode — no debug, no demo (tests that need demo features turn
# settings.DEMO_MODE on themselves) — but reads static files from the source folders: production's
# manifest storage would need `collectstatic` before every run.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Production redirects plain HTTP to HTTPS; the test client and the live server speak plain HTTP.
# tests/core/test_sessions_and_transport.py checks the redirect (and reads production's settings).
settings.SECURE_SSL_REDIRECT = False


def pytest_report_header() -> list[str]:
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return [f"tongban: database {db}, cache {cache}"]


import pytest  # noqa: E402
from django.test import Client  # noqa: E402
from django_otp.oath import totp  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402


class _Quiet:
    def write(self, *_args: object, **_kwargs: object) -> None:
        pass


@pytest.fixture
def demo(db):
    """The demo regions, departments and people, loaded through the services layer."""
    from tongban.demo import orgs, people

    orgs.load(stdout=_Quiet())
    people.load(stdout=_Quiet())
    return people


def current_totp(user) -> str:
    device = TOTPDevice.objects.get(user=user, name="default")
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def citizen(demo):
    from tongban.accounts.models import User

    return User.objects.get(username="zhangsan")


@pytest.fixture
def citizen_client(citizen) -> Client:
    client = Client()
    client.force_login(citizen, backend="django.contrib.auth.backends.ModelBackend")
    return client


def staff_client(username: str) -> Client:
    """A console client logged in through the real log-in form (password + TOTP)."""
    from tongban.accounts.models import User
    from tongban.demo.people import DEMO_PASSWORD

    user = User.objects.get(username=username)
    client = Client()
    response = client.post(
        "/console/login/", {"username": username, "password": DEMO_PASSWORD, "otp": current_totp(user)}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture(autouse=True)
def _no_reserved_case_numbers():
    """A test that empties the database must not leave this process holding a block of its numbers."""
    yield
    from tongban.cases import numbers

    numbers.forget_reserved_numbers()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Caches start empty in every test (Redis keeps them between runs). The database cache and the
    rate counters (core.ratelimit) live in the test database, which each test rolls back or flushes."""
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    if not isinstance(caches["default"], DatabaseCache):
        caches["default"].clear()
    yield


@pytest.fixture
def make_staff(db):
    """make_staff(role) → a member of staff of a city department, with a TOTP device."""
    from tongban.accounts import services as accounts
    from tongban.orgs.models import RegionLevel
    from tongban.orgs.services import upsert_department, upsert_region

    city = upsert_region(code="440100", name="广州市", level=RegionLevel.CITY, parent=None)
    department = upsert_department(code="DEPT-GZ-ZSJ", name="广州市政务服务和数据管理局", region=city)
    counter = iter(range(1, 100))

    def make(role: str):
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
def administrator(make_staff):
    from tongban.accounts.models import StaffRole

    return make_staff(StaffRole.ADMINISTRATOR)


def verified_client(user) -> Client:
    """A console client whose session passed the second factor (without typing a code)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    return client


class SmsHandset:
    """The phones of a test: what the SMS gateway was given to send (the outbox keeps no log-in code)."""

    received: list[tuple[str, str]] = []

    def texts(self, phone: str) -> list[str]:
        return [text for to, text in self.received if to == phone]

    def last_code(self, phone: str) -> str:
        """The 6-digit code of the newest message to `phone`."""
        import re

        found = re.search(r"\d{6}", self.texts(phone)[-1])
        assert found, self.texts(phone)
        return found.group(0)


def _register_test_gateway() -> None:
    from tongban.notices.sms import SmsGateway, gateways

    @gateways.register("test-handset")
    class TestHandsetGateway(SmsGateway):
        def send(self, *, phone: str, text: str) -> None:
            SmsHandset.received.append((phone, text))


_register_test_gateway()


@pytest.fixture
def sms_handset(settings) -> SmsHandset:
    """Text messages are delivered to a handset the test can read: `sms_handset.last_code(phone)`."""
    settings.SMS_GATEWAY = "test-handset"
    SmsHandset.received.clear()
    return SmsHandset()


@pytest.fixture(autouse=True)
def _platform_language_after_each_test():
    """A request in English leaves its language active in the thread (LocaleMiddleware activates, nothing
    deactivates): every test starts in the platform's language, whatever ran before it."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
