"""Alembic environment: run programmatically by ``backoffice db upgrade``.

SQLite alters tables in batch mode (copy and move); PostgreSQL directly.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection, create_engine

import backoffice.models  # noqa: F401 - registers every table
from backoffice.models.base import Base, UtcDateTime

config = context.config
target_metadata = Base.metadata


def render_item(type_: str, item: object, autogen_context: AutogenContext) -> str | bool:
    """Render our column types as plain SQLAlchemy ones: a migration must not depend on
    model code that may change after it is written."""
    if type_ == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(item, sa.JSON):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    engine = create_engine(config.attributes["url"])
    with engine.begin() as connection:
        run(connection)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported.")
run_migrations_online()
