"""演示手机 (the demo's handsets): where text messages to the demo accounts land in demo mode.

The outbox keeps no SMS log-in code once a delivery was attempted (notices.services.queue_sms), so
the demo needs a phone to read codes from. In demo mode the SMS gateway is `demo` (the default of
TONGBAN_SMS_GATEWAY when TONGBAN_DEMO=true): it delivers nothing either, but keeps what it was given
for a demo account's phone — the text as received, for an hour, the newest 20 a phone — in the
shared cache, under a hash of the number. /demo/outbox/ reads it (tongban.demo.visible). Outside
demo mode, and for every number that is not the demo's, it keeps nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from tongban.notices.sms import OutboxSmsGateway, gateways

KEPT_SECONDS = 3600
KEPT_PER_PHONE = 20


@dataclass(frozen=True)
class Received:
    """One text message on a demo handset."""

    at: datetime
    text: str


def _key(phone: str) -> str:
    return "demo-handset:" + hashlib.sha256(phone.encode()).hexdigest()[:32]


def received(phone: str) -> list[Received]:
    """What the demo handset of `phone` received in the last hour, newest first."""
    stored = cache.get(_key(phone)) or []
    return [Received(at=datetime.fromisoformat(at), text=text) for at, text in stored]


@gateways.register("demo")
class DemoHandsetGateway(OutboxSmsGateway):
    """演示短信网关: the local outbox, plus a copy of each message to a demo account on its demo handset."""

    def send(self, *, phone: str, text: str) -> None:
        from tongban.demo.visible import phones

        if not settings.DEMO_MODE or phone not in phones():
            return
        stored = cache.get(_key(phone)) or []
        stored = [[timezone.now().isoformat(), text], *stored][:KEPT_PER_PHONE]
        cache.set(_key(phone), stored, timeout=KEPT_SECONDS)
