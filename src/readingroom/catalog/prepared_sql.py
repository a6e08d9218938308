"""Queries a page runs on every visit, whose SQL the ORM builds once and the page then runs with new values.

Building a queryset's SQL (filters, joins, the access condition of `visible_q`) costs Django several times
what running it costs the database. Here the ORM builds it once per database and key (the reader's side
and the day, for a query holding `visible_q`), with stand-in values in the places of the page's values;
later runs swap the values in and read rows of values, converted as the ORM converts them (JSON decoded,
datetimes made aware), or model instances built from them (`instances`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import QuerySet

_built: dict[tuple, tuple[str, list[str | None], tuple, Any, Any]] = {}
_MAX = 256  # keys are few (queries × sides × days); a full table is cleared, never grown without end


def _stand_in(name: str, value: Any, n: int) -> Any:
    """A value of the same type that no page asks for, told apart from every other stand-in."""
    if isinstance(value, bool):
        raise TypeError(f"{name}: a boolean cannot be told apart from the query's own")
    if isinstance(value, int):
        # Within every integer field's range: Django drops a lookup whose value lies outside (a negative
        # position would make "position > value" true for every row, and the SQL would lose the parameter).
        return 2_147_000_000 + n
    if isinstance(value, dt.datetime):
        raise TypeError(f"{name}: datetimes are not supported")
    if isinstance(value, dt.date):
        return dt.date(1, 2, 1 + n)
    if isinstance(value, str):
        return f"\x00stand-in {n} for {name}\x00"
    raise TypeError(f"{name}: {type(value).__name__} is not supported")


def _adapted(value: Any) -> Any:
    """The value as the ORM passes it to the driver."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return connection.ops.adapt_datefield_value(value)
    return value


def _same(param: Any, stand_in: Any) -> bool:
    # psycopg's Django backend passes integers typed (Int4, Int8): an int subclass, equal to the int.
    kinds_match = type(param) is type(stand_in) or (isinstance(param, int) and isinstance(stand_in, int))
    return kinds_match and param == stand_in


def _like(param: Any, value: Any) -> Any:
    """`value` in the type the ORM gave that parameter (psycopg's Int4 where it sent one)."""
    return type(param)(value) if isinstance(param, int) and type(param) is not int else value


def rows(name: str, key: tuple, build: Callable[..., QuerySet], **values: Any) -> list[tuple]:
    """The rows of `build(**values)` (a values_list queryset), its SQL built with stand-ins once per `key`.

    `build` must use each value only as a query parameter (never in Python logic: it sees the stand-ins)."""
    full = (name, connection.alias, connection.vendor, *key)
    found = _built.get(full)
    if found is None:
        stand_ins = {n: _stand_in(n, v, i) for i, (n, v) in enumerate(values.items())}
        compiler = build(**stand_ins).query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        converters = compiler.get_converters([column for column, *_ in compiler.select[:compiler.col_count]])
        adapted = [(n, _adapted(s)) for n, s in stand_ins.items()]
        slots = [next((n for n, a in adapted if _same(p, a)), None) for p in params]
        missing = set(values) - set(slots)
        if missing:
            raise RuntimeError(f"{name}: the query lost its parameters {sorted(missing)}")
        if len(_built) >= _MAX:
            _built.clear()
        found = _built[full] = (sql, slots, tuple(params), compiler, converters)
    sql, slots, params, compiler, converters = found
    run = [(_like(p, _adapted(values[slot])) if slot else p) for slot, p in zip(slots, params, strict=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, run)
        fetched = cursor.fetchall()
    return [tuple(row) for row in compiler.apply_converters(fetched, converters)] if converters else fetched


def columns(model) -> list[str]:
    """A model's concrete columns, for `values_list(*columns(model))` and `instances`."""
    return [f.attname for f in model._meta.concrete_fields]


def instances(model, rows_: list[tuple], names: list[str] | None = None) -> list:
    """Model instances from rows of `columns(model)` (as the ORM builds them, without its querysets)."""
    names = names or columns(model)
    return [model.from_db(connection.alias, names, row) for row in rows_]
