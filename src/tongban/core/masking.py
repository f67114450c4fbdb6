"""Masking conventions for personal data (浙里办 style, see domain.md).

- ID number, strong: keep the first 3 and last 4 characters → 110***********1234
- ID number, for the person who must check it: positions 1, 5–12 and 18 are... (kept for the
  holder's own pages only via `mask_id_number_for_holder`)
- name: `*` + the rest; mobile: first 3 + **** + last 4; bank card: first 6 + * + last 4.
"""

from __future__ import annotations


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_id_number_for_holder(number: str | None) -> str:
    """The holder checks their own number: keep region and birth date, hide the sequence."""
    if not number or len(number) != 18:
        return mask_id_number(number)
    return number[:14] + "***" + number[-1]


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    if len(name) == 1:
        return "*"
    return "*" + name[1:]


def mask_mobile(number: str | None) -> str:
    if not number:
        return ""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "****" + number[-4:]


def mask_bank_card(number: str | None) -> str:
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
