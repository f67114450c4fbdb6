"""演示手机 and what demo mode shows: text messages to the demo's own phones are kept for the demo
outbox page (the outbox itself keeps no log-in code), nothing else is kept, nothing at all outside
demo mode; the console log-in page's codes are those of the demo staff only."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.demo import handset, visible
from tongban.demo.people import CITIZENS, STAFF
from tongban.notices.models import OutgoingSms
from tongban.notices.services import deliver_outbox, queue_sms

pytestmark = pytest.mark.django_db

ZHANG = CITIZENS[0][2]  # 13800000001
BANLI = next(row[2] for row in STAFF if row[0] == "banli")


@pytest.fixture
def demo_mode(settings):
    settings.DEMO_MODE = True
    settings.SMS_GATEWAY = "demo"
    return settings


def test_the_demo_phones_are_the_citizens_and_all_staff():
    assert ZHANG in visible.phones() and BANLI in visible.phones()
    assert visible.staff_phones()["shiweijian"] == "13900000011"
    assert len(visible.phones()) == len(CITIZENS) + len(visible.staff_phones())


def test_the_demo_gateway_keeps_what_a_demo_phone_received_newest_first(demo_mode):
    gateway = handset.DemoHandsetGateway()
    gateway.send(phone=ZHANG, text="【通办】第一条")
    gateway.send(phone=ZHANG, text="【通办】第二条")
    assert [r.text for r in handset.received(ZHANG)] == ["【通办】第二条", "【通办】第一条"]
    assert handset.received(BANLI) == []


def test_a_handset_keeps_the_newest_twenty(demo_mode):
    gateway = handset.DemoHandsetGateway()
    for n in range(handset.KEPT_PER_PHONE + 5):
        gateway.send(phone=ZHANG, text=f"消息 {n}")
    kept = [r.text for r in handset.received(ZHANG)]
    assert len(kept) == handset.KEPT_PER_PHONE
    assert kept[0] == f"消息 {handset.KEPT_PER_PHONE + 4}" and "消息 4" not in kept


def test_nothing_is_kept_for_a_phone_that_is_not_the_demos(demo_mode):
    handset.DemoHandsetGateway().send(phone="13712345678", text="【通办】验证码 123456")
    assert handset.received("13712345678") == []


def test_nothing_is_kept_outside_demo_mode(settings):
    settings.DEMO_MODE = False
    handset.DemoHandsetGateway().send(phone=ZHANG, text="【通办】验证码 123456")
    assert handset.received(ZHANG) == []


def test_the_number_is_not_readable_from_the_cache_key(demo_mode):
    handset.DemoHandsetGateway().send(phone=ZHANG, text="短信")
    key = handset._key(ZHANG)
    assert ZHANG not in key and cache.get(key)


def test_a_delivered_log_in_code_shows_on_the_demo_outbox_though_the_outbox_wiped_it(demo_mode):
    sms = queue_sms(phone=ZHANG, text="【通办】您的登录验证码是 482913", secret="482913")
    deliver_outbox()
    sms.refresh_from_db()
    assert sms.status == OutgoingSms.Status.SENT and "482913" not in sms.text and not sms.sealed_text
    (line,) = visible.outbox()
    assert line.delivered and "482913" in line.text
    assert line.phone_masked != ZHANG and line.phone_masked.endswith(ZHANG[-4:])


def test_waiting_messages_show_whole_and_the_newest_come_first(demo_mode, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # polled: stays queued
    first = queue_sms(phone=ZHANG, text="【通办】验证码 111111", secret="111111")
    queue_sms(phone=BANLI, text="【通办】办件待办")
    queue_sms(phone="13712345678", text="【通办】验证码 999999", secret="999999")
    shown = visible.outbox()
    assert [s.text for s in shown] == ["【通办】办件待办", "【通办】验证码 111111"]
    assert not any(s.delivered for s in shown)
    assert OutgoingSms.objects.get(pk=first.pk).text == "【通办】验证码 ******"


def test_the_demo_outbox_page_in_demo_mode(demo_mode):
    queue_sms(phone=ZHANG, text="【通办】您的登录验证码是 246810", secret="246810")
    deliver_outbox()
    page = Client().get("/demo/outbox/").content.decode()
    assert "246810" in page and ZHANG not in page


def test_outside_demo_mode_nothing_is_shown(settings):
    settings.DEMO_MODE = False
    queue_sms(phone=ZHANG, text="【通办】验证码 111111", secret="111111")
    assert visible.outbox() == [] and visible.current_codes() == []


def test_current_codes_are_the_demo_staffs_and_right(demo_mode, demo):
    codes = dict(visible.current_codes())
    assert set(codes) == set(visible.staff_phones())  # every demo member of staff, no citizen
    device = TOTPDevice.objects.get(user__username="kezhang", name="default")
    now = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    before = f"{totp(device.bin_key, step=device.step, t0=device.t0 + device.step, digits=device.digits):06d}"
    assert codes["kezhang"] in (now, before)
    assert re.fullmatch(r"\d{6}", codes["admin"])


# --- what a visitor of the demo does with them ----------------------------------------------------


def test_a_code_shown_on_the_console_log_in_page_logs_the_demo_clerk_in(demo_mode, demo):
    from tongban.demo.people import DEMO_PASSWORD

    client = Client()
    page = client.get("/console/login/").content.decode()
    code = re.search(r'data-user="banli">(\d{6})<', page)
    assert code is not None
    response = client.post("/console/login/", {"username": "banli", "password": DEMO_PASSWORD, "otp": code.group(1)})
    assert response.status_code == 302 and response["Location"] == "/console/"
    assert "待办" in client.get("/console/").content.decode()


def test_a_demo_citizen_logs_in_with_the_sms_code_read_on_the_demo_outbox(
    demo_mode, demo, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/login/", {"action": "send_code", "phone": ZHANG})
    page = Client().get("/demo/outbox/").content.decode()  # anyone may read the demo's phones
    code = re.search(r"验证码[^0-9]*(\d{6})", page)
    assert code is not None, page[-2000:]
    response = client.post("/login/", {"action": "sms_login", "phone": ZHANG, "code": code.group(1)})
    assert response.status_code == 302


def test_the_demo_outbox_shows_the_newest_fifty(demo_mode, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # polled: they stay queued
    for n in range(visible.OUTBOX_SHOWN + 5):
        queue_sms(phone=ZHANG, text=f"【通办】第 {n} 条")
    shown = visible.outbox()
    assert len(shown) == visible.OUTBOX_SHOWN
    assert shown[0].text == f"【通办】第 {visible.OUTBOX_SHOWN + 4} 条"
    assert "【通办】第 4 条" not in {s.text for s in shown}
