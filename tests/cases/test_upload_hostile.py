"""Issue 9, finding 6 (uploads, quality.md R6): a path in a file name is refused with a message, not cut
down to its last part; archives are inspected recursively (depth, ratio, total size); a file name has a
length limit; quotas per draft and per applicant per day. Each refusal stores nothing (no row, no file).

The multipart bodies are written by hand: Django's test client, like a careful browser, would send only
the base name of a file, and an attacker's client sends whatever it likes.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from tests.cases.conftest import pdf_bytes, upload
from tongban.accounts.services import issue_api_token
from tongban.cases import services
from tongban.cases.models import MaterialFile

pytestmark = pytest.mark.django_db

BOUNDARY = "hostile-boundary-7MA4YWxkTrZu0gW"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> bytes:
    """A multipart/form-data body with the file names exactly as given (field, file name, content)."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for field, file_name, content in files:
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


def api_client(user, language: str = "zh-hans") -> Client:
    token = issue_api_token(user=user, name="hostile uploads")
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE=language)


def post_material(client: Client, key: str, file_name: str, content: bytes, material: str = "营业执照"):
    return client.post(
        f"/api/v1/cases/drafts/{key}/materials",
        multipart({"material_name": material}, [("file", file_name, content)]),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


@pytest.fixture
def draft_key(item, people):
    return str(services.save_draft(applicant=people["zhangsan"], item=item, answers={}).key)


def nothing_stored(media) -> bool:
    return MaterialFile.objects.count() == 0 and (not media.exists() or not any(p.is_file() for p in media.rglob("*")))


# --- path names --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "file_name",
    ["../../etc/passwd.pdf", "/etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "scans/licence.pdf", "\\\\srv\\x.pdf"],
)
def test_a_path_in_a_file_name_is_refused_with_a_message_through_the_api(file_name, draft_key, people, media):
    response = post_material(api_client(people["zhangsan"]), draft_key, file_name, pdf_bytes())
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "file_name"
    assert "路径符号" in body["message"] and "passwd.pdf" not in body["message"].split("“")[0]
    assert nothing_stored(media)


def test_the_path_refusal_speaks_english_when_asked(draft_key, people, media):
    response = post_material(api_client(people["zhangsan"], "en"), draft_key, "../../etc/passwd.pdf", pdf_bytes())
    assert response.status_code == 422
    assert "path" in response.json()["message"].lower()
    assert nothing_stored(media)


def test_a_path_in_a_file_name_is_named_next_to_the_material_on_the_page(item, people, media):
    client = Client()
    client.force_login(people["zhangsan"], backend="django.contrib.auth.backends.ModelBackend")
    body = multipart(
        {"answers-shop_name": "甜心奶茶", "answers-area": "42"}, [("material-0", "../../etc/passwd.pdf", pdf_bytes())]
    )
    response = client.post(
        f"/apply/{item.code}/", body, content_type=f"multipart/form-data; boundary={BOUNDARY}", HTTP_IDEMPOTENCY_KEY="p"
    )
    assert response.status_code == 400  # the page again, the refused file named next to its material
    assert "路径符号" in response.content.decode()
    assert MaterialFile.objects.count() == 0


def test_the_local_path_old_browsers_send_keeps_its_base_name(draft_key, people, media):
    """Internet Explorer sends the whole local path of the chosen file from intranet sites."""
    response = post_material(
        api_client(people["zhangsan"]), draft_key, "C:\\Users\\王五\\Desktop\\营业执照.pdf", pdf_bytes()
    )
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == "营业执照.pdf"


# --- name length ---------------------------------------------------------------------------------------


def test_a_5000_character_file_name_is_refused_not_a_server_error(draft_key, people, media):
    """Django reads at most 1 KB of a part's headers: a longer name is refused while parsing."""
    response = post_material(api_client(people["zhangsan"]), draft_key, "a" * 5000 + ".pdf", pdf_bytes())
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_upload" and "文件名太长" in response.json()["message"]
    assert nothing_stored(media)


def test_a_name_over_the_length_limit_is_refused_with_its_length(draft_key, people, media):
    response = post_material(api_client(people["zhangsan"]), draft_key, "执" * 200 + ".pdf", pdf_bytes())
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "file_name" and "文件名太长（204 个字符）" in response.json()["message"]
    assert nothing_stored(media)


def test_a_name_of_the_longest_allowed_length_is_kept_whole(draft_key, people, media):
    name = "营" * 96 + ".pdf"
    response = post_material(api_client(people["zhangsan"]), draft_key, name, pdf_bytes())
    assert response.status_code == 201, response.content
    assert response.json()["original_name"] == name


# --- archives inside archives ---------------------------------------------------------------------------


def zeros_zip(megabytes: int, name: str = "zeros.bin") -> bytes:
    """A zip with one entry of `megabytes` MB of zeros, written in chunks (never whole in memory)."""
    buffer = io.BytesIO()
    chunk = b"\x00" * (1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open(name, "w", force_zip64=True) as entry,
    ):
        for _ in range(megabytes):
            entry.write(chunk)
    return buffer.getvalue()


def wrapped(inner: bytes, levels: int = 1, name: str = "inner.zip") -> bytes:
    """`inner` stored in a zip, `levels` times over (stored, so the outer archive declares little)."""
    content = inner
    for _ in range(levels):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(name, content)
        content = buffer.getvalue()
    return content


def test_a_zip_inside_a_zip_inflating_to_hundreds_of_megabytes_is_refused(draft_key, people, media):
    bomb = wrapped(zeros_zip(300))
    assert len(bomb) < 1024 * 1024  # the upload itself is small, its top level declares under 1 MB
    response = post_material(api_client(people["zhangsan"]), draft_key, "scans.zip", bomb)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "file_zip_bomb"
    assert nothing_stored(media)


def test_archives_nested_deeper_than_the_limit_are_refused(draft_key, people, media):
    deep = wrapped(zeros_zip(1), levels=4)
    response = post_material(api_client(people["zhangsan"]), draft_key, "deep.zip", deep)
    assert response.status_code == 422
    assert response.json()["code"] == "file_zip_bomb" and "层" in response.json()["message"]
    assert nothing_stored(media)


def test_an_ordinary_zip_holding_a_document_is_accepted(draft_key, people, media):
    document = io.BytesIO()
    with zipfile.ZipFile(document, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document>营业执照扫描件说明</w:document>" * 200)
    response = post_material(api_client(people["zhangsan"]), draft_key, "materials.zip", wrapped(document.getvalue()))
    assert response.status_code == 201, response.content


def test_an_archive_with_a_lying_entry_is_refused_as_broken(item, people, media):
    inner = bytearray(zeros_zip(1))
    inner[-30:-22] = b"\x00" * 8  # corrupt the central directory's end record of the inner archive
    zhang = people["zhangsan"]
    draft = services.save_draft(applicant=zhang, item=item, answers={})
    with pytest.raises(ValidationError) as info:
        services.attach_upload(
            applicant=zhang, draft=draft, material_name="营业执照", upload=upload("a.zip", wrapped(bytes(inner)))
        )
    assert info.value.code in ("file_broken", "file_zip_bomb")
    assert nothing_stored(media)


# --- quotas ----------------------------------------------------------------------------------------------


def test_one_draft_cannot_take_file_after_file_beyond_its_megabytes(draft_key, people, media, settings):
    """The finding: one draft took 20 × 9 MB in ten seconds. Here the quota is 20 MB (default 100)."""
    settings.TONGBAN = {**settings.TONGBAN, "UPLOAD_MB_PER_DRAFT": 20}
    client = api_client(people["zhangsan"])
    nine_mb = PNG + b"\x00" * (9 * 1024 * 1024 - len(PNG))
    answers = [post_material(client, draft_key, f"page{n}.png", nine_mb) for n in range(4)]
    assert [a.status_code for a in answers] == [201, 201, 422, 422]
    assert answers[2].json()["code"] == "upload_quota_draft" and "20 MB" in answers[2].json()["message"]
    assert MaterialFile.objects.count() == 2


def test_one_draft_takes_at_most_the_configured_number_of_files(item, people, media):
    zhang = people["zhangsan"]
    draft = services.save_draft(applicant=zhang, item=item, answers={})
    for n in range(40):  # the default quota
        services.attach_upload(applicant=zhang, draft=draft, material_name="健康证明", upload=upload(f"{n}.png", PNG))
    with pytest.raises(ValidationError) as info:
        services.attach_upload(applicant=zhang, draft=draft, material_name="健康证明", upload=upload("41.png", PNG))
    assert info.value.code == "upload_quota_draft" and "40" in info.value.messages[0]
    assert MaterialFile.objects.count() == 40


def test_one_applicant_has_a_daily_quota_across_drafts(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "UPLOAD_FILES_PER_DAY": 3}
    zhang = people["zhangsan"]
    drafts = [services.save_draft(applicant=zhang, item=item, answers={}) for _ in range(2)]
    for n, draft in enumerate([drafts[0], drafts[0], drafts[1]]):
        services.attach_upload(applicant=zhang, draft=draft, material_name="健康证明", upload=upload(f"{n}.png", PNG))
    with pytest.raises(ValidationError) as info:
        services.attach_upload(applicant=zhang, draft=drafts[1], material_name="健康证明", upload=upload("x.png", PNG))
    assert info.value.code == "upload_quota_daily"
    assert MaterialFile.objects.count() == 3
    other = services.save_draft(applicant=people["lisi"], item=item, answers={})
    services.attach_upload(applicant=people["lisi"], draft=other, material_name="健康证明", upload=upload("y.png", PNG))


def test_staff_filing_at_a_window_have_only_the_per_draft_quota(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "UPLOAD_FILES_PER_DAY": 1, "UPLOAD_FILES_PER_DRAFT": 2}
    clerk = people["banli"]
    for _person in range(2):
        draft = services.save_draft(applicant=clerk, item=item, answers={})
        for n in range(2):
            services.attach_upload(
                applicant=clerk, draft=draft, material_name="健康证明", upload=upload(f"{n}.png", PNG)
            )
    with pytest.raises(ValidationError) as info:
        services.attach_upload(applicant=clerk, draft=draft, material_name="健康证明", upload=upload("3.png", PNG))
    assert info.value.code == "upload_quota_draft"
