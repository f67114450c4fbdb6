"""Login cost: Argon2 verify time with Tongban's parameters vs Django's defaults, same process.

Run: .venv/bin/python bench/login.py  (prints one JSON line per hasher and the ratio)
"""

from __future__ import annotations

import json
import os
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")

import django

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

from tongban.accounts.hashers import TongbanArgon2PasswordHasher  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))


def measure(hasher: Argon2PasswordHasher) -> dict[str, object]:
    encoded = hasher.encode("correct horse battery staple", hasher.salt())
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        assert hasher.verify("correct horse battery staple", encoded)
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    return {
        "hasher": type(hasher).__name__,
        "time_cost": hasher.time_cost,
        "memory_kib": hasher.memory_cost,
        "parallelism": hasher.parallelism,
        "median_ms": round(median, 1),
        "p95_ms": round(sorted(times)[int(0.95 * (len(times) - 1))], 1),
        "logins_per_s_per_core": round(1000 / median, 1),
    }


def main() -> None:
    ours = measure(TongbanArgon2PasswordHasher())
    default = measure(Argon2PasswordHasher())
    print(json.dumps(ours))
    print(json.dumps(default))
    print(json.dumps({"speedup_vs_django_default": round(default["median_ms"] / ours["median_ms"], 1)}))


if __name__ == "__main__":
    main()
