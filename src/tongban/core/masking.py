"""Masking conventions for personal data (脱敏; 浙里办 style, see domain.md "Identity").

- ID number, strong form (every page, API answer and log line that does not need more): the
  first 3 and the last 4 characters, as the project brief shows it → 110***********1234.
  (domain.md describes the strong form as "first and last character"; the brief's form, which
  also keeps the region prefix and the last digits people recognise, is the one used.)
- ID number, check form (核对, when the person must check the number is theirs): positions 1,
  5–12 and 18 (1-based) are kept, the rest hidden → 1***05194912*****X.
- name: `*` + the rest; mobile: first 3 + **** + last 4; bank card: first 6 + * + last 4.
- inside free text and at any depth of lists and objects (`mask_personal_numbers`,
  `mask_personal_data`): ID numbers (18 or 15 characters, also written 6-8-4), mobile numbers (also
  3-4-4 and with +86) and bank card numbers (16–19 digits, also in groups of four), each in the
  form above, wherever they appear — padded with spaces, between words, in full-width digits.
"""

from __future__ import annotations

import re
from typing import Any

_GAP = r"[ \-\u3000]?"  # what people put between groups of digits: a space, a hyphen, an ideographic space
#: each personal number as people write it; the first that matches at a place wins
_NUMBER_IN_TEXT = re.compile(
    "|".join(
        (
            rf"(?<!\d)\d{{6}}{_GAP}\d{{8}}{_GAP}\d{{3}}[\dXx](?![\dXx])",  # ID number, 18
            r"(?<!\d)\d{15}(?!\d)",  # ID number, 15 (first generation)
            rf"(?<!\d)\d{{4}}(?:{_GAP}\d{{4}}){{3}}(?:{_GAP}\d{{1,3}})?(?!\d)",  # bank card, groups of four
            r"(?<!\d)\d{16,19}(?!\d)",  # bank card
            rf"(?<![\d+])(?:\+?86{_GAP})?1[3-9]\d{_GAP}\d{{4}}{_GAP}\d{{4}}(?!\d)",  # mobile
        )
    )
)
_NOT_DIGITS = re.compile(r"[^\dXx]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９＋－ｘＸ", "0123456789+-xX")


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


def _masked_number(written: str) -> str:
    """One number `_NUMBER_IN_TEXT` found, masked by its kind (the gaps people wrote are dropped)."""
    digits = _NOT_DIGITS.sub("", written).upper()
    if len(digits) in (15, 18) and not written.lstrip().startswith("+"):
        return mask_id_number(digits)
    if len(digits) >= 16:
        return mask_bank_card(digits)
    prefix = "+86 " if written.startswith("+") else "86 " if len(digits) == 13 else ""
    return prefix + mask_mobile(digits[-11:])


def mask_personal_numbers(text: str) -> str:
    """脱敏 of free text: every ID, mobile and bank card number in `text` masked, the rest kept (a text
    with a number in full-width digits comes back with its digits half-width)."""
    plain = text.translate(_FULL_WIDTH)
    masked = _NUMBER_IN_TEXT.sub(lambda match: _masked_number(match.group(0)), plain)
    return text if masked == plain else masked


def mask_personal_data(value: Any) -> Any:
    """`value` with every personal number masked at any depth: in strings, in the keys and values of
    objects, in the items of lists, in integers written without quotes. Other values are kept."""
    if isinstance(value, str):
        return mask_personal_numbers(value)
    if isinstance(value, dict):
        return {mask_personal_numbers(str(k)): mask_personal_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_personal_data(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        masked = mask_personal_numbers(str(value))
        return value if masked == str(value) else masked
    return value
