"""The worker's outbox loop: it empties a backlog at once, survives a database outage, and stops when
told; and what an applicant's phone, inbox and mailbox receive for one step of a case."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import OperationalError

from tests.factories import CaseFactory
from tongban.notices import services
from tongban.notices.management.commands import worker
from tongban.notices.models import OutgoingSms

pytestmark = pytest.mark.django_db


class FakeDelivery:
    """Stands in for deliver_outbox: answers the given counts in turn (an exception is raised), then
    sets `stop` once they are used up."""

    def __init__(self, stop: threading.Event, answers: list[Any]) -> None:
        self.stop, self.answers, self.calls = stop, list(answers), 0

    def __call__(self, **_kwargs: Any) -> int:
        self.calls += 1
        answer = self.answers.pop(0) if self.answers else 0
        if not self.answers:
            self.stop.set()
        if isinstance(answer, Exception):
            raise answer
        return int(answer)


def run_loop(monkeypatch: pytest.MonkeyPatch, answers: list[Any]) -> FakeDelivery:
    stop = threading.Event()
    fake = FakeDelivery(stop, answers)
    monkeypatch.setattr(services, "deliver_outbox", fake)
    worker.deliver_outbox_until(stop, 0.0)
    return fake


def test_a_full_batch_is_followed_by_the_next_at_once(monkeypatch):
    fake = run_loop(monkeypatch, [services.OUTBOX_BATCH, services.OUTBOX_BATCH, 3])
    assert fake.calls == 3


def test_a_database_outage_postpones_delivery_and_the_loop_goes_on(monkeypatch, caplog):
    fake = run_loop(monkeypatch, [OperationalError("server closed the connection"), 1, 0])
    assert fake.calls == 3
    assert "outbox delivery postponed" in caplog.text


def test_the_loop_stops_when_told_before_a_poll(monkeypatch):
    stop = threading.Event()
    stop.set()
    fake = FakeDelivery(stop, [1])
    monkeypatch.setattr(services, "deliver_outbox", fake)
    worker.deliver_outbox_until(stop, 0.0)
    assert fake.calls == 0


def test_the_real_loop_delivers_what_is_queued(settings, monkeypatch):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    services.queue_sms(phone="13800000001", text="您的办件已受理")
    stop = threading.Event()
    real = services.deliver_outbox

    def once(**kwargs: Any) -> int:
        tried = real(**kwargs)
        stop.set()
        return tried

    monkeypatch.setattr(services, "deliver_outbox", once)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)  # the test's connection stays
    monkeypatch.setattr(worker.connection, "close", lambda: None)
    worker.deliver_outbox_until(stop, 0.0)
    assert OutgoingSms.objects.get().status == OutgoingSms.Status.SENT


# --- a submission, as the applicant receives it ----------------------------------------------


def test_submission_sends_one_message_one_sms_with_the_query_code_sealed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = CaseFactory()
    applicant = case.applicant
    (message,) = applicant.messages.all()
    assert case.number in message.body and case.item.name in message.title
    assert case.query_code_plain not in message.title + message.body  # the page shows it to its owner
    (sms,) = OutgoingSms.objects.all()
    assert sms.phone == applicant.phone and case.number in sms.text
    assert case.query_code_plain not in sms.text and "查询码 ******" in sms.text
    assert sms.status == OutgoingSms.Status.SENT and sms.sealed_text == ""  # delivered, the code wiped
