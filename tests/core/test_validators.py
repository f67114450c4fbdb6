import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tongban.core.validators import (
    credit_code_check_char,
    id_number_check_char,
    validate_credit_code,
    validate_id_number,
    validate_mobile,
)

# Published example of GB 11643: 11010519491231002X
VALID_IDS = ["11010519491231002X", "440524198001010013", "11010119900307803X"]


@pytest.mark.parametrize("number", VALID_IDS)
def test_valid_id_numbers_pass(number):
    assert validate_id_number(number) == number


def test_lower_case_x_is_normalised():
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


def test_wrong_check_digit_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as exc:
        validate_id_number("110105194912310021")
    assert exc.value.code == "id_checksum"
    assert "校验位" in exc.value.messages[0]


def test_legacy_15_digit_id_is_refused_with_its_own_message():
    with pytest.raises(ValidationError) as exc:
        validate_id_number("110105491231002")
    assert exc.value.code == "id_legacy_15"
    assert "15 位" in exc.value.messages[0] and "18 位" in exc.value.messages[0]


@pytest.mark.parametrize("number", ["11010519491331002X", "110105194902300021"])
def test_impossible_birth_dates_are_refused(number):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number)
    assert exc.value.code == "id_birth"


def test_future_birth_date_is_refused():
    first17 = "11010520990101002"
    number = first17 + id_number_check_char(first17)
    with pytest.raises(ValidationError) as exc:
        validate_id_number(number, today=dt.date(2026, 1, 1))
    assert exc.value.code == "id_birth"


@pytest.mark.parametrize("number", ["1101051949123100", "11010519491231002Y", "A1010519491231002X", ""])
def test_malformed_ids_are_refused(number):
    with pytest.raises(ValidationError):
        validate_id_number(number)


# Real published codes: 91350100M000100Y43 (example in GB 32100 guides), computed ones below.
def test_valid_credit_codes_pass():
    assert validate_credit_code("91350100M000100Y43") == "91350100M000100Y43"
    first17 = "11440100000000001"
    assert validate_credit_code(first17 + credit_code_check_char(first17))


def test_credit_code_with_wrong_check_character_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y44")
    assert exc.value.code == "credit_checksum"


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100I43", "9135010OM000100Y43"])
def test_malformed_credit_codes_are_refused(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "credit_format"


def test_mobile_numbers():
    assert validate_mobile("+86 138-0000-0001") == "13800000001"
    with pytest.raises(ValidationError):
        validate_mobile("12800000001")
