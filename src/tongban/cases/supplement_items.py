"""补正 items: what each line of a supplement notice asks for, and how the applicant answered it.

A notice (`Supplement.items`) lists, all at once (一次性告知), materials (`{"material": name}`), form
fields (`{"field": key}` where the key is a field of the case's form) and other problems (any other
`{"field": text}`, e.g. "其他问题"), each with its reason. The applicant answers every one of them
with a replacement file, a text reply, or — for a form field — a corrected value; the answers are
kept with the notice by position (`Supplement.answers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from tongban.cases.models import MaterialFile, Supplement
from tongban.core.masking import mask_personal_numbers


class ItemKind(StrEnum):
    MATERIAL = "material"
    FIELD = "field"
    OTHER = "other"


@dataclass(frozen=True)
class ItemAnswer:
    """The applicant's answer to one listed item: a text reply, replacement files, or both."""

    text: str = ""
    files: tuple[UploadedFile, ...] = ()


@dataclass(frozen=True)
class GivenAnswer:
    """An answer as kept: the reply, the files stored for it, whether a form field was corrected."""

    text: str = ""
    files: list[MaterialFile] = field(default_factory=list)
    changed: bool = False

    @property
    def given(self) -> bool:
        return bool(self.text or self.files or self.changed)


@dataclass(frozen=True)
class SupplementItem:
    """One line of the notice."""

    index: int
    kind: ItemKind
    name: str  # the material's name, the form field's key, or the problem's heading
    label: str  # what the applicant and the clerk read
    reason: str
    answer: GivenAnswer | None = None

    @property
    def file_label(self) -> str:
        """The material name a replacement file for this item is stored under."""
        if self.kind == ItemKind.MATERIAL:
            return self.name
        return _("补正材料：%(item)s") % {"item": self.label}


def items_of(
    supplement: Supplement,
    properties: Mapping[str, Any],
    materials: Mapping[int, MaterialFile] | None = None,
) -> list[SupplementItem]:
    """The notice's items with their labels; with `materials` (the case's files by id), their answers
    as shown (a personal number in a text reply masked)."""
    answers = supplement.answers if isinstance(supplement.answers, list) else []
    items = []
    for index, entry in enumerate(supplement.items or []):
        reason = str(entry.get("reason") or "")
        if entry.get("material"):
            kind, name = ItemKind.MATERIAL, str(entry["material"])
            label = name
        elif str(entry.get("field") or "") in properties:
            kind, name = ItemKind.FIELD, str(entry["field"])
            label = str((properties.get(name) or {}).get("title") or name)
        else:
            kind, name = ItemKind.OTHER, str(entry.get("field") or entry.get("other") or "")
            label = name or _("其他问题")
        given = None
        if materials is not None and index < len(answers) and isinstance(answers[index], dict):
            raw = answers[index]
            given = GivenAnswer(
                text=mask_personal_numbers(str(raw.get("text") or "")),  # shown: personal numbers masked
                files=[materials[pk] for pk in raw.get("files") or [] if pk in materials],
                changed=bool(raw.get("changed")),
            )
        items.append(SupplementItem(index=index, kind=kind, name=name, label=label, reason=reason, answer=given))
    return items
