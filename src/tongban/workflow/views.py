"""Console page of process definitions (administrators, second factor required)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tongban.accounts.permissions import ensure_can
from tongban.console.decorators import staff_required
from tongban.workflow import selectors, services
from tongban.workflow.forms import UploadProcessForm

ACTION = "workflow.upload_process"


@staff_required
@require_http_methods(["GET", "POST"])
def definitions_page(request: HttpRequest) -> HttpResponse:
    ensure_can(request.user, ACTION)
    form = UploadProcessForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            definition = services.upload_process_definition(
                key=form.cleaned_data["key"],
                bpmn_xml=form.cleaned_data["bpmn_file"],
                dmn_xml=form.cleaned_data["dmn_file"],
                actor=request.user,
            )
        except ValidationError as exc:
            problems = list(exc.messages)
        else:
            messages.success(
                request,
                _("已上传 %(key)s 第 %(version)d 版。") % {"key": definition.key, "version": definition.version},
            )
            return redirect("workflow_console:definitions")
    context = {"form": form, "problems": problems, "definitions": selectors.definitions_by_key()}
    status = 400 if (problems or form.errors) else 200
    return render(request, "workflow/definitions.html", context, status=status)
