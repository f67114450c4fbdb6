"""Citizen portal pages: home, log-in (password or SMS code), my account, my messages, elder mode."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tongban.accounts import services as account_services
from tongban.accounts import tokens as account_tokens
from tongban.accounts.data_uses import data_uses_page
from tongban.accounts.models import ApiToken, User, UserKind
from tongban.accounts.permissions import ensure_can
from tongban.accounts.selectors import live_api_tokens_of
from tongban.accounts.views import locked_out
from tongban.core.middleware import ELDER_COOKIE
from tongban.demo import visible as demo_visible
from tongban.notices import services as notice_services
from tongban.notices.models import Message
from tongban.portal.forms import IdentityForm, PasswordLoginForm, SmsCodeLoginForm, SmsCodeRequestForm


def _safe_next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"home_entries": _home_entries()})


def _home_entries() -> object:
    """Themes and popular services from the catalogue, when the catalogue app is installed."""
    try:
        from tongban.catalog.selectors import home_entries
    except ImportError:
        return None
    return home_entries()


def healthz(request: HttpRequest) -> JsonResponse:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"ok": True})


def login_view(request: HttpRequest) -> HttpResponse:
    """登录: by password (username or mobile) or by a one-time SMS code."""
    mode = request.GET.get("mode", "password")
    password_form = PasswordLoginForm()
    sms_form: SmsCodeRequestForm | SmsCodeLoginForm = SmsCodeRequestForm()
    code_sent_to = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "password")
        if action == "password":
            mode = "password"
            password_form = PasswordLoginForm(request.POST)
            if password_form.is_valid():
                username = password_form.cleaned_data["username"].strip()
                by_phone = account_services.find_by_phone(username)
                if by_phone is not None:
                    username = by_phone.username
                user = authenticate(request, username=username, password=password_form.cleaned_data["password"])
                if isinstance(user, User) and user.kind != UserKind.STAFF:
                    return _finish_login(request, user, "password")
                if isinstance(user, User):
                    # Staff log in at the console, with their second factor. A right staff password
                    # gets the wrong-password answer and counts as a failure, so that neither the
                    # page nor the lock-out tells a right password from a wrong one.
                    account_services.record_failed_login(request=request, username=user.username)
                password_form.add_error(None, _("账号或密码不正确。连续错误 5 次后账号将暂时锁定 15 分钟。"))
        elif action == "send_code":
            mode = "sms"
            sms_form = SmsCodeRequestForm(request.POST)
            if sms_form.is_valid():
                try:
                    sent = account_services.send_login_code(
                        phone=sms_form.cleaned_data["phone"], address=get_client_ip_address(request) or ""
                    )
                except account_services.TooManyRequests as exc:
                    sms_form.add_error("phone", exc.message)
                    status = 429
                else:
                    code_sent_to = sent.phone_masked
                    sms_form = SmsCodeLoginForm(initial={"phone": sms_form.cleaned_data["phone"]})
        elif action == "sms_login":
            mode = "sms"
            sms_form = SmsCodeLoginForm(request.POST)
            if sms_form.is_valid():
                try:
                    user = account_services.check_login_code(
                        phone=sms_form.cleaned_data["phone"], code=sms_form.cleaned_data["code"], request=request
                    )
                except account_services.LoginLockedOut:
                    return locked_out(request)
                if user is not None and user.kind == UserKind.STAFF:  # the same answer as a wrong code
                    account_services.record_failed_login(request=request, username=user.username)
                    user = None
                if user is None:
                    sms_form.add_error("code", _("验证码不正确或已过期，请重新获取。"))
                else:
                    return _finish_login(request, user, "sms")
    return render(
        request,
        "portal/login.html",
        {
            "mode": mode,
            "password_form": password_form,
            "sms_form": sms_form,
            "code_sent_to": code_sent_to,
            "next": _safe_next(request, ""),
        },
        status=status,
    )


def _finish_login(request: HttpRequest, user: User, method: str) -> HttpResponse:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    account_services.record_login(user=user, method=method)
    return redirect(_safe_next(request, "/account/"))


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """我的: my account with masked personal data, real-name level, companies I act for and my API tokens."""
    user = request.user
    assert isinstance(user, User)
    form = IdentityForm()
    if request.method == "POST" and request.POST.get("action") == "revoke_token":
        try:
            account_tokens.revoke_api_token(user=user, token_id=int(request.POST.get("token", "")))
        except (ValueError, ApiToken.DoesNotExist):
            messages.error(request, _("没有找到这个令牌，它可能已经失效。"))
        else:
            messages.success(request, _("令牌已撤销，用它的应用需要重新登录。"))
        return redirect("portal:account")
    if request.method == "POST" and request.POST.get("action") == "verify":
        try:
            account_services.verify_real_name(user=user)
            messages.success(request, _("实名认证成功，您已达到基本实名等级。"))
            return redirect("portal:account")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except account_services.IdentityUnavailable:
            messages.error(request, _("人口库暂时无法核验，请稍后再试。"))
    companies = [r.legal_person for r in user.representations.select_related("legal_person")]
    return render(
        request,
        "portal/account.html",
        {
            "form": form,
            "companies": companies,
            "acting_for": _acting_for(request),
            "api_tokens": live_api_tokens_of(user),
        },
    )


def _acting_for(request: HttpRequest) -> User | None:
    pk = request.session.get("acting_for")
    if not pk:
        return None
    return User.objects.filter(pk=pk, kind=UserKind.LEGAL_PERSON).first()


@login_required
@require_POST
def act_for(request: HttpRequest) -> HttpResponse:
    """以企业身份办理: switch to acting for a company I represent (or back to myself)."""
    target = request.POST.get("company", "")
    if not target:
        request.session.pop("acting_for", None)
        return redirect("portal:account")
    if not (target.isascii() and target.isdigit() and len(target) <= 18):
        raise Http404  # not an account number at all (company=abc): no such company, not a server error
    company = get_object_or_404(User, pk=int(target), kind=UserKind.LEGAL_PERSON)
    ensure_can(request.user, "accounts.act_for", company)
    request.session["acting_for"] = company.pk
    messages.success(request, _("您正在以“%(name)s”的身份办理业务。") % {"name": company.name})
    return redirect("portal:account")


@login_required
def data_uses(request: HttpRequest) -> HttpResponse:
    """谁用了我的数据: every use of my data by others, newest first, a page at a time."""
    user = request.user
    assert isinstance(user, User)
    page = data_uses_page(person=user, number=request.GET.get("page"))
    return render(request, "portal/data_uses.html", {"page": page})


@login_required
def message_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    inbox = Message.objects.filter(recipient=user)[:100]
    return render(request, "portal/messages.html", {"inbox": inbox})


@login_required
def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    message = get_object_or_404(Message, pk=pk, recipient=user)
    notice_services.mark_read(message=message)
    return render(request, "portal/message_detail.html", {"message": message})


@require_POST
def elder_mode(request: HttpRequest) -> HttpResponse:
    """银发模式: one switch, remembered for a year."""
    response = HttpResponseRedirect(_safe_next(request))
    if request.COOKIES.get(ELDER_COOKIE) == "1":
        response.delete_cookie(ELDER_COOKIE)
    else:
        response.set_cookie(ELDER_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def demo_outbox(request: HttpRequest) -> HttpResponse:
    """演示短信发件箱: only in demo mode (TONGBAN_DEMO=true), only the demo accounts' messages, so that
    their SMS codes can be read without a phone."""
    if not settings.DEMO_MODE:
        raise Http404
    return render(request, "portal/demo_outbox.html", {"outbox": demo_visible.outbox()})
