"""Masking conventions for personal data (脱敏; 浙里办 style, see domain.md "Identity").

- ID number, strong form (every page, API answer and log line that does not need more): the
  first 3 and the last 4 characters, as the project brief shows it → 110***********1234.
  (domain.md describes the strong form as "first and last character"; the brief's form, which
  also keeps the region prefix and the last digits people recognise, is the one used.)
- ID number, check form (核对, when the person must check the number is theirs): positions 1,
  5–12 and 18 (1-based) are kept, the rest hidden → 1***05194912*****X.
- name: `*` + the rest; mobile: first 3 + **** + last 4; bank card: first 6 + * + last 4.
"""

from __future__ import annotations


def mask_id_number(number: str | None) -> str:
    """Strong form: keep the first 3 and last 4 characters (110***********1234)."""
    if not number:
        return ""
    if len(number) <= 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_id_number_for_holder(number: str | None) -> str:
    """Check form (核对): keep positions 1, 5–12 and 18 of an 18-character number.

    Other lengths (passports, permits) get the strong form.
    """
    if not number or len(number) != 18:
        return mask_id_number(number)
    return number[0] + "***" + number[4:12] + "*****" + number[17]


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
