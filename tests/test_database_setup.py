"""Schema, migrations and database problems explained in one sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from backoffice.db import (
    SCHEMA_HEAD,
    BadDatabaseUrl,
    Database,
    DatabaseProblem,
    DatabaseReadOnly,
    DatabaseUnreachable,
    SchemaOutdated,
    SchemaTooNew,
    translate_error,
)
from backoffice.models import Base


def test_models_and_migrations_agree(database: Database) -> None:
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_the_known_head_is_the_last_migration(sqlite_database: Database) -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(sqlite_database.alembic_config())
    assert scripts.get_heads() == [SCHEMA_HEAD]


def test_upgrade_is_idempotent(database: Database) -> None:
    head = database.head_revision()
    assert database.upgrade() == (head, head)
    database.check_schema()


def test_reference_data_is_seeded(database: Database) -> None:
    with database.engine.connect() as connection:
        assert connection.scalar(text("SELECT count(*) FROM risk_factors")) == 18
        assert connection.scalar(text("SELECT count(*) FROM visit_types")) == 6


def test_downgrade_to_nothing_and_back(database: Database) -> None:
    from alembic import command

    config = database.alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "base")
    assert database.current_revision() is None
    database.upgrade()
    database.check_schema()


def test_fresh_sqlite_file_is_created_and_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backoffice.config import default_sqlite_url

    monkeypatch.setenv("BACKOFFICE_DATA_DIR", str(tmp_path / "sub"))  # the embedded database
    database = Database(default_sqlite_url())
    assert database.upgrade()[0] is None
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_a_database_from_a_newer_version_is_refused(sqlite_database: Database) -> None:
    with sqlite_database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaTooNew) as refused:
        sqlite_database.upgrade()
    assert "version plus récente" in refused.value.message


def test_an_outdated_schema_is_reported(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with pytest.raises(SchemaOutdated) as outdated:
        database.check_schema()
    assert "backoffice db upgrade" in outdated.value.message


@pytest.mark.parametrize("url", ["mysql://localhost/x", "pas une url", "sqlite+nope:///x"])
def test_wrong_urls_get_one_sentence(url: str) -> None:
    with pytest.raises(DatabaseProblem) as problem:
        Database(url).upgrade()
    assert isinstance(problem.value, BadDatabaseUrl | DatabaseProblem)
    assert "\n" not in problem.value.message


def test_unreachable_server_gets_one_sentence() -> None:
    database = Database("postgresql://nobody@127.0.0.1:1/nowhere")
    with pytest.raises(DatabaseUnreachable) as problem:
        database.upgrade()
    assert "ne peut pas être joint" in problem.value.message


def test_read_only_database_is_reported(sqlite_template: Path, tmp_path: Path) -> None:
    """A file the user may not write (opened read-only, as for a user without the right
    to write it; root ignores file permissions, so the test asks SQLite directly)."""
    path = tmp_path / "ro.sqlite3"
    path.write_bytes(sqlite_template.read_bytes())
    database = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(DatabaseProblem) as problem:
        try:
            with database.transaction() as session:
                session.execute(text("INSERT INTO document_themes (name) VALUES ('x')"))
        except Exception as error:
            raise translate_error(error, database.url) from error
    assert isinstance(problem.value, DatabaseReadOnly)
    assert "lecture seule" in problem.value.message
