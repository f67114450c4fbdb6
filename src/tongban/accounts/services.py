"""State changes of accounts: registration, real-name checks, staff, login codes, API tokens.

Each function is one transaction and writes an audit entry.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.accounts.identity import IdentityCheck, current_verifier
from tongban.accounts.models import (
    IdType,
    LoginCode,
    PopulationRecord,
    RealNameLevel,
    Representation,
    StaffAssignment,
    StaffRole,
    User,
    UserKind,
)
from tongban.accounts.tokens import issue_api_token as issue_api_token  # API tokens live in accounts.tokens
from tongban.accounts.tokens import user_for_token as user_for_token
from tongban.core import audit, crypto, ratelimit
from tongban.core.masking import mask_mobile
from tongban.core.ratelimit import Limit
from tongban.core.validators import (
    birth_date_from_id,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)
from tongban.notices.services import queue_sms
from tongban.orgs.models import Department, Region


class IdentityUnavailable(Exception):
    """The population registry could not be reached; the person may try again later."""


def _set_identity(user: User, *, id_type: str, id_number: str) -> None:
    if id_type == IdType.RESIDENT_ID:
        id_number = validate_id_number(id_number)
        user.birth_date = birth_date_from_id(id_number)
    else:
        id_number = id_number.strip().upper()
    user.id_type = id_type
    user.id_number = id_number
    user.id_number_index = crypto.blind_index(id_number)


def _set_phone(user: User, phone: str) -> None:
    phone = validate_mobile(phone)
    user.phone = phone
    user.phone_index = crypto.blind_index(phone)


def find_by_phone(phone: str) -> User | None:
    try:
        phone = validate_mobile(phone)
    except ValidationError:
        return None
    return User.objects.filter(phone_index=crypto.blind_index(phone), is_active=True).first()


def find_by_id_number(id_type: str, id_number: str) -> User | None:
    number = id_number.strip().upper()
    return User.objects.filter(id_type=id_type, id_number_index=crypto.blind_index(number)).first()


@transaction.atomic
def register_person(
    *,
    username: str,
    password: str,
    name: str,
    phone: str,
    id_type: str = IdType.RESIDENT_ID,
    id_number: str = "",
) -> User:
    """注册: a citizen account at real-name level 1."""
    user = User(username=username, kind=UserKind.PERSON, name=name.strip())
    _set_phone(user, phone)
    if id_number:
        _set_identity(user, id_type=id_type, id_number=id_number)
        if find_by_id_number(user.id_type, user.id_number) is not None:
            raise ValidationError(_("该证件号码已注册，请直接登录或找回密码。"), code="id_taken")
    if User.objects.filter(phone_index=user.phone_index).exists():
        raise ValidationError(_("该手机号码已注册，请直接登录。"), code="phone_taken")
    user.set_password(password)
    user.save()
    audit.record(actor=user, action="account.register", subject=user, data_subject=user)
    return user


def verify_real_name(*, user: User) -> User:
    """基本实名: match name + ID number against the population registry; level 1 → 2.

    A check that does not match is audited too (it commits before the refusal is raised): tries of
    names against one ID number must stay visible.
    """
    if not user.id_number or user.id_type != IdType.RESIDENT_ID:
        raise ValidationError(_("请先填写居民身份证号码。"), code="id_missing")
    result = current_verifier().verify(name=user.name, id_number=user.id_number)
    if result is IdentityCheck.UNAVAILABLE:
        raise IdentityUnavailable
    with transaction.atomic():
        audit.record(
            actor=user,
            action="account.verify_real_name",
            subject=user,
            data_subject=user,
            purpose=_("实名认证"),
            details={"result": result.value},
        )
        if result is IdentityCheck.MATCH and user.realname_level < RealNameLevel.BASIC:
            user.realname_level = RealNameLevel.BASIC
            user.save(update_fields=["realname_level"])
    if result is IdentityCheck.NO_MATCH:
        raise ValidationError(_("姓名与身份证号码不一致，请核对后重试。"), code="identity_mismatch")
    if result is IdentityCheck.NOT_FOUND:
        raise ValidationError(
            _("人口库中没有这个身份证号码的登记，请核对号码；仍有疑问请到窗口办理。"), code="identity_not_found"
        )
    return user


@transaction.atomic
def create_legal_person(*, username: str, password: str, name: str, credit_code: str, representative: User) -> User:
    """法人账户: linked to its legal representative, who may act for it."""
    company = User(
        username=username,
        kind=UserKind.LEGAL_PERSON,
        name=name,
        credit_code=validate_credit_code(credit_code),
        id_type=IdType.CREDIT_CODE,
        legal_representative=representative,
        realname_level=RealNameLevel.BASIC,
    )
    company.set_password(password)
    company.save()
    Representation.objects.create(
        legal_person=company, person=representative, role=Representation.Role.LEGAL_REPRESENTATIVE
    )
    audit.record(actor=representative, action="account.create_legal_person", subject=company)
    return company


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str,
    name: str,
    phone: str,
    roles: list[tuple[Department, str, Region]],
    actor: Any = None,
) -> tuple[User, TOTPDevice]:
    """工作人员: an account with roles and a confirmed TOTP device (second factor)."""
    user = User(username=username, kind=UserKind.STAFF, name=name, realname_level=RealNameLevel.ADVANCED)
    _set_phone(user, phone)
    user.set_password(password)
    user.save()
    for department, role, scope in roles:
        StaffAssignment.objects.create(user=user, department=department, role=role, scope=scope)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    audit.record(
        actor=actor,
        action="staff.create",
        subject=user,
        details={"roles": [[d.code, r, s.code] for d, r, s in roles]},
    )
    return user, device


@transaction.atomic
def create_administrator(
    *, username: str, password: str | None, name: str = "", email: str = "", actor: Any = None
) -> User:
    """系统管理员: a superuser with the administrator role over the root region, no second factor yet.

    The console needs a confirmed authenticator: `start_totp_enrolment` + `confirm_totp_enrolment`
    (the `tongban enrol-totp` command) give it one.
    """
    from tongban.orgs.services import ensure_platform_department

    department = ensure_platform_department(actor=actor)
    user = User(
        username=username,
        kind=UserKind.STAFF,
        name=(name or username).strip(),
        email=email,
        is_superuser=True,
        realname_level=RealNameLevel.ADVANCED,
    )
    user.set_password(password)
    user.save()
    StaffAssignment.objects.create(
        user=user, department=department, role=StaffRole.ADMINISTRATOR, scope=department.region
    )
    audit.record(
        actor=actor,
        action="staff.create_administrator",
        subject=user,
        details={"roles": [[department.code, StaffRole.ADMINISTRATOR.value, department.region.code]]},
    )
    return user


PENDING_DEVICE = "pending"


def _staff_by_username(username: str) -> User:
    user = User.objects.filter(username=username, kind=UserKind.STAFF).first()
    if user is None:
        raise ValidationError(_("没有这个工作人员账号：%(username)s") % {"username": username}, code="no_staff")
    return user


@transaction.atomic
def start_totp_enrolment(*, username: str, actor: Any = None) -> TOTPDevice:
    """绑定动态验证码: a fresh, unconfirmed TOTP device; its otpauth URI is shown once, to the holder.

    A device that is already confirmed keeps working until the new one is confirmed.
    """
    user = _staff_by_username(username)
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name=PENDING_DEVICE, confirmed=False)
    audit.record(actor=actor, action="staff.totp_enrolment_start", subject=user)
    return device


@transaction.atomic
def confirm_totp_enrolment(*, username: str, code: str, actor: Any = None) -> TOTPDevice:
    """The first code from the authenticator confirms the pending device; older devices stop working."""
    user = _staff_by_username(username)
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).first()
    if device is None:
        raise ValidationError(
            _("没有待确认的动态验证码，请先运行 tongban enrol-totp %(username)s。") % {"username": username},
            code="no_pending_device",
        )
    if not device.verify_token(code.strip()):
        raise ValidationError(_("动态验证码不正确或已过期，请输入验证器中最新的 6 位数字。"), code="otp_invalid")
    TOTPDevice.objects.filter(user=user, confirmed=True).delete()
    device.confirmed = True
    device.name = "default"
    device.save(update_fields=["confirmed", "name"])
    audit.record(actor=actor, action="staff.totp_enrolment_confirm", subject=user)
    return device


@transaction.atomic
def add_population_record(*, name: str, id_number: str) -> PopulationRecord:
    number = validate_id_number(id_number)
    record, _created = PopulationRecord.objects.get_or_create(
        id_number_index=crypto.blind_index(number),
        defaults={"name": name, "birth_date": birth_date_from_id(number)},
    )
    return record


def _hash_code(phone_index: str, code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), f"{phone_index}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class CodeSent:
    phone_masked: str


class TooManyRequests(Exception):
    """限流: too many SMS codes asked for one phone or from one address; `message` says when to retry."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class LoginLockedOut(Exception):
    """登录锁定: too many failed log-ins (passwords and SMS codes together) for this account or address."""


