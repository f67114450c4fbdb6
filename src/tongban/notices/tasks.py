"""Background tasks of notices (django-tasks): delivery after commit."""

from __future__ import annotations

from django_tasks import task

from tongban.notices import services


@task()
def deliver_email(email_id: int) -> None:
    services.deliver_email(email_id=email_id)


@task()
def deliver_sms(sms_id: int) -> None:
    services.deliver_sms(sms_id=sms_id)
