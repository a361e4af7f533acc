"""A value the database refused, said in one French sentence naming the field.

The services check what people type before the database does (see ``validation`` and
``limits``); this is the last word when the database still refuses: a CHECK, NOT NULL or
UNIQUE constraint, a text too long for its column, a number out of its column's range.
The field is found from the constraint's name, the driver's diagnostics or, for a length
or a range (which PostgreSQL reports without a column), from the statement's parameters.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy import BigInteger, Integer, SmallInteger, String, Table, exc

from backoffice.i18n import tr
from backoffice.models.base import Base
from backoffice.services.field_labels import column_label

_STATEMENT_TABLE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE)\s+"?(\w+)"?', re.IGNORECASE)
_SQLITE_COLUMN = re.compile(r"constraint failed: (\w+)\.(\w+)")
_SQLITE_CHECK = re.compile(r"CHECK constraint failed: (\w+)")
_INTEGER_LIMITS = {SmallInteger: 2**15, BigInteger: 2**63, Integer: 2**31}


def refusal_sentence(error: BaseException) -> str | None:
    """The sentence for a value the database refused, or None when it is something else."""
    if isinstance(error, OverflowError):
        return tr("A number is too large to be stored. Nothing was saved.")
    if not isinstance(error, exc.IntegrityError | exc.DataError):
        return None
    original = getattr(error, "orig", None)
    text = str(original or error).strip().splitlines()[0] if str(original or error) else ""
    state = getattr(original, "sqlstate", None) or ""
    diag = getattr(original, "diag", None)
    table = getattr(diag, "table_name", None) or _statement_table(error)
    if state == "22001" or "value too long" in text:
        return _too_long(table, error)
    if state == "22003" or "out of range" in text:
        return _out_of_range(table, error)
    column = getattr(diag, "column_name", None)
    constraint = getattr(diag, "constraint_name", None)
    if state == "23502" or text.startswith("NOT NULL constraint failed"):
        table, column = _sqlite_column(text, table, column)
        return tr(
            "{field} is required. Nothing was saved.", field=column_label(table, column or "")
        )
    if state == "23505" or text.startswith("UNIQUE constraint failed"):
        table, column = _sqlite_column(text, table, column)
        column = column or _constraint_column(table, constraint)
        return tr(
            "{field}: this value is already used by another record. Nothing was saved.",
            field=column_label(table, column or ""),
        )
    if state == "23503" or "FOREIGN KEY constraint failed" in text:
        return tr(
            "A record this one refers to no longer exists, or another record still refers "
            "to it. Nothing was saved."
        )
    if state == "23514" or text.startswith("CHECK constraint failed"):
        match = _SQLITE_CHECK.search(text)
        constraint = constraint or (match.group(1) if match else "")
        return _check_refused(table, constraint or "")
    return None


def _statement_table(error: exc.StatementError) -> str | None:
    match = _STATEMENT_TABLE.match(error.statement or "")
    return match.group(1) if match else None


def _sqlite_column(
    text: str, table: str | None, column: str | None
) -> tuple[str | None, str | None]:
    match = _SQLITE_COLUMN.search(text)
    return (match.group(1), match.group(2)) if match else (table, column)


def _table(name: str | None) -> Table | None:
    return Base.metadata.tables.get(name) if name else None


def _constraint_column(table_name: str | None, constraint: str | None) -> str | None:
    table = _table(table_name)
    if table is None or not constraint:
        return None
    for candidate in (*table.constraints, *table.indexes):
        if candidate.name == constraint:
            columns = list(candidate.columns)
            return columns[-1].name if columns else None
    return None


def _check_refused(table_name: str | None, constraint: str) -> str:
    """A CHECK constraint names the rule; its first column names the field."""
    table = _table(table_name)
    column = None
    if table is not None:
        for candidate in table.constraints:
            if candidate.name == constraint:
                sql = str(getattr(candidate, "sqltext", ""))
                column = next((c.name for c in table.columns if c.name in sql), None)
    return tr(
        "{field}: the value breaks the database's rule {rule}. Nothing was saved.",
        field=column_label(table_name, column or ""),
        rule=constraint,
    )


def _rows(params: Any) -> list[Mapping[str, Any]]:
    if isinstance(params, Mapping):
        return [params]
    if isinstance(params, list | tuple):
        return [row for row in params if isinstance(row, Mapping)]
    return []


def _offending(error: exc.StatementError, table_name: str | None, test: Any) -> str | None:
    table = _table(table_name)
    if table is None:
        return None
    for row in _rows(error.params):
        for key, value in row.items():
            column = table.columns.get(key)
            if column is not None and test(column, value):
                return column.name
    return None


def _too_long(table: str | None, error: exc.StatementError) -> str:
    def longer(column: Any, value: Any) -> bool:
        length = getattr(column.type, "length", None)
        return isinstance(column.type, String) and bool(length) and len(str(value)) > length

    column = _offending(error, table, longer)
    if column is None:
        return tr("A text is too long for the database. Nothing was saved.")
    limit = _table(table).columns[column].type.length  # type: ignore[union-attr]
    return tr(
        "{field}: at most {count} characters. Nothing was saved.",
        field=column_label(table, column),
        count=limit,
    )


def _out_of_range(table: str | None, error: exc.StatementError) -> str:
    def beyond(column: Any, value: Any) -> bool:
        if not isinstance(value, int) or isinstance(value, bool):
            return False
        limit = next(
            (bound for kind, bound in _INTEGER_LIMITS.items() if isinstance(column.type, kind)),
            None,
        )
        return limit is not None and not -limit <= value < limit

    column = _offending(error, table, beyond)
    if column is None:
        return tr("A number is too large to be stored. Nothing was saved.")
    return tr(
        "{field}: the number is too large to be stored. Nothing was saved.",
        field=column_label(table, column),
    )
