"""Materials of a submission: checked against the list, stored, reused from earlier cases."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from tongban.cases import uploads as upload_checks
from tongban.cases.models import (
    Case,
    Draft,
    MaterialFile,
    MaterialOrigin,
)
from tongban.cases.selectors import MaterialNeed, merged_materials_for


def material_names(draft: Draft) -> set[str]:
    if draft.item is not None:
        return {m.name for m in draft.item.materials.all()}
    if draft.bundle is not None:
        return {n.name for n in merged_materials_for(draft.bundle)}
    return set()


def check_materials(needs: list[MaterialNeed], given: set[str]) -> None:
    known = {n.name for n in needs}
    unknown = sorted(given - known)
    if unknown:
        raise ValidationError(
            _("这些材料不在材料清单中：%(names)s。") % {"names": "、".join(unknown)}, code="unknown_material"
        )
    missing = [n.name for n in needs if n.must_upload and n.name not in given]
    if missing:
        raise ValidationError(
            _("还缺少这些材料：%(names)s。") % {"names": "、".join(missing)}, code="missing_materials"
        )


def store_files(checked: list[tuple[str, upload_checks.CheckedFile]]) -> list[str]:
    """Write checked files to storage before the transaction opens (no lock is held while writing).

    If the transaction then fails, the caller deletes them; if the process dies in between, they
    are orphans that `tongban cleanup-uploads` removes after a day.
    """
    paths: list[str] = []
    try:
        for _name, file in checked:
            paths.append(upload_checks.store(file))
    except BaseException:
        for path in paths:
            default_storage.delete(path)
        raise
    return paths


def store_materials(
    case: Case,
    *,
    owner: Any,
    checked: list[tuple[str, upload_checks.CheckedFile]],
    stored: list[str],
    paths: list[str] | None = None,
) -> None:
    """The material rows of the checked files; `paths` when they were stored already (else stored now)."""
    rows = []
    for index, (name, file) in enumerate(checked):
        if paths is not None:
            path = paths[index]
        else:
            path = upload_checks.store(file)
            stored.append(path)
        rows.append(material_row(case, owner=owner, name=name, file=file, path=path))
    MaterialFile.objects.bulk_create(rows)


def material_row(case: Case, *, owner: Any, name: str, file: upload_checks.CheckedFile, path: str) -> MaterialFile:
    """The (unsaved) material row of a checked file stored at `path`."""
    return MaterialFile(
        case=case,
        owner=owner,
        material_name=name,
        original_name=file.name,
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        file=path,
    )


def attach_reused(case: Case, needs: list[MaterialNeed], given: set[str]) -> None:
    rows = [
        MaterialFile(
            case=case,
            owner=case.applicant,
            material_name=n.name,
            original_name=n.reusable_file.original_name,
            content_type=n.reusable_file.content_type,
            size=n.reusable_file.size,
            sha256=n.reusable_file.sha256,
            file=n.reusable_file.file.name if n.reusable_file.file else "",
            source=MaterialOrigin.REUSED,
            source_case=n.reusable_file.case,
            certificate_type=n.reusable_file.certificate_type,
        )
        for n in needs
        if n.reusable_file is not None and n.name not in given
    ]
    MaterialFile.objects.bulk_create(rows)
