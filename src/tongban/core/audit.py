"""审计: the append-only, hash-chained audit log.

Every service function calls `record(...)` inside its transaction: the entry is written with the
business change, so a rolled-back change leaves no entry and a committed one always has its entry.
Chaining happens right after commit: `seal_pending()` takes the unsealed entries in insertion
order and gives each its position (`seq`), the previous entry's hash and its own hash, under a
short lock on the chain head. Business transactions therefore never wait for each other on the
audit log; only the sealer is serialised. `verify_chain()` walks the sealed chain and names the
first entry that was changed or removed. The window in which an entry is written but not yet
sealed is the time between a commit and its on-commit sealing (milliseconds); `tongban
verify-audit` seals whatever is pending before it verifies.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

from tongban.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64
SEAL_BATCH = 2000
logger = logging.getLogger(__name__)


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "audit_label", None) or str(actor.pk)


def _subject(subject: Any) -> tuple[str, str]:
    if subject is None:
        return "", ""
    if isinstance(subject, models.Model):
        return subject._meta.label_lower, str(subject.pk)
    if isinstance(subject, tuple):
        return str(subject[0]), str(subject[1])
    return type(subject).__name__, str(subject)


def compute_hash(entry: AuditEntry) -> str:
    payload = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor_id,
        "actor_label": entry.actor_label,
        "department": entry.department_code,
        "action": entry.action,
        "subject": [entry.subject_type, entry.subject_id],
        "purpose": entry.purpose,
        "data_subject": entry.data_subject_id,
        "details": entry.details,
        "prev": entry.prev_hash,
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    *,
    actor: Any,
    action: str,
    subject: Any = None,
    purpose: str = "",
    data_subject: Any = None,
    department_code: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry inside the caller's transaction; it is chained right after commit."""
    subject_type, subject_id = _subject(subject)
    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        department_code=department_code,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        purpose=purpose,
        data_subject=data_subject,
        details=details or {},
    )
    transaction.on_commit(_seal_after_commit)
    return entry


def record_data_access(
    *, actor: Any, data_subject: Any, purpose: str, what: str, department_code: str = "", number: str = ""
) -> None:
    """A read of a person's data by someone else: audited and shown to the person.

    `purpose` is stored as written in the source (untranslated), so each reader sees it in their own
    language; `number` is the case read, when it is one.
    """
    if data_subject is None or getattr(actor, "pk", None) == data_subject.pk:
        return
    record(
        actor=actor,
        action="personal_data.read",
        subject=data_subject,
        purpose=purpose,
        data_subject=data_subject,
        department_code=department_code,
        details={"what": what, **({"number": number} if number else {})},
    )


def _lock_head(*, wait: bool) -> AuditChainHead | None:
    query = AuditChainHead.objects.filter(pk=1)
    if not wait and connection.features.has_select_for_update_skip_locked:
        query = query.select_for_update(skip_locked=True)
    else:
        query = query.select_for_update()
    head = query.first()
    if head is None and not AuditChainHead.objects.filter(pk=1).exists():
        AuditChainHead.objects.get_or_create(pk=1)
        head = query.first()
    return head


def seal_pending(*, wait: bool = True, limit: int | None = None) -> int:
    """Chain every committed, unsealed entry in insertion order. Returns how many were sealed.

    With `wait=False` it returns 0 at once when another process is sealing (that sealer, or the
    next one, takes our entries too).
    """
    sealed = 0
    while limit is None or sealed < limit:
        with transaction.atomic():
            head = _lock_head(wait=wait)
            if head is None:
                return sealed
            batch = list(AuditEntry.objects.filter(seq__isnull=True).order_by("id")[:SEAL_BATCH])
            if not batch:
                return sealed
            prev_hash, seq = head.last_hash, head.last_seq
            for entry in batch:
                seq += 1
                entry.seq = seq
                entry.prev_hash = prev_hash
                entry.entry_hash = compute_hash(entry)
                prev_hash = entry.entry_hash
            AuditEntry.objects.bulk_update(batch, ["seq", "prev_hash", "entry_hash"], batch_size=500)
            head.last_seq, head.last_hash = seq, prev_hash
            head.save(update_fields=["last_seq", "last_hash"])
            sealed += len(batch)
        if len(batch) < SEAL_BATCH:
            return sealed
    return sealed


class _Sealer:
    """Seals after commits, at most once per `AUDIT_SEAL_INTERVAL` seconds per process.

    Under load, many requests commit within one interval: the first seals at once, later ones
    leave their entries to a single timer that seals the whole batch when the interval is over,
    so sealing costs a few queries per interval instead of per request. With an interval of 0
    (tests, command-line tools) every commit seals its own entries at once.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = float("-inf")  # the first commit seals at once
        self.timer: threading.Timer | None = None

    def after_commit(self) -> None:
        interval = float(getattr(settings, "AUDIT_SEAL_INTERVAL", 0.0))
        now = time.monotonic()
        with self.lock:
            if interval <= 0 or now - self.last >= interval:
                self.last = now
                run_now = True
            else:
                run_now = False
                if self.timer is None:
                    self.timer = threading.Timer(interval - (now - self.last), self._on_timer)
                    self.timer.daemon = True
                    self.timer.start()
        if run_now:
            _seal_quietly()

    def _on_timer(self) -> None:
        with self.lock:
            self.timer = None
            self.last = time.monotonic()
        try:
            _seal_quietly()
        finally:
            connection.close()


def _seal_quietly() -> None:
    try:
        seal_pending(wait=False)
    except DatabaseError:
        # The entries are committed; the next sealing (any later commit, the timer or
        # `tongban verify-audit`) chains them. Never fail the request that already succeeded.
        logger.warning("audit sealing postponed", exc_info=True)


_sealer = _Sealer()


def _seal_after_commit() -> None:
    _sealer.after_commit()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def _sealed_entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq or last


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the sealed chain; return (entries checked, first problem or None)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in _sealed_entries():
        if entry.seq != expected_seq:
            return checked, ChainProblem(expected_seq, "entry removed (sequence gap)")
        if entry.prev_hash != expected_prev:
            return checked, ChainProblem(entry.seq, "link to the previous entry broken (previous entry changed)")
        if compute_hash(entry) != entry.entry_hash:
            return checked, ChainProblem(entry.seq, "entry content changed")
        expected_prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_seq != checked:
        return checked, ChainProblem(checked + 1, "entries removed from the end of the chain")
    if head is not None and head.last_hash != expected_prev:
        return checked, ChainProblem(checked, "last entry changed")
    return checked, None
