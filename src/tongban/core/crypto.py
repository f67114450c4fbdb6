"""Encryption at rest and keyed look-up hashes for personal data.

Values are encrypted with Fernet (AES-128-CBC + HMAC-SHA256, cryptography) under a key derived
from TONGBAN_PERSONAL_DATA_KEY; look-ups use an HMAC-SHA256 "blind index" under a second derived
key, so equal values can be found without decrypting the column. Ciphertexts carry a key id
prefix (`v1:`) so that a rotation can add `v2` while old rows still decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings

KEY_ID = "v1"


def _derive(purpose: str) -> bytes:
    material = settings.PERSONAL_DATA_KEY.encode()
    return hashlib.pbkdf2_hmac("sha256", material, f"tongban/{purpose}".encode(), 10_000)


@lru_cache(maxsize=4)
def _fernet(key_material: str) -> Fernet:  # key_material keeps the cache honest across settings
    return Fernet(base64.urlsafe_b64encode(_derive("encrypt")))


@lru_cache(maxsize=4)
def _index_key(key_material: str) -> bytes:
    return _derive("blind-index")


def encrypt(value: str) -> str:
    token = _fernet(settings.PERSONAL_DATA_KEY).encrypt(value.encode()).decode()
    return f"{KEY_ID}:{token}"


def decrypt(stored: str) -> str:
    key_id, _, token = stored.partition(":")
    if key_id != KEY_ID:
        raise ValueError(f"unknown personal-data key id {key_id!r}")
    try:
        return _fernet(settings.PERSONAL_DATA_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ValueError("personal data could not be decrypted with the configured key") from exc


def blind_index(value: str) -> str:
    """A keyed hash of a normalised value, for equality look-ups on encrypted columns."""
    digest = hmac.new(_index_key(settings.PERSONAL_DATA_KEY), value.encode(), hashlib.sha256)
    return digest.hexdigest()
