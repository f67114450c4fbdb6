"""Model fields for personal data: encrypted at rest, decrypted on load."""

from __future__ import annotations

from typing import Any

from django.db import models

from tongban.core import crypto


class EncryptedTextField(models.TextField):
    """A text column that stores only ciphertext (`v1:<fernet token>`).

    Not searchable: pair it with a `..._index` CharField filled with `crypto.blind_index`.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))
