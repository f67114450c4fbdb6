"""Catalogue API: items, themes and bundles (public), catalogue import (administrators)."""

from __future__ import annotations

import shutil
import tempfile
from typing import IO, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from tongban.accounts.permissions import ensure_can
from tongban.api.errors import ApiError
from tongban.api.schemas import ErrorOut
from tongban.catalog import selectors
from tongban.catalog.form_order import without_field_order
from tongban.catalog.models import Material, ServiceItem
from tongban.catalog.services import import_catalogue

router = Router(tags=["catalog"])

SPOOL_IN_MEMORY = 5 * 1024 * 1024


class DepartmentRef(Schema):
    code: str
    name: str
    phone: str


class RegionRef(Schema):
    code: str
    name: str


class ItemRef(Schema):
    code: str
    name: str
    department: str
    url: str


class ItemMaterialOut(Schema):
    """申请材料: a material on an item's list (the stored file of a case is cases' MaterialOut)."""

    name: str
    required: bool
    form: str
    copies: int | None
    source: str
    certificate_type: str
    note: str
    government_held: bool


class ItemOut(Schema):
    code: str
    base_code: str
    name: str
    aliases: list[str]
    kind: str
    kind_code: str
    department: DepartmentRef
    region: RegionRef
    audience: list[str]
    themes: list[str]
    summary: str
    conditions: str
    legal_basis: str
    handling: str
    statutory_days: int | None
    committed_days: int
    online_depth: int
    max_visits: int
    scope: str
    channels: list[str]
    fee: dict[str, Any] | None
    materials: list[ItemMaterialOut]
    form: dict[str, Any] | None
    process: str
    result: dict[str, Any] | None
    status: str
    parent: str | None
    situation: str
    children: list[ItemRef]
    url: str
    apply_url: str


class ThemeOut(Schema):
    code: str
    name: str
    audience: str
    phrase: str
    items: int
    url: str


class MergedMaterialOut(Schema):
    name: str
    required: bool
    source: str
    certificate_type: str
    government_held: bool
    items: list[str]


class BundleOut(Schema):
    code: str
    name: str
    aliases: list[str]
    themes: list[str]
    summary: str
    committed_days: int | None
    items: list[ItemRef]
    materials: list[MergedMaterialOut]
    url: str


class ProblemOut(Schema):
    line: int
    field: str
    message: str


class CountsOut(Schema):
    created: int
    updated: int
    unchanged: int
    deleted: int


class SkippedOut(Schema):
    line: int
    type: str
    code: str


class PrunePlanOut(Schema):
    count: int
    removes: dict[str, int]
    existing: dict[str, int]
    examples: dict[str, list[str]]


class ImportReportOut(Schema):
    lines: int
    written: bool
    skip_invalid: bool
    prune: bool
    dry_run: bool
    prune_plan: PrunePlanOut | None
    counts: dict[str, CountsOut]
    errors: list[ProblemOut]
    warnings: list[ProblemOut]
    skipped: list[SkippedOut]
    regions_created: list[str]
    seconds: float


class ImportRejectedOut(ImportReportOut):
    code: str
    message: str


def _item_ref(item: ServiceItem) -> ItemRef:
    return ItemRef(code=item.code, name=item.name, department=item.department.name, url=f"/services/{item.code}/")


def _material_out(material: Material) -> ItemMaterialOut:
    return ItemMaterialOut(
        name=material.name,
        required=material.required,
        form=material.form,
        copies=material.copies,
        source=material.source,
        certificate_type=material.certificate_type,
        note=material.note,
        government_held=material.government_held,
    )


@router.get("/items/{code}", auth=None, response={200: ItemOut, 404: ErrorOut})
def get_item(request: HttpRequest, code: str) -> ItemOut:
    """办事指南 of one item, by its implementation code (实施编码)."""
    item = selectors.item_for_guide(code)
    return ItemOut(
        code=item.code,
        base_code=item.base_code,
        name=item.name,
        aliases=item.aliases,
        kind=item.kind,
        kind_code=item.kind_code,
        department=DepartmentRef(code=item.department.code, name=item.department.name, phone=item.department.phone),
        region=RegionRef(code=item.region.code, name=item.region.name),
        audience=item.audience,
        themes=[t.code for t in item.themes.all()],
        summary=item.summary,
        conditions=item.conditions,
        legal_basis=item.legal_basis,
        handling=item.handling,
        statutory_days=item.statutory_days,
        committed_days=item.committed_days,
        online_depth=item.online_depth,
        max_visits=item.max_visits,
        scope=item.scope,
        channels=item.channels,
        fee=item.fee,
        materials=[_material_out(m) for m in item.materials.all()],
        form=without_field_order(item.form),
        process=item.process,
        result=item.result,
        status=item.status,
        parent=item.parent_id,
        situation=item.situation,
        children=[
            ItemRef(code=c.code, name=c.name, department=item.department.name, url=f"/services/{c.code}/")
            for c in item.children.all()
        ],
        url=f"/services/{item.code}/",
        apply_url=f"/apply/{item.code}/",
    )


