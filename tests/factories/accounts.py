"""Citizens, companies and staff, created through `accounts.services`.

Staff get their roles as assignments and a confirmed TOTP device (`create_staff`), so they can log in
to the console; `console_client(user)` is a client that has passed both factors.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from factory.django import DjangoModelFactory

from tests.factories.orgs import DepartmentFactory
from tongban.accounts import services
from tongban.accounts.models import RealNameLevel, StaffRole, User
from tongban.demo.codes import credit_code, id_number

PASSWORD = "Tongban@2026!"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "华"]


def _name(n: int) -> str:
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)]


def _id_number(n: int) -> str:
    """A valid 居民身份证 number of someone born in 天河区 on a day that differs with n."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=(n * 37) % 15000)
    return id_number("440106", birth.strftime("%Y%m%d"), n % 1000)


class CitizenFactory(DjangoModelFactory):
    """自然人: registered with `register_person`; `verified=True` passes the real-name check (level 2)."""

    class Meta:
        model = User

    class Params:
        verified = factory.Trait(realname_level=RealNameLevel.BASIC)
        without_id = factory.Trait(id_number="")

    username = factory.Sequence(lambda n: f"citizen{n}")
    password = PASSWORD
    name = factory.Sequence(_name)
    phone = factory.Sequence(lambda n: f"137{n % 100_000_000:08d}")
    id_number = factory.Sequence(_id_number)
    realname_level = RealNameLevel.REGISTERED

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        level = kwargs.pop("realname_level")
        user = services.register_person(**kwargs)
        if level >= RealNameLevel.BASIC:
            services.add_population_record(name=user.name, id_number=user.id_number)
            services.verify_real_name(user=user)
            user.refresh_from_db()
        return user


class CompanyFactory(DjangoModelFactory):
    """法人账户 with its legal representative (who may act for it), by `create_legal_person`."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"company{n}")
    password = PASSWORD
    name = factory.Sequence(lambda n: f"广州市测试{n}贸易有限公司")
    credit_code = factory.Sequence(lambda n: credit_code("91", "440106", 30_000_000 + n))
    representative = factory.SubFactory(CitizenFactory, verified=True)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return services.create_legal_person(**kwargs)


class StaffFactory(DjangoModelFactory):
    """工作人员 with one role in a department (scoped to the department's region unless `scope` is given),
    more roles there with `extra_roles`, and a confirmed TOTP device (`user.totpdevice_set`).

    Traits name the role: `intake`, `handling` (the default), `head`, `supervisor`, `data_officer`,
    `administrator`.
    """

    class Meta:
        model = User

    class Params:
        intake = factory.Trait(role=StaffRole.INTAKE_CLERK)
        handling = factory.Trait(role=StaffRole.HANDLING_CLERK)
        head = factory.Trait(role=StaffRole.DEPARTMENT_HEAD)
        supervisor = factory.Trait(role=StaffRole.SUPERVISOR)
        data_officer = factory.Trait(role=StaffRole.DATA_OFFICER)
        administrator = factory.Trait(role=StaffRole.ADMINISTRATOR)

    username = factory.Sequence(lambda n: f"staff{n}")
    password = PASSWORD
    name = factory.Sequence(lambda n: _name(n + 7))
    phone = factory.Sequence(lambda n: f"139{n % 100_000_000:08d}")
    department = factory.SubFactory(DepartmentFactory)
    role = StaffRole.HANDLING_CLERK
    scope = factory.LazyAttribute(lambda o: o.department.region)
    extra_roles = ()

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        department, scope = kwargs.pop("department"), kwargs.pop("scope")
        roles = [kwargs.pop("role"), *kwargs.pop("extra_roles")]
        user, _device = services.create_staff(**kwargs, roles=[(department, role, scope) for role in roles])
        return user


def staff_of(department: Any, role: str) -> User:
    """A member of staff with `role` in `department`: the first there is, else a new one."""
    found = User.objects.filter(assignments__department=department, assignments__role=role).order_by("pk").first()
    return found if found is not None else StaffFactory(department=department, role=role)


def console_client(user: User) -> Client:
    """A console client whose session passed the password and the second factor (TOTP)."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get(confirmed=True).persistent_id
    session.save()
    return client


def portal_client(user: User) -> Client:
    """A portal client logged in as `user`."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
