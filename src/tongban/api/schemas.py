"""Shared API schemas."""

from ninja import Schema


class ErrorOut(Schema):
    code: str
    message: str
