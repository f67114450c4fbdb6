"""R6: malformed uploads are refused with a clear message, and nothing is stored (no row, no file)."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from tests.cases.conftest import pdf_bytes, submit, upload
from tongban.cases import services
from tongban.cases.models import Case, MaterialFile

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("word/document.xml", b"0" * (50 * 1024 * 1024))
    return buffer.getvalue()


def broken_pdf() -> bytes:
    return pdf_bytes()[:60] + b"garbage that is no PDF structure" * 3


CASES = [
    ("licence.pdf", PNG, "file_type", "扩展名与文件内容不符"),
    ("licence.exe", b"MZ\x90\x00" + b"\x00" * 200, "file_type", "只接受"),
    ("report.docx", None, "file_zip_bomb", "压缩炸弹"),
    ("licence.pdf", None, "file_broken", "PDF 文件已损坏"),
    ("../../etc/passwd.pdf", pdf_bytes(), "file_name", "路径符号"),
    ("..\\licence.pdf", pdf_bytes(), "file_name", "路径符号"),
    ("big.pdf", None, "file_too_large", "MB 的上限"),
]


def _content(name, content, code):
    if code == "file_zip_bomb":
        return zip_bomb()
    if code == "file_broken":
        return broken_pdf()
    if code == "file_too_large":
        return pdf_bytes() + b"%" * (10 * 1024 * 1024)
    return content


@pytest.mark.parametrize(("name", "content", "code", "text"), CASES, ids=[c[2] + ":" + c[0] for c in CASES])
def test_bad_upload_to_draft_is_refused_and_nothing_stored(name, content, code, text, item, people, media):
    zhang = people["zhangsan"]
    draft = services.save_draft(applicant=zhang, item=item, answers={})
    bad = upload(name, _content(name, content, code))
    bad._name = name  # Django's UploadedFile keeps only the base name; a raw client or storage may not
    with pytest.raises(ValidationError) as info:
        services.attach_upload(applicant=zhang, draft=draft, material_name="营业执照", upload=bad)
    assert info.value.code == code
    assert text in info.value.messages[0]
    assert MaterialFile.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_bad_upload_at_submission_stores_nothing(item, people, media):
    with pytest.raises(ValidationError):
        submit(people["zhangsan"], item, files=[("营业执照", upload()), ("健康证明", upload("x.pdf", PNG))])
    assert Case.objects.count() == 0 and MaterialFile.objects.count() == 0
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_control_characters_are_removed_from_names(item, people, media):
    zhang = people["zhangsan"]
    draft = services.save_draft(applicant=zhang, item=item, answers={})
    material = services.attach_upload(
        applicant=zhang, draft=draft, material_name="营业执照", upload=upload("执照\x07\u202e.PDF")
    )
    assert material.original_name == "执照.pdf"
    assert "执照" not in material.file.name  # the stored name never derives from the user's


def test_a_real_docx_and_png_pass(item, people, media):
    zhang = people["zhangsan"]
    draft = services.save_draft(applicant=zhang, item=item, answers={})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>" * 50)
    material = services.attach_upload(
        applicant=zhang, draft=draft, material_name="营业执照", upload=upload("申请书.docx", buffer.getvalue())
    )
    assert material.content_type.endswith("wordprocessingml.document")


def test_path_in_multipart_name_never_reaches_storage(item, people, media):
    from django.test import Client

    client = Client()
    client.force_login(people["zhangsan"], backend="django.contrib.auth.backends.ModelBackend")
    draft = services.save_draft(applicant=people["zhangsan"], item=item, answers={})
    r = client.post(
        f"/api/v1/cases/drafts/{draft.key}/materials", {"material_name": "营业执照", "file": upload("../../evil.pdf")}
    )
    if r.status_code == 201:
        assert "/" not in r.json()["original_name"] and ".." not in r.json()["original_name"]
    else:
        assert r.json()["code"] == "file_name"
    for path in media.rglob("*"):
        assert path.resolve().is_relative_to(media.resolve())
