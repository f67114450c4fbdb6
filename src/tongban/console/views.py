"""Staff console shell: log-in with TOTP, to-do list, department staff (scoped)."""

from __future__ import annotations

from django.contrib.auth import authenticate, logout
from django.contrib.auth import login as auth_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import match_token

from tongban.accounts import services as account_services
from tongban.accounts.models import StaffRole, User
from tongban.accounts.permissions import assignments, can, ensure_can
from tongban.accounts.selectors import staff_of_department
from tongban.console.decorators import staff_required
from tongban.console.forms import StaffLoginForm
from tongban.demo import visible as demo_visible
from tongban.orgs.models import Department


def _demo_codes() -> list[tuple[str, str]]:
    """Demo mode only (TONGBAN_DEMO=true): the current TOTP codes of the demo's own staff accounts."""
    return demo_visible.current_codes()


def login_view(request: HttpRequest) -> HttpResponse:
    """工作人员登录: password and TOTP code together.

    Every failure gets one answer — a wrong password, a wrong or missing TOTP code, an account
    that is not staff or has no authenticator yet — and counts toward the lock-out, so the page
    never tells that the password was right before the second factor is.
    """
    form = StaffLoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        device = match_token(user, form.cleaned_data["otp"]) if isinstance(user, User) and user.is_staff else None
        if not isinstance(user, User) or device is None:
            if isinstance(user, User):  # a wrong password was counted by authenticate() already
                account_services.record_failed_login(request=request, username=user.username)
            form.add_error(None, _("用户名、密码或动态验证码不正确。"))
            form.add_error(
                None,
                _("新账号须先绑定动态验证码：请系统管理员在服务器上运行 tongban enrol-totp %(username)s。")
                % {"username": username},
            )
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            account_services.record_login(user=user, method="password+totp")
            target = request.POST.get("next") or "/console/"
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "/console/"
            return redirect(target)
    return render(
        request, "console/login.html", {"form": form, "demo_codes": _demo_codes(), "next": request.GET.get("next", "")}
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:login")


# Configuration pages and the roles that may open them (each page checks its own rule too).
CONFIGURATION_LINKS = [
    ("catalog_console:items", _lazy("服务事项目录"), {StaffRole.ADMINISTRATOR}),
    ("search_console:synonyms", _lazy("搜索同义词"), {StaffRole.ADMINISTRATOR, StaffRole.DATA_OFFICER}),
    (
        "search_console:queries",
        _lazy("搜不到的查询"),
        {StaffRole.ADMINISTRATOR, StaffRole.DATA_OFFICER, StaffRole.SUPERVISOR},
    ),
    ("timelimits_console:calendar", _lazy("工作日历"), {StaffRole.ADMINISTRATOR}),
    ("workflow_console:definitions", _lazy("办理流程"), {StaffRole.ADMINISTRATOR}),
]


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """待办: my roles, the to-do summary and the configuration pages my roles may open."""
    user = request.user
    assert isinstance(user, User)
    roles = {a.role for a in assignments(user)}
    links = [(reverse(name), label) for name, label, allowed in CONFIGURATION_LINKS if roles & allowed]
    return render(
        request,
        "console/home.html",
        {"assignments": assignments(user), "configuration_links": links, "can_oversee": can(user, "cases.oversee")},
    )


@staff_required
def department_staff(request: HttpRequest, code: str) -> HttpResponse:
    department = get_object_or_404(Department.objects.select_related("region"), code=code)
    ensure_can(request.user, "orgs.view_department_staff", department)
    return render(
        request,
        "console/department_staff.html",
        {"department": department, "staff": staff_of_department(department.pk)},
    )
