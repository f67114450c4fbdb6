"""Errors of the cases domain that are neither a validation error nor a refusal of rights."""

from __future__ import annotations


class Conflict(Exception):
    """冲突: someone acted on the case or task first (stale `expected_version`); reload and retry."""

    code = "conflict"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
