"""IdentityVerifier: checks a name + ID number against the population registry (人口库).

Interface for a national or provincial service (e.g. the 公安 population registry's
"two-factor check" 二要素核验): implement `verify(name=…, id_number=…) -> IdentityCheck` in a
class registered with `@verifiers.register("name")`, select it with TONGBAN_IDENTITY_VERIFIER.
It must answer only match / no match / unavailable, never return the registry's record.
The local plugin `local-population` reads the platform's own `PopulationRecord` table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.conf import settings

from tongban.core import crypto
from tongban.core.registry import Registry


class IdentityCheck(enum.Enum):
    MATCH = "match"
    NO_MATCH = "no_match"  # the registry holds the number under another name
    NOT_FOUND = "not_found"  # the registry does not hold the number at all
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class IdentityVerifier:
    def verify(self, *, name: str, id_number: str) -> IdentityCheck:
        raise NotImplementedError


verifiers: Registry[IdentityVerifier] = Registry("identity verifier")


@verifiers.register("local-population")
class LocalPopulationVerifier(IdentityVerifier):
    def verify(self, *, name: str, id_number: str) -> IdentityCheck:
        from tongban.accounts.models import PopulationRecord

        record = PopulationRecord.objects.filter(id_number_index=crypto.blind_index(id_number)).first()
        if record is None:
            return IdentityCheck.NOT_FOUND
        if record.name != name.strip():
            return IdentityCheck.NO_MATCH
        return IdentityCheck.MATCH


def current_verifier() -> IdentityVerifier:
    return verifiers.get(settings.IDENTITY_VERIFIER)
