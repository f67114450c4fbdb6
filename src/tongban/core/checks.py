"""Production settings checks (生产环境配置检查): no start with a weak or public key.

Production is neither debug (TONGBAN_DEBUG) nor demo (TONGBAN_DEMO). There the session secret must be
long and random, and the personal-data key must be the instance's own: not the demo key published in
settings.py, not the session secret. `tongban serve` refuses to start while `production_problems()`
names anything; `tongban check --deploy` reports the same as errors (tongban.E001).
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

MIN_KEY_LENGTH = 50
MIN_DISTINCT_CHARACTERS = 10
MIN_BITS_PER_CHARACTER = 3.0  # a hex key has about 3.7, a Django random key about 4.9
MIN_COMPRESSED_SHARE = 0.8  # a key that repeats itself compresses far below its length
HOW_TO_MAKE_ONE = 'python3 -c "import secrets; print(secrets.token_urlsafe(48))"'


def production_mode() -> bool:
    """Neither debug nor demo: the mode a real instance runs in."""
    return not settings.DEBUG and not settings.DEMO_MODE


def key_weakness(value: str) -> str | None:
    """Why `value` is too weak to be a key, or None when it looks random enough."""
    if len(value) < MIN_KEY_LENGTH:
        return f"it is {len(value)} characters long, at least {MIN_KEY_LENGTH} are needed"
    counts = Counter(value)
    if len(counts) < MIN_DISTINCT_CHARACTERS:
        return f"it uses only {len(counts)} different characters"
    bits = -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())
    if bits < MIN_BITS_PER_CHARACTER:
        return f"it has too little entropy ({bits:.1f} bits a character, at least {MIN_BITS_PER_CHARACTER} needed)"
    raw = value.encode()
    if len(zlib.compress(raw, 9)) < MIN_COMPRESSED_SHARE * len(raw):
        return "it repeats itself"
    if value.startswith("django-insecure"):
        return "it is a Django development key"
    return None


def production_problems() -> list[str]:
    """What keeps this configuration from running in production; empty outside production mode."""
    if not production_mode():
        return []
    problems = []
    secret = str(settings.SECRET_KEY)
    personal = str(settings.PERSONAL_DATA_KEY)
    if secret == settings.DEFAULT_SECRET:
        problems.append("TONGBAN_SECRET_KEY is not set: the built-in value is public (it is in settings.py).")
    elif (why := key_weakness(secret)) is not None:
        problems.append(f"TONGBAN_SECRET_KEY is too weak: {why}.")
    if not personal or personal in (settings.DEMO_PERSONAL_DATA_KEY, settings.DEFAULT_SECRET):
        problems.append(
            "TONGBAN_PERSONAL_DATA_KEY is not set or is the public demo key: ID and phone numbers would be "
            "encrypted with a key anyone can read."
        )
    elif personal == secret:
        problems.append(
            "TONGBAN_PERSONAL_DATA_KEY equals TONGBAN_SECRET_KEY: it must be separate, so that rotating the "
            "session secret does not lose the encrypted personal data."
        )
    elif (why := key_weakness(personal)) is not None:
        problems.append(f"TONGBAN_PERSONAL_DATA_KEY is too weak: {why}.")
    return problems


def refusal(problems: Sequence[str]) -> str:
    """The message `tongban serve` stops with."""
    lines = [
        "Refusing to start in production mode (neither TONGBAN_DEBUG=true nor TONGBAN_DEMO=true is set):",
        *(f"  - {p}" for p in problems),
        f"Generate each key with: {HOW_TO_MAKE_ONE}",
        "For a demo on this machine use `make demo` (TONGBAN_DEMO=true) instead.",
    ]
    return "\n".join(lines)


@register(Tags.security, deploy=True)
def check_production_keys(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    return [
        Error(problem, hint=f"Generate a key with: {HOW_TO_MAKE_ONE}", id="tongban.E001")
        for problem in production_problems()
    ]