@router.get("/themes", auth=None, response=list[ThemeOut])
def list_themes(request: HttpRequest) -> list[ThemeOut]:
    """主题 ("我要…") with the number of items in each."""
    return [
        ThemeOut(
            code=t.code,
            name=t.name,
            audience=t.audience,
            phrase=t.phrase,
            items=t.item_count,  # type: ignore[attr-defined]
            url=f"/themes/{t.code}/",
        )
        for t in selectors.themes_with_counts()
    ]


@router.get("/bundles/{code}", auth=None, response={200: BundleOut, 404: ErrorOut})
def get_bundle(request: HttpRequest, code: str) -> BundleOut:
    """一件事: its items in order and one merged material list (each material once)."""
    bundle, items = selectors.bundle_with_items(code)
    return BundleOut(
        code=bundle.code,
        name=bundle.name,
        aliases=bundle.aliases,
        themes=[t.code for t in bundle.themes.all()],
        summary=bundle.summary,
        committed_days=bundle.committed_days,
        items=[_item_ref(i) for i in items],
        materials=[
            MergedMaterialOut(
                name=m.name,
                required=m.required,
                source=m.source,
                certificate_type=m.certificate_type,
                government_held=m.government_held,
                items=m.item_names,
            )
            for m in selectors.merged_materials(items)
        ],
        url=f"/bundles/{bundle.code}/",
    )


def _multipart_file(request: HttpRequest) -> IO[bytes]:
    """The upload named `file` of a multipart request; 400 when the request cannot be read or has none."""
    try:
        files = request.FILES
    except RequestDataTooBig as exc:
        raise ApiError(413, "too_large", _("上传的内容太大。")) from exc
    except (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent) as exc:
        raise ApiError(
            400,
            "malformed_upload",
            _("上传的内容无法读取（multipart 格式有误）。请把目录文件作为名为 file 的字段上传。"),
        ) from exc
    upload = files.get("file")
    if upload is None or upload.file is None:
        names = sorted({*files.keys(), *request.POST.keys()})
        raise ApiError(
            400,
            "missing_file",
            _("没有收到名为 file 的文件字段（收到的字段：%(names)s），未导入任何内容。")
            % {"names": "、".join(names) or _("无")},
        )
    return upload.file


def _upload(request: HttpRequest) -> IO[bytes]:
    """The catalogue file: a multipart upload named `file`, or the raw request body."""
    if request.content_type == "multipart/form-data":
        return _multipart_file(request)
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115 - closed by the caller
    shutil.copyfileobj(request, spool)  # type: ignore[misc]
    spool.seek(0)
    return spool  # type: ignore[return-value]


REFUSALS = {"prune_unconfirmed": (409, "prune_needs_confirmation"), "empty": (422, "empty_catalogue")}


@router.post(
    "/imports",
    response={
        200: ImportReportOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        409: ImportRejectedOut,
        413: ErrorOut,
        # a rejected file, or (ErrorOut) a query parameter that is not valid
        422: ImportRejectedOut | ErrorOut,
    },
)
def import_file(
    request: HttpRequest,
    skip_invalid: bool = False,
    prune: bool = False,
    confirm_prune: int | None = None,
    dry_run: bool = False,
) -> Status[dict[str, Any]]:
    """Import a catalogue file (JSON Lines, tongban-catalogue/1): administrators only.

    Send the file as a multipart upload named `file`, or as the request body
    (`Content-Type: application/x-ndjson`). The answer is the import report; with errors nothing
    is written (422, the message names the first line) unless `skip_invalid=true`; a file without
    one valid line is never written (422 `empty_catalogue`). `prune=true` deletes what the file does
    not hold; when that is more than the configured share (10 %) it answers 409
    `prune_needs_confirmation` with `prune_plan.count`, to repeat with `confirm_prune=<count>`.
    `dry_run=true` answers what would change and writes nothing.
    """
    ensure_can(request.user, "catalog.import")
    stream = _upload(request)
    try:
        report = import_catalogue(
            stream=stream,
            actor=request.user,
            skip_invalid=skip_invalid,
            prune=prune,
            confirm_prune=confirm_prune,
            dry_run=dry_run,
        )
    finally:
        stream.close()
    body = report.as_dict()
    if report.reason:
        status, code = REFUSALS.get(report.reason, (422, "invalid_catalogue"))
        if report.reason == "invalid":
            message = _("目录文件有 %(count)s 处错误，未导入任何内容。第一处：%(first)s") % {
                "count": len(report.errors),
                "first": report.errors[0],
            }
        else:
            message = str(report.errors[0])
        return Status(status, {"code": code, "message": message, **body})
    return Status(200, body)
