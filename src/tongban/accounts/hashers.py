"""Argon2id with deliberately chosen costs (see docs/performance.md for the measurement).

Django's defaults (t=2, m=100 MiB, p=8) cost ~300 ms a login on this 2-core machine: ~3 logins a
second a core, which a morning rush at a province's portal would queue behind. We use the
OWASP Password Storage Cheat Sheet's first recommended setting, m=19 MiB, t=2, p=1: still
memory-hard (a GPU attacker pays 19 MiB a guess), an order of magnitude cheaper per login.
Hashes made with other costs are upgraded on the next successful login (`must_update`).
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class TongbanArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
