from django.contrib.auth.hashers import identify_hasher, make_password

from tests.conftest import CONFIGURED_PASSWORD_HASHERS
from tongban.accounts.hashers import TongbanArgon2PasswordHasher


def test_passwords_are_hashed_with_the_chosen_argon2_parameters():
    assert CONFIGURED_PASSWORD_HASHERS[0] == "tongban.accounts.hashers.TongbanArgon2PasswordHasher"
    encoded = make_password("a long pass phrase", hasher="argon2")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert identify_hasher(encoded).verify("a long pass phrase", encoded)


def test_hashes_with_other_costs_are_upgraded_on_login():
    hasher = TongbanArgon2PasswordHasher()
    old = "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$" + "A" * 22
    assert hasher.must_update(old)


def test_a_login_keeps_our_costs():
    hasher = TongbanArgon2PasswordHasher()
    encoded = make_password("a long pass phrase", hasher="argon2")
    assert not hasher.must_update(encoded)
