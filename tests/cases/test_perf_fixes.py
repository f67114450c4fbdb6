"""Instant items without rules, supplements never answered (补正不来), claims, numbers, orphan uploads."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from tests.cases.conftest import submit, upload
from tests.cases.test_handling import fresh
from tongban.cases import actions, flow, numbers, services
from tongban.cases.errors import Conflict
from tongban.cases.models import (
    Case,
    CaseEvent,
    CaseNumberCounter,
    CaseStatus,
    CaseTask,
    MaterialFile,
    Supplement,
    TaskStatus,
)
from tongban.catalog.models import ServiceItem
from tongban.notices.models import Message

pytestmark = pytest.mark.django_db


def _instant_without_process(item: ServiceItem) -> ServiceItem:
    ServiceItem.objects.filter(pk=item.pk).update(handling="instant", committed_days=0, process="")
    return ServiceItem.objects.get(pk=item.pk)


def test_instant_item_without_rules_goes_to_a_clerk_not_to_the_example_table(item, people, media):
    instant = _instant_without_process(item)
    assert flow.process_key_for(instant) == flow.DEFAULT_PROCESS
    case = submit(people["zhangsan"], instant)
    assert case.status == CaseStatus.SUBMITTED and case.decision == ""
    assert CaseTask.objects.filter(case=case, bpmn_id="accept").exists()
    marked = CaseEvent.objects.get(case=case, action="instant")
    assert "即办" in marked.label and not marked.public


def test_item_naming_the_instant_process_is_decided_by_rules(catalogue, people, media):
    rules_item = ServiceItem.objects.get(code="TEST-MZ-001")
    assert flow.process_key_for(rules_item) == "instant"


def _supplement_requested(item, people):
    case = submit(people["zhangsan"], item)
    services.accept_case(case=fresh(case), clerk=people["chuangkou"], expected_version=fresh(case).version)
    case = fresh(case)
    services.request_supplement(
        case=case,
        clerk=people["banli"],
        items=[{"material": "营业执照", "reason": "已过期"}],
        note="",
        expected_version=case.version,
    )
    return fresh(case)


def test_supplement_task_is_not_offered_for_claiming(item, people, media):
    case = _supplement_requested(item, people)
    waiting = CaseTask.objects.get(case=case, status=TaskStatus.OPEN)
    assert waiting.waits_for_applicant
    for clerk in ("chuangkou", "banli", "kezhang"):
        assert "claim" not in actions.allowed_actions(people[clerk], case)
    with pytest.raises(Conflict):
        services.claim_task(task=waiting, clerk=people["banli"], expected_version=waiting.version)


def test_supplement_never_answered_is_concluded_after_the_deadline(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "SUPPLEMENT_DEADLINE_DAYS": 30}
    case = _supplement_requested(item, people)
    asked_on = timezone.localdate(Supplement.objects.get(case=case).requested_at)
    assert services.scan_deadlines(today=asked_on + timedelta(days=30))["not_supplemented"] == []
    assert fresh(case).status == CaseStatus.SUPPLEMENT_REQUESTED
    report = services.scan_deadlines(today=asked_on + timedelta(days=31))
    assert report["not_supplemented"] == [case.number]
    case = fresh(case)
    assert case.status == CaseStatus.CONCLUDED and case.concluded_at is not None
    assert CaseEvent.objects.filter(case=case, label="补正不来办结", public=True).exists()
    assert not CaseTask.objects.filter(case=case).exclude(status=TaskStatus.DONE).exists()
    assert Message.objects.filter(recipient=people["zhangsan"], title__contains="补正不来办结").exists()
    assert services.scan_deadlines(today=asked_on + timedelta(days=32))["not_supplemented"] == []


def test_supplement_deadline_is_a_setting(item, people, media, settings):
    settings.TONGBAN = {**settings.TONGBAN, "SUPPLEMENT_DEADLINE_DAYS": 5}
    case = _supplement_requested(item, people)
    asked_on = timezone.localdate(Supplement.objects.get(case=case).requested_at)
    assert services.scan_deadlines(today=asked_on + timedelta(days=6))["not_supplemented"] == [case.number]


def test_case_numbers_increase_and_never_repeat():
    day = timezone.localdate()
    got = [numbers.next_number(code="TEST-N", day=day) for _ in range(5)]
    assert got == sorted(got) and len(set(got)) == 5
    assert got[0].endswith("000001") and got[-1].endswith("000005")


def test_failed_submission_leaves_no_file(item, people, media):
    before = MaterialFile.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal; the point is what is left behind
        submit(people["zhangsan"], item, answers={"area": "not a number"})
    assert MaterialFile.objects.count() == before
    assert not _stored_files()


def _stored_files() -> list[str]:
    found = []

    def walk(path: str) -> None:
        if not default_storage.exists(path):
            return
        dirs, files = default_storage.listdir(path)
        found.extend(f"{path}/{f}" for f in files)
        for d in dirs:
            walk(f"{path}/{d}")

    walk("cases")
    return found


def test_cleanup_uploads_removes_only_old_orphans(item, people, media):
    case = submit(people["zhangsan"], item)
    kept = case.materials.get().file.name
    orphan = default_storage.save("cases/2020/01/orphan.pdf", upload().file)
    fresh_orphan = default_storage.save("cases/2020/01/fresh.pdf", upload().file)
    old = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(default_storage.path(orphan), (old, old))
    os.utime(default_storage.path(kept), (old, old))
    call_command("cleanup_uploads")
    assert not default_storage.exists(orphan)
    assert default_storage.exists(fresh_orphan)
    assert default_storage.exists(kept)
    assert Case.objects.filter(pk=case.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_a_busy_item_takes_its_numbers_in_blocks_and_they_stay_consecutive(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.CASE_NUMBER_BLOCK = 16
    day = timezone.localdate()
    with CaptureQueriesContext(connection) as queries:
        got = [numbers.next_number(code="TEST-B", day=day) for _ in range(40)]
    assert [int(n[-6:]) for n in got] == list(range(1, 41)), "one process: consecutive"
    bumps = [q for q in queries.captured_queries if "casenumbercounter" in q["sql"].lower()]
    assert len(bumps) < 10, "one counter statement per block, not per number"
    assert CaseNumberCounter.objects.get(code="TEST-B", day=day).last >= 40


@pytest.mark.django_db(transaction=True)
def test_numbers_from_blocks_never_repeat_across_threads(settings):
    import threading

    from django.db import connection

    settings.CASE_NUMBER_BLOCK = 8
    day = timezone.localdate()
    got: list[str] = []
    lock = threading.Lock()

    def take() -> None:
        try:
            mine = [numbers.next_number(code="TEST-T", day=day) for _ in range(25)]
            with lock:
                got.extend(mine)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 100 and len(set(got)) == 100


def test_inside_a_transaction_numbers_are_taken_one_at_a_time(settings):
    settings.CASE_NUMBER_BLOCK = 16
    day = timezone.localdate()
    first = numbers.next_number(code="TEST-A", day=day)
    assert CaseNumberCounter.objects.get(code="TEST-A", day=day).last == int(first[-6:]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_forked_process_does_not_hand_out_its_parents_reserved_numbers(settings):
    import multiprocessing

    from django.db import connections

    settings.CASE_NUMBER_BLOCK = 16
    day = timezone.localdate()
    for _ in range(4):  # the parent now holds a block with numbers left
        numbers.next_number(code="TEST-F", day=day)
    assert numbers._blocks[("TEST-F", day)].next <= numbers._blocks[("TEST-F", day)].last
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        (child,) = pool.map(_numbers_in_child, [day])
    mine = numbers.next_number(code="TEST-F", day=day)
    assert child != mine


def _numbers_in_child(day):
    from django.db import connection

    try:
        return numbers.next_number(code="TEST-F", day=day)
    finally:
        connection.close()
