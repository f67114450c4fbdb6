"""Check digits of Chinese identifiers.

- 居民身份证号码 (GB 11643-1999): 17 digits + ISO 7064 MOD 11-2 check character, birth date inside.
- 统一社会信用代码 (GB 32100-2015): 18 characters + ISO 7064 MOD 31-3 style check character.
- 手机号码 and 日期 (年-月-日); `FIELD_FORMATS` names them all for the application forms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^\d{17}[\dX]$")

_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    """Validate a 居民身份证 number; return it normalised (upper-case X) or raise ValidationError."""
    number = normalise_id_number(value)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(_("15 位的旧身份证号码已停止使用，请填写 18 位的第二代身份证号码。"), code="id_legacy_15")
    if len(number) != 18 or not _ID_RE.match(number):
        raise ValidationError(_("身份证号码应为 18 位：前 17 位是数字，最后一位是数字或 X。"), code="id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(_("身份证号码中的出生日期不存在，请核对第 7 到 14 位。"), code="id_birth") from None
    today = today or dt.date.today()  # noqa: DTZ011 - a calendar date, no time zone needed
    if birth > today or birth.year < 1900:
        raise ValidationError(_("身份证号码中的出生日期不合理，请核对第 7 到 14 位。"), code="id_birth")
    if id_number_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码的校验位不正确，请逐位核对后重新输入。"), code="id_checksum")
    return number


def birth_date_from_id(number: str) -> dt.date:
    return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a credit code."""
    total = sum(_CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> str:
    """Validate a 统一社会信用代码; return it normalised or raise ValidationError."""
    code = value.strip().upper()
    if len(code) != 18 or not _CREDIT_RE.match(code):
        raise ValidationError(
            _("统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）。"), code="credit_format"
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码的校验位不正确，请核对后重新输入。"), code="credit_checksum")
    return code


def credit_code_validator(value: str) -> None:
    """Model-field validator form of `validate_credit_code`."""
    validate_credit_code(value)


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")


def validate_mobile(value: str) -> str:
    """A mainland mobile number: 11 digits starting with 13–19."""
    number = value.strip().replace(" ", "").replace("-", "")
    if number.startswith("+86"):
        number = number[3:]
    if not _MOBILE_RE.match(number):
        raise ValidationError(_("手机号码应为 11 位数字，以 1 开头。"), code="mobile_format")
    return number


_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def validate_date(value: str) -> str:
    """A calendar date written 年-月-日 (ISO 8601, e.g. 2026-01-31) that exists."""
    text = value.strip()
    try:
        if not _DATE_RE.match(text):
            raise ValueError(text)
        dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(_("日期应按 年-月-日 填写且真实存在，例如 2026-01-31。"), code="date_format") from None
    return text


#: 表单字段格式: the JSON Schema `format` names every application form (single item, bundle, window)
#: may give a text field, each with the check that validates it and returns it normalised.
FIELD_FORMATS: dict[str, Callable[[str], str]] = {
    "id-number": validate_id_number,
    "mobile": validate_mobile,
    "credit-code": validate_credit_code,
    "date": validate_date,
}
