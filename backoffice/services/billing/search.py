"""Search as you type in the billing lists: every word typed must match one of the columns
(folded: no accents, no case), as in the member list."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, or_

from backoffice.text import fold


def matches(text: str, *columns: ColumnElement[str]) -> list[ColumnElement[bool]]:
    conditions = []
    for token in fold(text).split():
        escaped = token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        conditions.append(
            or_(*(func.lower(column).like(pattern, escape="\\") for column in columns))
        )
    return conditions
