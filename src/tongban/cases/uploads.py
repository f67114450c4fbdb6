"""上传材料的检查: type sniffed from the content, size limit, broken PDFs, zip bombs, safe names, quotas.

Every check runs before anything is written: a refused file leaves no row and no file behind.
- A name that holds a path (`../`, `/`, `\\`; kept visible by tongban.core.multipart) or is longer than
  `MAX_NAME_CHARS` is refused with a message, never cut down.
- Archives (zip, docx, xlsx) are inspected recursively: an archive inside an archive is opened too,
  down to `MAX_ZIP_DEPTH` levels; the sizes all levels declare — which bound what they inflate to —
  count together against `MAX_UNZIPPED_BYTES` and `MAX_ZIP_RATIO` times the upload's size.
- Quotas (上传限额, settings TONGBAN["UPLOAD_*"]): files and megabytes per draft, and per applicant
  per day (counted from the MaterialFile rows they uploaded since midnight; staff filing at a window
  upload for many people and have only the per-draft quota).
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from tongban.accounts.models import User, UserKind
from tongban.cases.models import Draft, MaterialFile, MaterialOrigin
from tongban.core.multipart import PATH_MARK

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Sniffed MIME type → extensions a file of that type may carry.
ALLOWED: dict[str, tuple[str, ...]] = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
    "application/zip": (".zip",),
}
ZIP_TYPES = {
    "application/zip",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ZIP_RATIO = 100
MAX_ZIP_ENTRIES = 10_000
#: levels of archives inside archives opened: a zip (1) holding a docx (2) holding an embedded xlsx (3)
MAX_ZIP_DEPTH = 3
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
MAX_NAME_CHARS = 100


def max_upload_bytes() -> int:
    return int(settings.TONGBAN.get("MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedFile:
    """A file that passed every check, held in memory until it is stored."""

    name: str
    content_type: str
    size: int
    sha256: str
    content: bytes


def clean_name(raw: str) -> str:
    """A safe display name: no path, no control characters; `../`, separators and over-long names are refused."""
    name = unicodedata.normalize("NFC", raw or "")
    if PATH_MARK in name or "/" in name or "\\" in name or ".." in name or "\x00" in name:
        raise ValidationError(
            _("文件名“%(name)s”含有路径符号（/、\\ 或 ..），请改名后重新上传。")
            % {"name": "".join(c for c in name.replace(PATH_MARK, "/") if c.isprintable())[:60]},
            code="file_name",
        )
    if len(name) > MAX_NAME_CHARS:
        raise ValidationError(
            _("文件名太长（%(count)s 个字符），最多 %(max)s 个字符，请改短后重新上传。")
            % {"count": len(name), "max": MAX_NAME_CHARS},
            code="file_name",
        )
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not name:
        raise ValidationError(_("文件名不能为空，请改名后重新上传。"), code="file_name")
    stem, ext = os.path.splitext(name)
    return stem + ext.lower()


def _read_limited(stream: IO[bytes], limit: int) -> bytes:
    buffer = io.BytesIO()
    while True:
        chunk = stream.read(64 * 1024)
        if not chunk:
            break
        buffer.write(chunk)
        if buffer.tell() > limit:
            raise ValidationError(
                _("文件超过了 %(mb)s MB 的上限，请压缩或分开上传。") % {"mb": limit // (1024 * 1024)},
                code="file_too_large",
            )
    return buffer.getvalue()


def _check_pdf(content: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        pages = len(reader.pages)
        if pages < 1:
            raise ValueError("no pages")
        reader.pages[0].mediabox  # noqa: B018 - touching the first page parses it
    except (PyPdfError, ValueError, KeyError, IndexError, TypeError, AttributeError, RecursionError) as exc:
        raise ValidationError(_("PDF 文件已损坏或无法打开，请重新生成后上传。"), code="file_broken") from exc


class _Inflation:
    """What an upload's archives declare, summed over every level opened so far."""

    def __init__(self, uploaded: int) -> None:
        self.limit = min(MAX_UNZIPPED_BYTES, MAX_ZIP_RATIO * max(uploaded, 1))
        self.nested_limit = max_upload_bytes()
        self.bytes = 0
        self.entries = 0

    def add(self, infos: list[zipfile.ZipInfo]) -> None:
        self.entries += len(infos)
        self.bytes += sum(i.file_size for i in infos)
        if self.entries > MAX_ZIP_ENTRIES or self.bytes > self.limit:
            raise _zip_bomb()


def _zip_bomb() -> ValidationError:
    return ValidationError(_("文件解压后体积异常（疑似“压缩炸弹”），已拒收。请上传正常的文件。"), code="file_zip_bomb")


def _broken_archive() -> ValidationError:
    return ValidationError(_("压缩文件或 Office 文档已损坏，请重新生成后上传。"), code="file_broken")


def _check_zip(content: bytes) -> None:
    """Zip bombs refused: every level of archives inside archives is opened and counted (see module)."""
    _inspect_archive(content, depth=1, inflation=_Inflation(len(content)))


def _inspect_archive(content: bytes, *, depth: int, inflation: _Inflation) -> None:
    if depth > MAX_ZIP_DEPTH:
        raise ValidationError(
            _("压缩文件里套了超过 %(levels)s 层压缩文件，已拒收。请解压后分别上传。") % {"levels": MAX_ZIP_DEPTH},
            code="file_zip_bomb",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            inflation.add(infos)
            if any(
                i.filename.startswith(("/", "\\")) or ".." in i.filename.replace("\\", "/").split("/") for i in infos
            ):
                raise ValidationError(_("压缩文件内含不安全的路径，已拒收。"), code="file_name")
            for info in infos:
                inner = _nested_archive(archive, info, inflation)
                if inner is not None:
                    _inspect_archive(inner, depth=depth + 1, inflation=inflation)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, zlib.error) as exc:
        raise _broken_archive() from exc


