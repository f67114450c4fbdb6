"""Factories for the accounts tests: audit entries that use a citizen's data.

`CaseReadFactory` writes what `cases.selectors.get_case_for` writes when a member of staff opens a
case (`audit.record_data_access`): a `personal_data.read` of the applicant, "case <number>", no
department code. `CaseActionFactory` writes what the case services write for a step on a case.
Both take `at`, so tests can place uses in time (many hours, one hour) without waiting.
"""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from tongban.core.models import AuditEntry

START = timezone.now().replace(minute=30, second=0, microsecond=0)


class CaseReadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    class Params:
        case_number = "TEST-CASE-0001"
        hours_ago = factory.Sequence(lambda n: n + 1)

    at = factory.LazyAttribute(lambda o: START - timedelta(hours=o.hours_ago))
    actor = None
    actor_label = factory.LazyAttribute(lambda o: o.actor.audit_label if o.actor else "system")
    action = "personal_data.read"
    subject_type = "accounts.user"
    subject_id = factory.LazyAttribute(lambda o: str(o.data_subject.pk))
    purpose = "办件办理"
    data_subject = None
    department_code = ""
    details = factory.LazyAttribute(lambda o: {"what": f"case {o.case_number}"})


class CaseActionFactory(CaseReadFactory):
    """A step on a case (受理, 审查 …) or, with `actor=None`, one the platform took by itself."""

    class Params:
        step = "accept"

    action = factory.LazyAttribute(lambda o: f"case.{o.step}")
    subject_type = "cases.case"
    subject_id = "1"
    department_code = ""
    details = factory.LazyAttribute(lambda o: {"number": o.case_number, "status": "accepted"})
