from tongban.core.masking import mask_bank_card, mask_id_number, mask_id_number_for_holder, mask_mobile, mask_name


def test_id_number_keeps_first_three_and_last_four():
    assert mask_id_number("110105194912311234") == "110***********1234"


def test_check_form_keeps_positions_1_5_to_12_and_18():
    number = "11010519491231002X"
    masked = mask_id_number_for_holder(number)
    assert masked == "1***05194912*****X"
    kept = {1, *range(5, 13), 18}
    for position, (original, shown) in enumerate(zip(number, masked, strict=True), start=1):
        assert shown == (original if position in kept else "*"), position


def test_check_form_of_other_documents_is_the_strong_form():
    assert mask_id_number_for_holder("E12345678") == mask_id_number("E12345678") == "E12**5678"


def test_name_mobile_and_bank_card():
    assert mask_name("张三丰") == "*三丰"
    assert mask_name("王") == "*"
    assert mask_mobile("13800001234") == "138****1234"
    assert mask_bank_card("6222021234567890123") == "622202*********0123"


def test_empty_values_stay_empty():
    assert mask_id_number("") == "" and mask_mobile(None) == "" and mask_name("") == ""