# A code a minute and 5 an hour per phone; 20 an hour per address (a hall's shared Wi-Fi stays usable).
SMS_PER_PHONE = (Limit(count=1, window=60), Limit(count=5, window=3600))
SMS_PER_ADDRESS = (Limit(count=20, window=3600),)


def send_login_code(*, phone: str, address: str = "") -> CodeSent:
    """短信验证码登录: send a 6-digit code valid for 5 minutes. Unknown numbers get the same answer.

    Limited per phone and per client address (`address`), known and unknown numbers alike, in
    counters every app server shares (core.ratelimit, counted before the sending transaction);
    over a limit it raises `TooManyRequests` and sends nothing.
    """
    phone = validate_mobile(phone)
    index = crypto.blind_index(phone)
    wait = max(
        ratelimit.hit("sms-phone", index, SMS_PER_PHONE),
        ratelimit.hit("sms-address", address, SMS_PER_ADDRESS) if address else 0,
    )
    if wait:
        minutes = max(1, (wait + 59) // 60)
        raise TooManyRequests(
            _("获取验证码过于频繁，请 %(minutes)s 分钟后再试。如急需办理，请拨打热线。") % {"minutes": minutes},
            retry_after=wait,
        )
    return _send_login_code(phone=phone, index=index)


@transaction.atomic
def _send_login_code(*, phone: str, index: str) -> CodeSent:
    if User.objects.filter(phone_index=index, is_active=True).exists():
        code = f"{secrets.randbelow(1_000_000):06d}"
        LoginCode.objects.filter(phone_index=index, used=False).update(used=True)
        LoginCode.objects.create(
            phone_index=index,
            code_hash=_hash_code(index, code),
            expires_at=timezone.now() + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
        )
        queue_sms(
            phone=phone,
            text=_("【通办】您的登录验证码是 %(code)s，5 分钟内有效。请勿告诉他人。") % {"code": code},
            secret=code,  # kept in the outbox only until delivered
        )
    return CodeSent(phone_masked=mask_mobile(phone))


MAX_CODE_ATTEMPTS = 5


def _lockout_credentials(index: str) -> dict[str, str]:
    """The name django-axes counts failures under: the account's user name, so wrong passwords and
    wrong SMS codes add up; a number without an account is counted under its look-up hash."""
    user = User.objects.filter(phone_index=index, is_active=True).only("username").first()
    return {"username": user.username if user else f"sms:{index[:20]}"}


@transaction.atomic
def check_login_code(*, phone: str, code: str, request: HttpRequest | None = None) -> User | None:
    """Return the user when the code is right and fresh; each code allows 5 tries.

    With `request`, every wrong or stale code counts as a failed log-in of the account (and of
    the address) in django-axes, and a locked account raises `LoginLockedOut` before the code
    is looked at.
    """
    try:
        phone = validate_mobile(phone)
    except ValidationError:
        return None
    index = crypto.blind_index(phone)
    credentials = _lockout_credentials(index) if request is not None else {}
    if request is not None and not AxesProxyHandler.is_allowed(request, credentials):
        raise LoginLockedOut
    login_code = (
        LoginCode.objects.select_for_update()
        .filter(phone_index=index, used=False, expires_at__gt=timezone.now())
        .order_by("-created_at")
        .first()
    )
    if login_code is None or not hmac.compare_digest(login_code.code_hash, _hash_code(index, code.strip())):
        if login_code is not None:
            login_code.attempts += 1
            login_code.used = login_code.attempts >= MAX_CODE_ATTEMPTS
            login_code.save(update_fields=["attempts", "used"])
        if request is not None:
            AxesProxyHandler.user_login_failed(sender=check_login_code, credentials=credentials, request=request)
        return None
    login_code.used = True
    login_code.save(update_fields=["used"])
    return User.objects.filter(phone_index=index, is_active=True).first()


def record_failed_login(*, request: HttpRequest, username: str) -> None:
    """A log-in that failed after the password was checked (a wrong TOTP code, a staff account at
    the citizens' door): counted like a wrong password, for the account and the address (axes).
    Over a limit the request is marked, and the lock-out answer replaces the page."""
    AxesProxyHandler.user_login_failed(sender=record_failed_login, credentials={"username": username}, request=request)


@transaction.atomic
def record_login(*, user: User, method: str) -> None:
    audit.record(actor=user, action="account.login", subject=user, details={"method": method})