def _nested_archive(archive: zipfile.ZipFile, info: zipfile.ZipInfo, inflation: _Inflation) -> bytes | None:
    """The content of an entry that is itself an archive, or None. Python's zipfile never inflates an
    entry beyond the size it declares (a lie fails its CRC check), so the declared sizes bound the work."""
    if info.is_dir() or info.file_size < len(ZIP_MAGICS[0]):
        return None
    if info.flag_bits & 0x1:
        raise ValidationError(_("压缩文件已加密，无法检查，请解密后上传。"), code="file_broken")
    with archive.open(info) as entry:
        head = entry.read(len(ZIP_MAGICS[0]))
        if head not in ZIP_MAGICS:
            return None
        if info.file_size > inflation.nested_limit:
            raise _zip_bomb()
        return head + entry.read()


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Run every check; raise ValidationError (code file_name / file_too_large / file_type / file_broken / file_zip_bomb)."""
    name = clean_name(upload.name or "")
    limit = max_upload_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("文件超过了 %(mb)s MB 的上限，请压缩或分开上传。") % {"mb": limit // (1024 * 1024)},
            code="file_too_large",
        )
    upload.seek(0)
    content = _read_limited(upload, limit)
    if not content:
        raise ValidationError(_("文件是空的，请重新选择。"), code="file_broken")
    kind = filetype.guess(content[:8192])
    ext = os.path.splitext(name)[1].lower()
    mime = kind.mime if kind is not None else ""
    if mime not in ALLOWED:
        raise ValidationError(
            _("只接受 PDF、JPG、PNG、Word（docx）、Excel（xlsx）文件；“%(name)s”的内容不是这些格式。") % {"name": name},
            code="file_type",
        )
    if ext not in ALLOWED[mime]:
        raise ValidationError(
            _("“%(name)s”的扩展名与文件内容不符（内容是 %(ext)s 文件），请核对后重新上传。")
            % {"name": name, "ext": ALLOWED[mime][0].lstrip(".").upper()},
            code="file_type",
        )
    if mime == "application/pdf":
        _check_pdf(content)
    if mime in ZIP_TYPES:
        _check_zip(content)
    return CheckedFile(
        name=name, content_type=mime, size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content
    )


def store(checked: CheckedFile) -> str:
    """Write the file through Django's storage API; the stored name never derives from the user's."""
    ext = os.path.splitext(checked.name)[1].lower()
    today = timezone.localdate()
    path = f"cases/{today:%Y/%m}/{uuid.uuid4().hex}{ext}"
    return default_storage.save(path, ContentFile(checked.content))


# --- quotas (上传限额) --------------------------------------------------------------------------------

MB = 1024 * 1024


def _setting(name: str, default: int) -> int:
    return int(settings.TONGBAN.get(name, default))


def _usage(files: QuerySet[MaterialFile]) -> tuple[int, int]:
    totals = files.aggregate(count=Count("pk"), size=Sum("size"))
    return int(totals["count"] or 0), int(totals["size"] or 0)


def check_quotas(*, draft: Draft, uploader: User, size: int) -> None:
    """Refuse one more file of `size` bytes over a quota: ValidationError with code `upload_quota_draft`
    (files or megabytes of this draft) or `upload_quota_daily` (of the uploader since midnight; not
    for staff). Call it inside the transaction that stores the file: it locks the uploader's row, so
    their parallel uploads are counted one after the other."""
    User.objects.select_for_update().filter(pk=uploader.pk).values_list("pk", flat=True).first()
    uploads = MaterialFile.objects.filter(source=MaterialOrigin.UPLOAD)
    count, used = _usage(uploads.filter(draft=draft))
    most, most_mb = _setting("UPLOAD_FILES_PER_DRAFT", 40), _setting("UPLOAD_MB_PER_DRAFT", 100)
    if count + 1 > most:
        raise ValidationError(
            _(
                "这份申请已上传 %(count)s 个文件，达到每份申请最多 %(max)s 个文件的上限。请把同一材料的多页合并成一个 PDF 后再上传。"
            )
            % {"count": count, "max": most},
            code="upload_quota_draft",
        )
    if used + size > most_mb * MB:
        raise ValidationError(
            _("这份申请上传的文件合计不能超过 %(max)s MB（已上传 %(used)s MB）。请压缩文件后再上传。")
            % {"max": most_mb, "used": round(used / MB, 1)},
            code="upload_quota_draft",
        )
    if uploader.kind == UserKind.STAFF:
        return
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    count, used = _usage(uploads.filter(owner=uploader, created_at__gte=midnight))
    most, most_mb = _setting("UPLOAD_FILES_PER_DAY", 150), _setting("UPLOAD_MB_PER_DAY", 300)
    if count + 1 > most or used + size > most_mb * MB:
        raise ValidationError(
            _(
                "您今天已上传 %(count)s 个文件（合计 %(used)s MB），每人每天最多 %(max)s 个文件、%(max_mb)s MB。请明天再上传。"
            )
            % {"count": count, "used": round(used / MB, 1), "max": most, "max_mb": most_mb},
            code="upload_quota_daily",
        )
