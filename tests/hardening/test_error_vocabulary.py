"""Issue 14.1, 14.2, 14.7: one vocabulary of failures, each a precise French sentence."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc, insert, text
from sqlalchemy.engine import make_url

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.errors import (
    AccessRefused,
    DatabaseMissing,
    DatabaseReadOnly,
    DiskFull,
    Kind,
    SchemaTooNew,
    SchemaUnknown,
    explain,
    redact,
    translate_error,
)
from backoffice.models import Member
from backoffice.ops import errors as error_dialogs
from tests import factories


def _refused_siret(database: Database) -> BaseException:
    with pytest.raises(exc.SQLAlchemyError) as raised, database.transaction() as session:
        factories.member(session, siret="7328293200007")  # 13 digits: the CHECK refuses
    return raised.value


def test_a_database_refusal_is_described_with_the_field_name(database: Database) -> None:
    error = _refused_siret(database)
    title, message = error_dialogs.describe(error)  # the dialog's sentence, without the URL
    assert title == "Refusé"
    assert message.startswith("SIRET")
    assert "Rien n’a été enregistré" in message
    assert explain(error, database.url).kind is Kind.REFUSED
    with database.session() as session:
        assert session.execute(text("SELECT count(*) FROM members")).scalar() == 0


@pytest.mark.parametrize("url", ["", None])
def test_translating_without_an_address_does_not_raise(url: str | None) -> None:
    error = exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("disk I/O error"))
    assert "erreur de disque" in translate_error(error, url).message


def test_a_full_disk_is_not_an_unreachable_server(sqlite_database: Database) -> None:
    with sqlite_database.engine.begin() as connection:
        pages = connection.exec_driver_sql("PRAGMA page_count").scalar()
        connection.exec_driver_sql(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(exc.OperationalError) as raised:
            connection.exec_driver_sql(
                "CREATE TABLE filler AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                "SELECT i + 1 FROM n WHERE i < 100000) SELECT randomblob(500) FROM n"
            )
    problem = translate_error(raised.value, sqlite_database.url)
    assert isinstance(problem, DiskFull)
    assert "disque" in problem.message and "plein" in problem.message
    assert explain(raised.value).kind is Kind.DATABASE


def test_a_read_only_file_is_not_an_unopenable_one(sqlite_database: Database) -> None:
    path = sqlite_database.url.database
    sqlite_database.dispose()
    read_only = Database(f"sqlite:///file:{path}?mode=ro&uri=true")
    with pytest.raises(exc.OperationalError) as raised, read_only.transaction() as session:
        session.execute(text("DELETE FROM members"))
    problem = translate_error(raised.value, read_only.url)
    assert isinstance(problem, DatabaseReadOnly)
    assert "lecture seule" in problem.message
    read_only.dispose()


def test_a_read_only_folder_is_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("backoffice.errors.os.access", lambda *_args: False)
    error = exc.OperationalError("", {}, sqlite3.OperationalError("unable to open database file"))
    problem = translate_error(error, f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert isinstance(problem, DatabaseReadOnly)
    assert "dossier" in problem.message


def test_a_mistyped_sqlite_path_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    typo = tmp_path / "Documets" / "base.sqlite3"
    missing = tmp_path / "base-typo.sqlite3"
    with pytest.raises(DatabaseMissing) as refused:
        Database(f"sqlite:///{typo}")
    assert "Le dossier" in refused.value.message and "n’existe pas" in refused.value.message
    with pytest.raises(DatabaseMissing):
        Database(f"sqlite:///{missing}", create=False)
    assert main(["--database", f"sqlite:///{missing}", "db", "current"]) == 2
    assert main(["--database", f"sqlite:///{typo}", "db", "upgrade"]) == 2
    assert "n’existe pas" in capsys.readouterr().err
    assert sorted(tmp_path.iterdir()) == []


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="est un dossier"):
        Database(f"sqlite:///{tmp_path}")


def test_an_unknown_revision_is_not_a_newer_version(sqlite_database: Database) -> None:
    with sqlite_database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'ae1027a6acf'"))
    with pytest.raises(SchemaUnknown) as unknown:
        sqlite_database.check_schema()
    assert "ne connaît pas" in unknown.value.message
    assert "plus récente" not in unknown.value.message
    with sqlite_database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'main_2024'"))
    with pytest.raises(SchemaUnknown):
        sqlite_database.upgrade()
    for newer in ("99a", "13z"):  # of our shape: a newer version's (the chain is not sorted)
        with sqlite_database.engine.begin() as connection:
            connection.execute(text(f"UPDATE alembic_version SET version_num = '{newer}'"))
        with pytest.raises(SchemaTooNew):
            sqlite_database.upgrade()


def test_a_wrong_database_name_or_user_is_said(pg_server_url: str) -> None:
    server = make_url(pg_server_url)
    for url, kind, words in (
        (server.set(database="nosuchdb_14"), DatabaseMissing, "nosuchdb_14"),
        (server.set(username="nosuchuser_14"), AccessRefused, "nosuchuser_14"),
    ):
        database = Database(url.render_as_string(hide_password=False))
        with pytest.raises(exc.OperationalError) as raised:
            _connect(database)
        problem = translate_error(raised.value, database.url)
        assert isinstance(problem, kind)
        assert words in problem.message
        assert "ne peut pas être joint" not in problem.message
        database.dispose()


def _connect(database: Database) -> None:
    with database.engine.connect():
        pass


@pytest.mark.parametrize(
    "text_with_password",
    [
        "postgresql://bob:s3cr%t@db.example:5432/prod",
        "postgresql+psycopg://bob:p@ss@w0rd@db/prod failed",
        "connecting with password=hunter2 host=db",
    ],
)
def test_passwords_are_redacted(text_with_password: str) -> None:
    shown = redact(text_with_password)
    for secret in ("s3cr%t", "p@ss@w0rd", "hunter2"):
        assert secret not in shown
    assert "***" in shown


def test_upgrade_with_a_percent_in_the_password_shows_no_password(
    pg_server_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    url = make_url(pg_server_url).set(password="p%40ss%w0rd")
    text_url = url.render_as_string(hide_password=False)
    database = Database(text_url)
    config = database.alembic_config()
    assert config.get_main_option("sqlalchemy.url") is None
    database.dispose()
    code = main(["--database", text_url, "db", "upgrade"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "p%40ss%w0rd" not in captured.out + captured.err
    bad = main(["--database", "postgresql://bob:p%zz@[bad/x", "db", "current"])
    captured = capsys.readouterr()
    assert bad == 2
    assert "p%zz" not in captured.err and "Traceback" not in captured.err


def _core_refusal(database: Database, **changes: object) -> BaseException:
    """A row written below the services (as a bulk job or the portal does), refused by
    the database itself."""
    with database.transaction() as session:
        member = factories.member(session)
        row = {c.name: getattr(member, c.key) for c in Member.__table__.columns}
    row |= {"id": None, "member_code": "999999"} | changes
    del row["id"]
    with pytest.raises(exc.SQLAlchemyError) as raised, database.transaction() as session:
        session.execute(insert(Member.__table__), [row])
    return raised.value


@pytest.mark.parametrize(
    ("changes", "sentence"),
    [
        ({"legal_name": None}, "Raison sociale est obligatoire. Rien n’a été enregistré."),
        (
            {"member_code": None},
            "Le champ « member_code » est obligatoire. Rien n’a été enregistré.",
        ),
        ({"siret": "123"}, "SIRET : la valeur enfreint la règle ck_members_siret_length"),
    ],
)
def test_what_the_database_refuses_names_the_field(
    database: Database, changes: dict[str, object], sentence: str
) -> None:
    error = _core_refusal(database, **changes)
    assert explain(error, database.url).message.startswith(sentence)


def test_a_duplicate_names_the_field(database: Database) -> None:
    with database.transaction() as session:
        code = factories.member(session).member_code
    error = _core_refusal(database, member_code=code)
    assert explain(error).message.startswith(
        "Le champ « member_code » : cette valeur est déjà utilisée par un autre enregistrement."
    )


def test_a_text_too_long_for_postgresql_names_the_field(pg_database: Database) -> None:
    error = _core_refusal(pg_database, city="c" * 101)
    assert explain(error).message == "Ville : 100 caractères au plus. Rien n’a été enregistré."
    error = _core_refusal(pg_database, version=2**40)
    assert "trop grand" in explain(error).message


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (errno.ENOSPC, "Le disque est plein : /srv/lettres.pdf n’a pas pu être écrit."),
        (errno.EROFS, "/srv/lettres.pdf est sur un disque en lecture seule"),
        (errno.EACCES, "/srv/lettres.pdf : accès refusé."),
    ],
)
def test_a_file_that_cannot_be_written_is_not_a_database_problem(number: int, words: str) -> None:
    explained = explain(OSError(number, os.strerror(number), "/srv/lettres.pdf"))
    assert explained.kind is Kind.FILE
    assert explained.message.startswith(words)
    assert "base de données" not in explained.message
