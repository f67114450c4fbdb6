"""API errors: every failure answers JSON `{code, message}` — a stable code, a human message in the
language of the request (Accept-Language).

Input the server cannot read is the client's mistake, never a server error: a multipart body without a
boundary or with over-long part headers (400 `malformed_upload`), a body over the size limit (413
`too_large`, in every mode), JSON that does not parse or nests too deep (400 `malformed_json`), a value
of the wrong type or out of range (422 `invalid_input`, each field's problem in words).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ApiError(Exception):
    """Raise from an endpoint for a 4xx answer with a stable code."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra


def _field_path(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts)


def _field_problem(error: dict[str, Any]) -> str:
    """One field's problem in words (pydantic's own message is English and technical)."""
    kind = str(error.get("type", ""))
    context = error.get("ctx") or {}
    words = {
        "missing": _("请填写此项。"),
        "int_parsing": _("请填写整数。"),
        "int_type": _("请填写整数。"),
        "int_from_float": _("请填写整数。"),
        "float_parsing": _("请填写数字。"),
        "float_type": _("请填写数字。"),
        "bool_parsing": _("请填写 true 或 false。"),
        "bool_type": _("请填写 true 或 false。"),
        "string_type": _("请填写文字。"),
        "dict_type": _("应为一组键值（JSON 对象）。"),
        "model_type": _("应为一组键值（JSON 对象）。"),
        "model_attributes_type": _("应为一组键值（JSON 对象）。"),
        "list_type": _("应为一个列表。"),
        "json_invalid": _("不是有效的 JSON。"),
        "enum": _("请从给定的选项中选择。"),
        "literal_error": _("请从给定的选项中选择。"),
    }
    bounds = {
        "greater_than_equal": (_("不能小于 %(n)s。"), "ge"),
        "greater_than": (_("须大于 %(n)s。"), "gt"),
        "less_than_equal": (_("不能大于 %(n)s。"), "le"),
        "less_than": (_("须小于 %(n)s。"), "lt"),
        "string_too_long": (_("最多 %(n)s 个字符。"), "max_length"),
        "string_too_short": (_("至少 %(n)s 个字符。"), "min_length"),
        "too_long": (_("最多 %(n)s 项。"), "max_length"),
        "too_short": (_("至少 %(n)s 项。"), "min_length"),
    }
    if kind in words:
        return words[kind]
    if kind in bounds:
        text, key = bounds[kind]
        return text % {"n": context.get(key, "")}
    if kind == "value_error":
        return str(context.get("error") or error.get("msg", ""))
    return _("填写有误，请核对。")


def _unreadable_body(cause: BaseException | None) -> str:
    """Why a request body could not be read as JSON, in words."""
    if isinstance(cause, RecursionError):
        return _("请求内容嵌套的层数太多，无法读取。")
    if isinstance(cause, UnicodeDecodeError):
        return _("请求内容不是 UTF-8 编码的文字，无法读取。")
    if isinstance(cause, json.JSONDecodeError):
        return _("请求内容不是有效的 JSON（第 %(line)s 行第 %(column)s 个字符附近有误）。") % {
            "line": cause.lineno,
            "column": cause.colno,
        }
    return _("请求内容不是有效的 JSON，无法读取。")


def malformed_upload_message(exc: MultiPartParserError) -> str:
    """A multipart body that cannot be read, in words (shared with endpoints that read it themselves)."""
    if "header size" in str(exc):
        return _("上传内容的说明部分太长（多半是文件名太长），请把文件名改短后重新上传。")
    return _("上传的内容无法读取：multipart 格式有误（例如缺少 boundary）。请用表单方式上传文件。")


def install(api: NinjaAPI) -> None:
    def reply(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
        return api.create_response(request, {"code": code, "message": message, **extra}, status=status)

    @api.exception_handler(ApiError)
    def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return reply(request, exc.status, exc.code, exc.message, **exc.extra)

    @api.exception_handler(NinjaValidationError)
    def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields = [
            {
                "field": _field_path(list(e.get("loc", []))),
                "message": _field_problem(e),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        problems = _("；").join(
            _("%(field)s：%(problem)s") % {"field": f["field"], "problem": f["message"]} if f["field"] else f["message"]
            for f in fields[:3]
        )
        message = _("提交的内容有误，请按提示修改：%(problems)s") % {"problems": problems}
        return reply(
            request, 422, "invalid_input", message if fields else _("提交的内容有误，请按提示修改。"), errors=fields
        )

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0) // (1024 * 1024)
        return reply(
            request, 413, "too_large", _("提交的内容超过了 %(mb)s MB 的上限；文件请作为附件上传。") % {"mb": limit}
        )

    @api.exception_handler(MultiPartParserError)
    def _malformed_upload(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return reply(request, 400, "malformed_upload", malformed_upload_message(exc))

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
            return reply(request, 400, "too_many_fields", _("一次提交的字段或文件太多，请分几次提交。"))
        return reply(request, 400, "bad_request", _("请求的格式有误。"))

    @api.exception_handler(DjangoValidationError)
    def _django_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        code = getattr(exc, "code", None) or "invalid_input"
        return reply(request, 422, code, " ".join(str(m) for m in exc.messages))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return reply(request, 401, "not_authenticated", _("请先登录。"))

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return reply(request, 403, "permission_denied", str(exc) or _("您没有权限进行此操作。"))

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return reply(request, 404, "not_found", _("没有找到您要的内容。"))

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400 and exc.__cause__ is not None:  # ninja could not parse the body
            return reply(request, 400, "malformed_json", _unreadable_body(exc.__cause__))
        code = {400: "bad_request", 405: "method_not_allowed", 429: "too_many_requests"}.get(exc.status_code, "error")
        return reply(request, exc.status_code, code, str(exc))


UNSAFE_METHODS = ("post", "put", "patch", "delete")
_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}


def document_error_answers(schema: dict[str, Any]) -> None:
    """List in the OpenAPI document every error status an operation can answer besides its own:
    400 everywhere (a malformed header or body), 401 with credentials, 403 (CSRF) on unsafe methods with
    the session, 413 with a body, 422
    with parameters or a body, 503 (database unavailable, with Retry-After) everywhere."""
    from tongban.api.schemas import ErrorOut

    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}"))
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            answers = operation.setdefault("responses", {})
            statuses: dict[int, str] = {
                400: "Bad Request — the request cannot be read (a malformed header, JSON or multipart body)",
                503: "Service Unavailable — the database is unreachable; retry after Retry-After",
            }
            if operation.get("security"):
                statuses[401] = "Unauthorized — no valid bearer token or session"
                if method in UNSAFE_METHODS:
                    statuses[403] = "Forbidden — not allowed, or a session request without its CSRF token"
            if operation.get("requestBody"):
                statuses[413] = "Content Too Large — the body is over the size limit"
            if operation.get("requestBody") or operation.get("parameters"):
                statuses[422] = "Unprocessable Content — a value is missing, of the wrong type or out of range"
            for status, description in statuses.items():
                if str(status) not in answers and status not in answers:
                    answer: dict[str, Any] = {"description": description, "content": _ERROR_REF}
                    if status == 503:
                        answer["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
                    answers[status] = answer  # ninja keys the answers by number
