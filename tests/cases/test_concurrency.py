"""R5: two clerks act on the same task at the same moment — exactly one transition, one Conflict.

Real threads with their own database connections (transaction=True); on SQLite the file database.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection

from tests.cases.conftest import submit
from tongban.cases import services
from tongban.cases.errors import Conflict
from tongban.cases.models import Case, CaseEvent, CaseTask

pytestmark = pytest.mark.django_db(transaction=True)


def _race(fn_a, fn_b):
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(fn):
        barrier.wait()
        result = ""
        try:
            while not result:
                try:
                    fn()
                    result = "ok"
                except Conflict:
                    result = "conflict"
                except OperationalError as exc:
                    # SQLite's in-memory test database (shared cache) answers "table is locked" at once
                    # instead of waiting; the clerk's retry then meets the other clerk's change.
                    if "locked" not in str(exc):
                        raise
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in (fn_a, fn_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_two_clerks_accept_at_once(item, people, media, second_intake_clerk):
    case = submit(people["zhangsan"], item)
    version = case.version

    def act(clerk):
        return lambda: services.accept_case(case=Case.objects.get(pk=case.pk), clerk=clerk, expected_version=version)

    assert _race(act(people["chuangkou"]), act(second_intake_clerk)) == ["conflict", "ok"]
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
    assert Case.objects.get(pk=case.pk).version == version + 1
    assert CaseTask.objects.filter(case=case, bpmn_id="review").count() == 1


def test_two_clerks_claim_at_once(item, people, media, second_intake_clerk):
    case = submit(people["zhangsan"], item)
    task = CaseTask.objects.get(case=case)

    def claim(clerk):
        return lambda: services.claim_task(
            task=CaseTask.objects.get(pk=task.pk), clerk=clerk, expected_version=task.version
        )

    assert _race(claim(people["chuangkou"]), claim(second_intake_clerk)) == ["conflict", "ok"]
    assert CaseTask.objects.get(pk=task.pk).claimed_by_id in (people["chuangkou"].pk, second_intake_clerk.pk)


def _staff(username: str, name: str, phone: str, department: int, role: str):
    from tongban.accounts.services import create_staff
    from tongban.demo.orgs import department_code
    from tongban.orgs.models import Department, Region

    user, _device = create_staff(
        username=username,
        password="Tongban@2026x",
        name=name,
        phone=phone,
        roles=[(Department.objects.get(code=department_code(department)), role, Region.objects.get(code="440106"))],
    )
    return user


@pytest.fixture
def second_intake_clerk(people):
    from tongban.accounts.models import StaffRole

    return _staff("chuangkou2", "林二窗", "13900000077", 14, StaffRole.INTAKE_CLERK)


@pytest.fixture
def second_head(people):
    from tongban.accounts.models import StaffRole

    return _staff("kezhang2", "吴副科", "13900000078", 16, StaffRole.DEPARTMENT_HEAD)


def _accepted(item, people):
    case = submit(people["zhangsan"], item)
    services.accept_case(case=Case.objects.get(pk=case.pk), clerk=people["chuangkou"], expected_version=case.version)
    return Case.objects.get(pk=case.pk)


def test_two_heads_start_and_end_a_special_procedure_at_once(item, people, media, second_head):
    from tongban.cases.models import ClockPause

    case = _accepted(item, people)
    version = case.version

    def start(head, kind):
        return lambda: services.start_special_procedure(
            case=Case.objects.get(pk=case.pk), clerk=head, kind=kind, reason="听证", expected_version=version
        )

    assert _race(start(people["kezhang"], "hearing"), start(second_head, "expert_review")) == ["conflict", "ok"]
    assert ClockPause.objects.filter(case=case).count() == 1
    version = Case.objects.get(pk=case.pk).version

    def end(head):
        return lambda: services.end_special_procedure(
            case=Case.objects.get(pk=case.pk), clerk=head, expected_version=version
        )

    assert _race(end(people["kezhang"]), end(second_head)) == ["conflict", "ok"]
    assert CaseEvent.objects.filter(case=case, action="special_procedure_end").count() == 1


def test_release_and_a_second_release_at_once(item, people, media, second_intake_clerk):
    from tongban.accounts.models import User

    case = submit(people["zhangsan"], item)
    task = CaseTask.objects.get(case=case)
    services.claim_task(task=task, clerk=people["chuangkou"], expected_version=task.version)
    claimed = CaseTask.objects.get(pk=task.pk)

    def release():
        return lambda: services.release_task(
            task=CaseTask.objects.get(pk=task.pk),
            clerk=User.objects.get(pk=people["chuangkou"].pk),
            expected_version=claimed.version,
        )

    assert _race(release(), release()) == ["conflict", "ok"]
    assert CaseEvent.objects.filter(case=case, action="release").count() == 1
    with pytest.raises(Conflict):  # a stale page: the task was released (and is open) since
        services.release_task(
            task=CaseTask.objects.get(pk=task.pk), clerk=people["chuangkou"], expected_version=claimed.version
        )
