"""Accounts API: tokens, my account (masked), who used my data."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import match_token
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from tongban.accounts import selectors, services
from tongban.accounts.models import User, UserKind
from tongban.api.errors import ApiError
from tongban.api.schemas import ErrorOut

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None
    name: str = "api"


class TokenOut(Schema):
    token: str


class MeOut(Schema):
    username: str
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    realname_level: int


class DataUseOut(Schema):
    at: datetime
    who: str
    department: str
    action: str
    purpose: str


@router.post("/tokens", auth=None, response={201: TokenOut, 401: ErrorOut, 403: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    """Exchange a password (and, for staff, a TOTP code) for a bearer token."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if user is None:
        raise ApiError(401, "invalid_credentials", _("用户名或密码不正确。"))
    assert isinstance(user, User)
    if user.kind == UserKind.STAFF and not (payload.otp and match_token(user, payload.otp)):
        raise ApiError(401, "otp_required", _("工作人员需要输入动态验证码。"))
    return Status(201, TokenOut(token=services.issue_api_token(user=user, name=payload.name)))


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    """My account, with ID number and phone masked."""
    user = request.user
    assert isinstance(user, User)
    return MeOut(
        username=user.username,
        kind=user.kind,
        name=user.name,
        id_type=user.id_type,
        id_number=user.masked_id_number,
        phone=user.masked_phone,
        realname_level=user.realname_level,
    )


@router.get("/me/data-uses", response=list[DataUseOut])
@paginate(LimitOffsetPagination)
def my_data_uses(request: HttpRequest) -> list[DataUseOut]:
    """谁用了我的数据: each use of my data by staff or another department."""
    user = request.user
    assert isinstance(user, User)
    return [
        DataUseOut(
            at=e.at,
            who=e.actor_label.split(":")[-1],
            department=e.department_code,
            action=e.action,
            purpose=e.purpose,
        )
        for e in selectors.data_uses_of(user)[:500]
    ]
