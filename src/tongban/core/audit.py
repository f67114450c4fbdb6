"""审计: the append-only, hash-chained audit log.

Every service function calls `record(...)` inside its transaction. Each entry's hash covers its
own fields and the previous entry's hash, so an edit or a removal anywhere breaks the chain;
`verify_chain()` names the first entry that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from tongban.core.models import AuditChainHead, AuditEntry

GENESIS_HASH = "0" * 64


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


def _lock_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        AuditChainHead.objects.get_or_create(pk=1)
        head = AuditChainHead.objects.select_for_update().get(pk=1)
    return head


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
    """Append one entry. Must be called inside the caller's transaction (it joins it)."""
    with transaction.atomic():
        head = _lock_head()
        subject_type, subject_id = _subject(subject)
        entry = AuditEntry(
            seq=head.last_seq + 1,
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
            prev_hash=head.last_hash,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


def record_data_access(*, actor: Any, data_subject: Any, purpose: str, what: str, department_code: str = "") -> None:
    """A read of a person's data by someone else: audited and shown to the person."""
    if data_subject is None or getattr(actor, "pk", None) == data_subject.pk:
        return
    record(
        actor=actor,
        action="personal_data.read",
        subject=data_subject,
        purpose=purpose,
        data_subject=data_subject,
        department_code=department_code,
        details={"what": what},
    )


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def _entries(batch: int = 2000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = list(AuditEntry.objects.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_chain() -> tuple[int, ChainProblem | None]:
    """Walk the chain; return (entries checked, first problem or None)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in _entries():
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
