"""SmsGateway: sends a text message to a mainland mobile number.

Interface for a real gateway (a carrier's or a cloud SMS service): subclass `SmsGateway`,
implement `send(phone=…, text=…)`, register it with `@gateways.register("name")` and select it
with TONGBAN_SMS_GATEWAY. `send` is called by the worker's outbox delivery (or the `deliver_sms`
task) after the transaction that queued the message has committed; it raises `SmsNotSent` when the gateway refuses, and the
message stays `failed` for a retry. The local plugin `outbox` delivers nothing: the queued
message is visible at /demo/outbox/ in demo mode.
"""

from __future__ import annotations

from django.conf import settings

from tongban.core.registry import Registry


class SmsNotSent(Exception):
    pass


class SmsGateway:
    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


gateways: Registry[SmsGateway] = Registry("SMS gateway")


@gateways.register("outbox")
class OutboxSmsGateway(SmsGateway):
    def send(self, *, phone: str, text: str) -> None:
        """The outbox table is the delivery: nothing leaves the machine."""


def current_gateway() -> SmsGateway:
    return gateways.get(settings.SMS_GATEWAY)
