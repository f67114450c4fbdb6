"""Demo data for `tongban demo`: loading it twice changes nothing.

Each part lives in its own module and exposes `load(stdout)`; `LOADERS` runs them in order.
"""

from __future__ import annotations

import importlib
from typing import Any

LOADERS = [
    "tongban.demo.orgs",
    "tongban.demo.people",
    "tongban.demo.catalog",
    "tongban.search.demo",
    "tongban.demo.workflow",
    "tongban.demo.cases",
]


def load_all(*, stdout: Any) -> None:
    for name in LOADERS:
        module = importlib.import_module(name)
        module.load(stdout=stdout)


def print_accounts(*, stdout: Any) -> None:
    from tongban.demo.people import print_accounts as _print

    _print(stdout=stdout)
