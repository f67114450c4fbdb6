"""上传材料的检查: type sniffed from the content, size limit, broken PDFs, zip bombs, safe names.

Every check runs before anything is written: a refused file leaves no row and no file behind.
"""

from __future__ import annotations

import hashlib
import io
import os
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PyPdfError

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
    """A safe display name: no path, no control characters; `../` and separators are refused."""
    name = unicodedata.normalize("NFC", raw or "")
    if "/" in name or "\\" in name or ".." in name or "\x00" in name:
        raise ValidationError(
            _("文件名“%(name)s”含有路径符号（/、\\ 或 ..），请改名后重新上传。")
            % {"name": "".join(c for c in name if c.isprintable())[:60]},
            code="file_name",
        )
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if not name:
        raise ValidationError(_("文件名不能为空，请改名后重新上传。"), code="file_name")
    stem, ext = os.path.splitext(name)
    return stem[: 100 - len(ext)] + ext.lower()


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


def _check_zip(content: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise ValidationError(_("压缩文件或 Office 文档已损坏，请重新生成后上传。"), code="file_broken") from exc
    unzipped = sum(i.file_size for i in infos)
    if len(infos) > MAX_ZIP_ENTRIES or unzipped > MAX_UNZIPPED_BYTES or unzipped > MAX_ZIP_RATIO * max(len(content), 1):
        raise ValidationError(
            _("文件解压后体积异常（疑似“压缩炸弹”），已拒收。请上传正常的文件。"), code="file_zip_bomb"
        )
    if any(i.filename.startswith(("/", "\\")) or ".." in i.filename.split("/") for i in infos):
        raise ValidationError(_("压缩文件内含不安全的路径，已拒收。"), code="file_name")


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
