import logging

import pytest
from django.db import connection

from tongban.accounts import services
from tongban.accounts.models import User
from tongban.core import crypto
from tongban.core.logging import MaskPersonalDataFilter, mask_text

ID = "11010519491231002X"
PHONE = "13912345678"


@pytest.mark.django_db
def test_id_number_and_phone_are_encrypted_at_rest():
    user = services.register_person(username="u1", password="x-long-password-1", name="王五", phone=PHONE, id_number=ID)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM accounts_user WHERE id = %s", [user.pk])
        raw_id, raw_phone = cursor.fetchone()
    assert ID not in raw_id and "19491231" not in raw_id
    assert PHONE not in raw_phone
    assert raw_id.startswith("v1:")
    reloaded = User.objects.get(pk=user.pk)
    assert reloaded.id_number == ID and reloaded.phone == PHONE


@pytest.mark.django_db
def test_people_are_found_by_keyed_hash_not_by_plain_value():
    services.register_person(username="u2", password="x-long-password-1", name="王五", phone=PHONE, id_number=ID)
    assert services.find_by_phone(PHONE).username == "u2"
    assert services.find_by_id_number("resident_id", ID).username == "u2"
    assert crypto.blind_index(ID) != ID and len(crypto.blind_index(ID)) == 64


def test_ciphertexts_differ_for_equal_values():
    assert crypto.encrypt(ID) != crypto.encrypt(ID)
    assert crypto.decrypt(crypto.encrypt(ID)) == ID


def test_log_lines_are_masked(caplog):
    logger = logging.getLogger("tongban.test")
    logger.addFilter(MaskPersonalDataFilter())
    with caplog.at_level(logging.WARNING, logger="tongban.test"):
        logger.warning("looked up %s with phone %s", ID, PHONE)
    text = caplog.text
    assert ID not in text and PHONE not in text
    assert "110***********002X" in text and "139****5678" in text


def test_mask_text_leaves_other_numbers_alone():
    assert mask_text("case 44010020261122000001") == "case 44010020261122000001"
