"""Fast batched writes for the importer: one parametrised INSERT … ON CONFLICT run with executemany.

Django's `bulk_create` compiles SQL for every few dozen rows (SQLite allows 999 parameters a
statement) and converts every value through its field, which costs more than the writing
itself for a million items. Here the statement is built once, the caller hands rows of driver
parameters (`json_param` and `datetime_param` prepare the values that need it), and the driver
loops over them (psycopg pipelines them on PostgreSQL). `ON CONFLICT (…) DO UPDATE SET col = EXCLUDED.col` is the same on SQLite
(≥ 3.24) and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models
from pydantic_core import to_json


def json_param() -> Callable[[Any], Any]:
    """How a JSON value (dict, list …) becomes a parameter on this database; None stays NULL."""
    if connection.vendor == "sqlite":
        return lambda value: None if value is None else to_json(value).decode()
    adapt = connection.ops.adapt_json_value
    return lambda value: None if value is None else adapt(value, None)


def datetime_param(value: dt.datetime) -> Any:
    return models.DateTimeField().get_db_prep_save(value, connection)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def write_rows(
    model: type[models.Model],
    names: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    conflict: Sequence[str] = (),
    update: Sequence[str] = (),
) -> None:
    """Insert `rows` (driver parameters in the order of the field `names`); on a clash of the
    unique `conflict` fields, update the `update` fields instead."""
    if not rows:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(_column(model, name)) for name in names)
    tail = ""
    if conflict:
        target = ", ".join(quote(_column(model, name)) for name in conflict)
        if update:
            assignments = ", ".join(
                f"{quote(col)} = EXCLUDED.{quote(col)}" for col in (_column(model, name) for name in update)
            )
            tail = f" ON CONFLICT ({target}) DO UPDATE SET {assignments}"
        else:
            tail = f" ON CONFLICT ({target}) DO NOTHING"
    one = "(" + ", ".join(["%s"] * len(names)) + ")"
    # only quoted model table and column names go into the text; values are parameters
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES "  # noqa: S608
    with connection.cursor() as cursor:
        cursor.executemany(head + one + tail, rows)
