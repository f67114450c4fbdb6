"""Accounts API: tokens, my account (masked), who used my data."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp import match_token
from ninja import Field, Query, Router, Schema, Status

from tongban.accounts import data_uses, selectors, services, tokens
from tongban.accounts.models import ApiToken, User, UserKind
from tongban.api.errors import ApiError
from tongban.api.schemas import ErrorOut

router = Router(tags=["accounts"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str | None = None
    name: str = "api"


class TokenOut(Schema):
    token: str = Field(description="the bearer value, shown this once")
    id: int
    expires_at: datetime


class TokenInfoOut(Schema):
    """One of my API tokens (never its value)."""

    id: int
    name: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None = Field(description="to the minute")


class MeOut(Schema):
    username: str
    kind: str
    name: str
    id_type: str
    id_number: str
    phone: str
    realname_level: int


class DataUseOut(Schema):
    """One use of my data; repeated reads of one case by one person in one clock hour come as one
    with `times` > 1 (`first_at` … `at`)."""

    at: datetime
    first_at: datetime
    times: int
    actor_kind: str = Field(description="staff, system or other")
    who: str = Field(description="in plain words: the role and staff number, 平台自动处理, or a masked name")
    department: str = Field(description="the department's name")
    role: str
    staff_number: str
    action: str
    done: str = Field(description="what was done, in plain words")
    purpose: str
    case_number: str


class DataUsePageOut(Schema):
    count: int
    page: int
    pages: int
    items: list[DataUseOut]


@router.post(
    "/tokens",
    auth=None,
    response={201: TokenOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    """Exchange a password (and, for staff, a TOTP code in `otp`) for a bearer token.

    A wrong password and a missing or wrong staff code get the same 401 `invalid_credentials`
    and both count toward the lock-out (429 `locked_out`), so a staff password is never confirmed
    before the second factor."""
    user = authenticate(request, username=payload.username, password=payload.password)
    if isinstance(user, User) and user.kind == UserKind.STAFF and not (payload.otp and match_token(user, payload.otp)):
        services.record_failed_login(request=request, username=user.username)
        user = None
    if not isinstance(user, User):
        raise ApiError(401, "invalid_credentials", _("用户名、密码或动态验证码不正确（工作人员须填写动态验证码）。"))
    issued = tokens.create_api_token(user=user, name=payload.name)
    return Status(201, TokenOut(token=issued.raw, id=issued.token.pk, expires_at=issued.token.expires_at))


@router.get("/tokens", response={200: list[TokenInfoOut], 401: ErrorOut})
def list_tokens(request: HttpRequest) -> list[TokenInfoOut]:
    """我的 API 令牌: my tokens that still work, newest first. A token ends when it expires (citizens
    30 days, staff 8 hours), when revoked and when my password changes."""
    user = request.user
    assert isinstance(user, User)
    return [
        TokenInfoOut(
            id=t.pk, name=t.name, created_at=t.created_at, expires_at=t.expires_at, last_used_at=t.last_used_at
        )
        for t in selectors.live_api_tokens_of(user)
    ]


@router.delete("/tokens/{token_id}", response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut})
def revoke_token(request: HttpRequest, token_id: int) -> Status:
    """撤销令牌: end one of my tokens at once (the one in use too). Another person's token is 404."""
    user = request.user
    assert isinstance(user, User)
    try:
        tokens.revoke_api_token(user=user, token_id=token_id)
    except ApiToken.DoesNotExist:
        raise ApiError(404, "not_found", _("没有找到这个令牌。")) from None
    return Status(204, None)


@router.get("/me", response={200: MeOut, 401: ErrorOut})
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


@router.get("/me/data-uses", response={200: DataUsePageOut, 401: ErrorOut, 422: ErrorOut})
def my_data_uses(
    request: HttpRequest, page: int = Query(1, ge=1), page_size: int = Query(data_uses.PAGE_SIZE, ge=1, le=100)
) -> DataUsePageOut:
    """谁用了我的数据: every use of my data by staff, departments or the platform, newest first,
    a page at a time (`pages` pages; a page past the last is empty)."""
    user = request.user
    assert isinstance(user, User)
    uses = data_uses.data_uses_page(person=user, number=page, per_page=page_size, clamp=False)
    return DataUsePageOut(
        count=uses.paginator.count,
        page=page,
        pages=uses.paginator.num_pages,
        items=[_data_use_out(use) for use in uses],
    )


def _data_use_out(use: data_uses.DataUse) -> DataUseOut:
    return DataUseOut(
        at=use.at,
        first_at=use.first_at,
        times=use.times,
        actor_kind=use.actor_kind,
        who=use.who,
        department=use.department,
        role=use.role,
        staff_number=use.staff_number,
        action=use.action,
        done=use.done,
        purpose=use.purpose or use.done,
        case_number=use.case_number,
    )
