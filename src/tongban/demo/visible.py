"""What the demo shows to anyone (演示环境): the demo accounts' current TOTP codes and their text messages.

Text messages: what the demo handsets received (tongban.demo.handset; the outbox keeps no log-in code
after delivery) and what still waits in the outbox.

Only with TONGBAN_DEMO=true, and only for the demo's own accounts (tongban.demo.people): an account
counts when both its user name and its phone number are the demo's, so a real account that happens to
be called "admin" on an instance switched to demo mode by mistake still shows nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tongban.core.masking import mask_mobile
from tongban.demo import handset
from tongban.demo.people import CITIZENS, CITY_HANDLERS, STAFF
from tongban.notices.models import OutgoingSms

OUTBOX_SHOWN = 50
OUTBOX_SCANNED = 500  # the newest messages looked at for the demo accounts' ones


def staff_phones() -> dict[str, str]:
    """User name → phone of every demo member of staff."""
    return {row[0]: row[2] for row in STAFF} | {row[0]: row[2] for row in CITY_HANDLERS}


def phones() -> frozenset[str]:
    """The phone numbers of every demo account, citizens and staff."""
    return frozenset(row[2] for row in CITIZENS) | frozenset(staff_phones().values())


def current_codes() -> list[tuple[str, str]]:
    """(user name, current TOTP code) of the demo staff accounts; empty outside demo mode."""
    if not settings.DEMO_MODE:
        return []
    demo_staff = staff_phones()
    devices = (
        TOTPDevice.objects.select_related("user")
        .filter(confirmed=True, name="default", user__username__in=list(demo_staff))
        .order_by("user__username")
    )
    codes = []
    for device in devices:
        if device.user.phone != demo_staff[device.user.username]:
            continue  # a real account with a demo user name
        value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        codes.append((device.user.username, f"{value:0{device.digits}d}"))
    return codes


@dataclass(frozen=True)
class DemoSms:
    """A line of the demo outbox page."""

    created_at: datetime
    phone_masked: str
    text: str
    delivered: bool


def outbox() -> list[DemoSms]:
    """The newest text messages to demo accounts' phones, newest first; empty outside demo mode.

    Delivered ones come from the demo handsets (tongban.demo.handset) — the outbox itself keeps no
    log-in code after delivery; those still waiting come from the outbox, with the whole text.
    """
    if not settings.DEMO_MODE:
        return []
    demo_phones = phones()
    shown = [
        DemoSms(created_at=r.at, phone_masked=mask_mobile(phone), text=r.text, delivered=True)
        for phone in demo_phones
        for r in handset.received(phone)
    ]
    waiting = OutgoingSms.objects.exclude(status=OutgoingSms.Status.SENT).order_by("-created_at", "-pk")
    for sms in waiting[:OUTBOX_SCANNED]:
        if sms.phone in demo_phones:
            text = sms.sealed_text or sms.text
            shown.append(DemoSms(created_at=sms.created_at, phone_masked=sms.phone_masked, text=text, delivered=False))
    shown.sort(key=lambda s: s.created_at, reverse=True)
    return shown[:OUTBOX_SHOWN]
