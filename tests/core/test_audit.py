import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tongban.core import audit
from tongban.core.models import AuditEntry


def _three_entries():
    for action in ("a.one", "a.two", "a.three"):
        audit.record(actor=None, action=action, subject=("thing", action), purpose="test")
    assert audit.seal_pending() == 3


@pytest.mark.django_db
def test_entries_are_chained():
    _three_entries()
    entries = list(AuditEntry.objects.order_by("seq"))
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS_HASH
    assert entries[1].prev_hash == entries[0].entry_hash
    assert audit.verify_chain() == (3, None)


@pytest.mark.django_db
def test_editing_an_entry_behind_the_apps_back_is_detected():
    _three_entries()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET purpose = 'edited' WHERE seq = 2")
    checked, problem = audit.verify_chain()
    assert checked == 1 and problem.seq == 2 and "changed" in problem.reason
    with pytest.raises(CommandError, match="entry #2"):
        call_command("verify_audit")


@pytest.mark.django_db
def test_removing_an_entry_is_detected():
    _three_entries()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = 2")
    _, problem = audit.verify_chain()
    assert problem.seq == 2 and "removed" in problem.reason


@pytest.mark.django_db
def test_removing_the_last_entry_is_detected():
    _three_entries()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditentry WHERE seq = 3")
    _, problem = audit.verify_chain()
    assert problem is not None and problem.seq == 3


@pytest.mark.django_db
def test_rehashing_an_edited_entry_still_breaks_the_next_link():
    _three_entries()
    entry = AuditEntry.objects.get(seq=2)
    entry.purpose = "forged"
    new_hash = audit.compute_hash(entry)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditentry SET purpose='forged', entry_hash=%s WHERE seq=2", [new_hash])
    _, problem = audit.verify_chain()
    assert problem.seq == 3


@pytest.mark.django_db
def test_verify_audit_command_reports_an_intact_chain(capsys):
    _three_entries()
    call_command("verify_audit")
    assert "3 entries verified" in capsys.readouterr().out


@pytest.mark.django_db
def test_entries_are_unsealed_until_sealed_and_sealing_is_idempotent():
    audit.record(actor=None, action="a.one")
    entry = AuditEntry.objects.get()
    assert entry.seq is None and entry.entry_hash == ""
    assert audit.seal_pending() == 1
    assert audit.seal_pending() == 0
    entry.refresh_from_db()
    assert entry.seq == 1 and entry.prev_hash == audit.GENESIS_HASH


@pytest.mark.django_db(transaction=True)
def test_entries_are_sealed_right_after_commit():
    from django.db import transaction

    with transaction.atomic():
        audit.record(actor=None, action="a.committed")
    assert AuditEntry.objects.get(action="a.committed").seq is not None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_entry():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record(actor=None, action="a.rolled_back")
        raise RuntimeError
    assert not AuditEntry.objects.filter(action="a.rolled_back").exists()
    assert audit.verify_chain()[1] is None


@pytest.mark.django_db
def test_later_entries_chain_on_the_sealed_tip():
    _three_entries()
    audit.record(actor=None, action="a.four")
    audit.seal_pending()
    assert audit.verify_chain() == (4, None)


@pytest.mark.django_db(transaction=True)
def test_under_load_entries_are_sealed_in_batches_by_one_timer(settings, monkeypatch):
    from django.db import transaction

    settings.AUDIT_SEAL_INTERVAL = 3600.0  # the timer is fired by hand below, never by the clock
    sealer = audit._Sealer()
    # The process-wide sealer is this one for the test, so no other timer seals behind its back.
    monkeypatch.setattr(audit, "_sealer", sealer)
    with transaction.atomic():
        audit.record(actor=None, action="a.first")
    # sealed at once on commit: the interval has passed since start-up
    assert AuditEntry.objects.get(action="a.first").seq is not None
    assert sealer.timer is None
    timers = []
    for name in ("a.second", "a.third"):
        with transaction.atomic():
            audit.record(actor=None, action=name)  # within the interval: left to the one timer
        timers.append(sealer.timer)
    assert timers[0] is not None and timers[0] is timers[1], "one timer for the whole batch"
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 2
    timers[0].cancel()
    timers[0].function()  # what the timer does when the interval is over
    assert sealer.timer is None
    assert AuditEntry.objects.filter(seq__isnull=True).count() == 0
    assert audit.verify_chain() == (3, None)


@pytest.mark.django_db(transaction=True)
def test_deleting_a_user_keeps_the_ids_in_the_audit_log_and_the_chain_valid():
    from tongban.accounts import services
    from tongban.accounts.models import User

    person = services.register_person(
        username="leaving", password="x-long-password-1", name="赵六", phone="13912340001"
    )
    audit.record_data_access(actor=None, data_subject=person, purpose="test read", what="phone")
    audit.seal_pending()
    person_id = person.pk
    before = audit.verify_chain()
    assert before[1] is None and before[0] >= 2
    User.objects.filter(pk=person_id).delete()
    assert AuditEntry.objects.filter(actor_id=person_id, action="account.register").exists()
    assert AuditEntry.objects.filter(data_subject_id=person_id, action="personal_data.read").exists()
    assert audit.verify_chain() == before
    call_command("verify_audit")  # exits 0: nothing reported as changed
