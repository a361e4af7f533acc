"""What the database's columns can hold, checked before the database does.

The lengths of text columns and the range of integer columns are read from the models:
every flush refuses a text longer than its column, or a number beyond its column's range,
with a French sentence naming the field (a ``ValidationFailed``: the form shows it at the
field and keeps what was typed). SQLite does not enforce lengths at all and PostgreSQL
names no column when it refuses one: this makes both backends refuse alike, and first.
Services with a form of their own check with :func:`length_errors` to name every field at
once; views limit their inputs with :func:`max_length`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, SmallInteger, String, event, inspect
from sqlalchemy.orm import InstrumentedAttribute, Mapper, Session, UOWTransaction

from backoffice.i18n import tr
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.field_labels import column_label

_INTEGER_LIMITS = ((SmallInteger, 2**15), (BigInteger, 2**63), (Integer, 2**31))


def max_length(column: InstrumentedAttribute[Any] | Column[Any]) -> int | None:
    """The length of a text column (``max_length(Member.legal_name)`` → 200)."""
    column_type = getattr(column, "type", None)
    return getattr(column_type, "length", None) if isinstance(column_type, String) else None


def too_long(label: str, value: object, length: int | None) -> str | None:
    if length is None or not isinstance(value, str) or len(value) <= length:
        return None
    return tr(
        "{field}: at most {count} characters ({typed} typed).",
        field=label,
        count=length,
        typed=len(value),
    )


def length_errors(
    table: Any, values: Mapping[str, object], label: Callable[[str], str] | None = None
) -> list[FieldError]:
    """A sentence per value of ``values`` longer than its column of ``table`` (a model or
    a table), the field named by ``label(name)`` or the column's usual label."""
    columns = inspect(table).columns if hasattr(table, "__mapper__") else table.columns
    errors = []
    for name, value in values.items():
        column = columns.get(name)
        if column is None:
            continue
        named = label(name) if label else column_label(column.table.name, name)
        message = too_long(named, value, max_length(column))
        if message:
            errors.append(FieldError(name, message))
    return errors


@cache
def _bounds(mapper: Mapper[Any]) -> tuple[tuple[str, str, int | None, int | None], ...]:
    """(attribute, column, text length, integer bound) of a mapper's bounded columns."""
    found = []
    for attribute in mapper.column_attrs:
        column = attribute.columns[0]
        if not isinstance(column, Column):
            continue
        length = max_length(column)
        bound = next(
            (limit for kind, limit in _INTEGER_LIMITS if isinstance(column.type, kind)), None
        )
        if length or bound:
            found.append((attribute.key, column.name, length, bound))
    return tuple(found)


@event.listens_for(Session, "before_flush")
def _refuse_what_cannot_be_stored(
    session: Session, _context: UOWTransaction, _instances: object
) -> None:
    errors: list[FieldError] = []
    for instance in (*session.new, *session.dirty):
        state = inspect(instance)
        table = getattr(state.mapper.persist_selectable, "name", "")
        for key, column, length, bound in _bounds(state.mapper):
            value = state.dict.get(key)
            if value is None:
                continue
            message = too_long(column_label(table, column), value, length)
            if (
                message is None
                and bound is not None
                and isinstance(value, int)
                and not -bound <= value < bound
            ):
                message = tr(
                    "{field}: the number is too large to be stored.",
                    field=column_label(table, column),
                )
            if message:
                errors.append(FieldError(key, message))
    if errors:
        raise ValidationFailed(errors)
