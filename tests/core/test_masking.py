from tongban.core.masking import mask_bank_card, mask_id_number, mask_id_number_for_holder, mask_mobile, mask_name


def test_id_number_keeps_first_three_and_last_four():
    assert mask_id_number("110105194912311234") == "110***********1234"


def test_holder_view_hides_the_sequence_but_keeps_birth_date():
    assert mask_id_number_for_holder("11010519491231002X") == "11010519491231***X"


def test_name_mobile_and_bank_card():
    assert mask_name("张三丰") == "*三丰"
    assert mask_name("王") == "*"
    assert mask_mobile("13800001234") == "138****1234"
    assert mask_bank_card("6222021234567890123") == "622202*********0123"


def test_empty_values_stay_empty():
    assert mask_id_number("") == "" and mask_mobile(None) == "" and mask_name("") == ""
