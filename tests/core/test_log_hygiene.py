"""Issue 9, finding 10: logs.

Every non-Bearer Authorization header wrote an ERROR line; the access log recorded Basic-auth user
names; SMS log-in codes stayed in plain text in the outbox table. Must hold: no error noise from
client mistakes; no credential or code in a log line, nor at rest after delivery.
"""

from __future__ import annotations

import base64
import importlib
import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from gunicorn.config import Config

from tongban.core.gunicorn_logging import MaskedGunicornLogger
from tongban.notices import services as notices
from tongban.notices.models import OutgoingSms
from tongban.notices.sms import SmsGateway, SmsNotSent, gateways

BASIC = "Basic " + base64.b64encode(b"wangwu:S3cret-pass").decode()


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def _every_log_record() -> Iterator[list[logging.LogRecord]]:
    """Records of every logger, `django` (which does not propagate) included, at any level."""
    collect = _Collect()
    loggers = [logging.getLogger(), logging.getLogger("django"), logging.getLogger("django.request")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(collect)
        lg.setLevel(logging.DEBUG)
    try:
        yield collect.records
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(collect)
            lg.setLevel(level)


# --- no error noise from a client's Authorization header ------------------------------------------------------


@pytest.mark.parametrize("debug", [False, True], ids=["production", "debug"])
@pytest.mark.parametrize(
    "header", [BASIC, "Digest username=wangwu", "Token abc123", "tb_without-a-scheme", "Bearer", "Bearer  "]
)
def test_another_authorization_scheme_is_a_401_without_an_error_line(db, settings, debug, header):
    settings.DEBUG = debug
    with _every_log_record() as records:
        response = Client().get("/api/v1/accounts/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"code": "not_authenticated", "message": "请先登录。"}
    assert [r.getMessage() for r in records if r.levelno >= logging.ERROR] == []
    written = "\n".join(r.getMessage() for r in records)
    assert "wangwu" not in written and "S3cret" not in written and BASIC not in written


def test_many_client_mistakes_write_no_error(db, settings):
    settings.DEBUG = True  # the mode of the fuzzing run that wrote 2,594 ERROR lines
    with _every_log_record() as records:
        for n in range(20):
            Client().get("/api/v1/cases/mine", HTTP_AUTHORIZATION=f"Basic {n}")
    assert not [r for r in records if r.levelno >= logging.ERROR]


# --- the access log names no user --------------------------------------------------------------------------------


def _access_line(access_log_format: str | None = None) -> str:
    cfg = Config()
    cfg.set("accesslog", "-")
    if access_log_format:
        cfg.set("access_log_format", access_log_format)
    glog = MaskedGunicornLogger(cfg)
    buffer = io.StringIO()
    for handler in glog.access_log.handlers:
        if not type(handler).__module__.startswith("_pytest"):  # pytest's capture is not ours
            handler.setStream(buffer)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/api/v1/accounts/me",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.1",
        "HTTP_AUTHORIZATION": BASIC,
        "HTTP_COOKIE": "sessionid=abcdef123456",
        "HTTP_USER_AGENT": "curl/8",
    }
    response = SimpleNamespace(status="401 Unauthorized", sent=57, headers=[("Content-Type", "application/json")])
    request = SimpleNamespace(headers=[("AUTHORIZATION", BASIC), ("COOKIE", "sessionid=abcdef123456")])
    glog.access(response, request, environ, timedelta(milliseconds=3))
    return buffer.getvalue()


def test_the_access_log_names_no_user_from_basic_auth():
    line = _access_line()
    assert "GET /api/v1/accounts/me" in line and " 401 " in line
    assert "wangwu" not in line and "S3cret" not in line
    assert line.startswith("10.0.0.1 - - ["), line


def test_no_access_log_format_can_print_a_credential_header():
    line = _access_line('%(h)s %(u)s "%({authorization}i)s" "%({cookie}i)s" "%({http_authorization}e)s" %(s)s')
    assert "wangwu" not in line and BASIC not in line and "abcdef123456" not in line
    assert line.startswith('10.0.0.1 - "-" "-" "-" 401'), line


# --- no SMS log-in code at rest after delivery ------------------------------------------------------------------------


def _raw_rows() -> list[tuple[str, str]]:
    """The outbox as stored, columns read past the model (no decryption)."""
    table = OutgoingSms._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT text, sealed_text FROM {table}")
        return [(str(text), str(sealed)) for text, sealed in cursor.fetchall()]


def test_after_delivery_the_outbox_row_holds_no_code(demo, sms_handset, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/login/", {"action": "send_code", "phone": "13800000001"})
    code = sms_handset.last_code("13800000001")  # the phone got it
    sms = OutgoingSms.objects.get()
    assert sms.status == OutgoingSms.Status.SENT
    assert code not in sms.text and "******" in sms.text and sms.sealed_text == ""
    assert all(code not in text and code not in sealed for text, sealed in _raw_rows())


def test_before_delivery_the_code_waits_encrypted(demo, sms_handset):
    Client().post("/login/", {"action": "send_code", "phone": "13800000001"})  # not committed: not delivered
    sms = OutgoingSms.objects.get()
    assert sms.status == OutgoingSms.Status.QUEUED and "******" in sms.text
    code = sms.sealed_text.split("验证码是 ")[1][:6]
    assert code.isdigit()
    [(text, sealed)] = _raw_rows()
    assert code not in text and code not in sealed and sealed.startswith("v1:")


def test_a_failed_delivery_keeps_no_code_either(db, settings, monkeypatch):
    monkeypatch.setattr(gateways, "_plugins", dict(gateways._plugins))  # registered for this test only

    @gateways.register("test-refusing")
    class Refusing(SmsGateway):
        def send(self, *, phone: str, text: str) -> None:
            raise SmsNotSent("carrier says no")

    settings.SMS_GATEWAY = "test-refusing"
    sms = notices.queue_sms(
        phone="13800000001", text="【通办】您的登录验证码是 246810，5 分钟内有效。", secret="246810"
    )
    notices.deliver_sms(sms_id=sms.pk)
    sms.refresh_from_db()
    assert sms.status == OutgoingSms.Status.FAILED and sms.sealed_text == ""
    assert all("246810" not in text and "246810" not in sealed for text, sealed in _raw_rows())


def test_other_messages_keep_their_text(db, sms_handset):
    sms = notices.queue_sms(phone="13800000001", text="您的办件已受理")
    notices.deliver_sms(sms_id=sms.pk)
    sms.refresh_from_db()
    assert sms.text == "您的办件已受理" and sms_handset.texts("13800000001") == ["您的办件已受理"]


def test_no_code_is_logged_on_the_way(demo, sms_handset, django_capture_on_commit_callbacks):
    with _every_log_record() as records:
        with django_capture_on_commit_callbacks(execute=True):
            Client().post("/login/", {"action": "send_code", "phone": "13800000001"})
        code = sms_handset.last_code("13800000001")
        assert (
            Client().post("/login/", {"action": "sms_login", "phone": "13800000001", "code": code}).status_code == 302
        )
    assert not [r for r in records if code in r.getMessage() or "13800000001" in r.getMessage()]


def test_codes_already_in_the_outbox_are_masked_by_the_migration(db):
    old = [
        OutgoingSms.objects.create(phone="13800000001", phone_masked="138****0001", text=text)
        for text in (
            "【通办】您的登录验证码是 135790，5 分钟内有效。请勿告诉他人。",
            "[Tongban] Your log-in code is 975310, valid for 5 minutes.",
            "【通办】您的办件 440100-20260101-000123 已受理。",
        )
    ]
    migration = importlib.import_module("tongban.notices.migrations.0004_sms_sealed_text")
    migration.mask_old_login_codes(apps, None)
    texts = [OutgoingSms.objects.get(pk=sms.pk).text for sms in old]
    assert "135790" not in texts[0] and "975310" not in texts[1] and "******" in texts[0]
    assert texts[2] == old[2].text


# --- the demo still shows its codes ----------------------------------------------------------------------------------


def test_the_demo_outbox_shows_delivered_codes_from_the_demo_handsets(
    demo, settings, django_capture_on_commit_callbacks
):
    """In demo mode the `demo` gateway keeps what the demo accounts' phones received; the outbox does not."""
    from django.core.cache import cache

    from tongban.demo import handset

    settings.DEMO_MODE = True
    settings.SMS_GATEWAY = "demo"
    cache.delete_many([handset._key("13800000001"), handset._key("13911112222")])
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/login/", {"action": "send_code", "phone": "13800000001"})
        notices.queue_sms(phone="13911112222", text="【通办】您的登录验证码是 864200", secret="864200")
    [received] = handset.received("13800000001")
    code = received.text.split("验证码是 ")[1][:6]
    assert code not in OutgoingSms.objects.filter(phone_masked="138****0001").get().text
    page = Client().get("/demo/outbox/").content.decode()
    assert code in page and "138****0001" in page
    assert handset.received("13911112222") == [] and "864200" not in page, "not a demo phone: nothing kept"


def test_the_demo_handset_keeps_nothing_outside_demo_mode(demo, settings):
    from tongban.demo import handset

    settings.SMS_GATEWAY = "demo"
    gateways.get("demo").send(phone="13800000001", text="【通办】您的登录验证码是 112233")
    assert all("112233" not in r.text for r in handset.received("13800000001"))


@pytest.mark.parametrize(
    "written",
    ["110101 19900101 1234", "110101-19900101-1234", "+86 138 0013 8000", "138-0013-8000", "１３８００１３８０００"],
)
def test_numbers_typed_with_gaps_are_masked_in_logs_as_on_pages(written):
    from tongban.core.logging import mask_text

    masked = mask_text(f"lookup for {written} failed")
    digits = "".join(
        ch for ch in written.translate(str.maketrans("０１２３４５６７８９", "0123456789")) if ch.isdigit()
    )
    assert digits not in "".join(ch for ch in masked if ch.isdigit() or ch == "*")
    assert "*" in masked
