"""The command line's bad-input corpus (issue 14 item 11, issue 20 item 6).

Each case is an invocation of ``backoffice`` that must fail cleanly: one sentence on
stderr (in French) holding the expected words, the documented exit code, nothing on
stdout, and the database and the output folder exactly as they were. Run in-process
through ``main(argv)`` on SQLite and PostgreSQL (one database per backend for the whole
corpus: a case that changed it would show in the next comparisons too).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from backoffice import clock
from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import AuditEvent, Role, StaffUser
from backoffice.models.base import Base
from tests import accounts_support, factories
from tests.cli.corpus import CASES, Case

USAGE, REFUSED, UNUSABLE = 64, 1, 2


@dataclass
class World:
    database: Database
    url: str
    locked_code: str
    free_code: str


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("corpus") / "corpus.sqlite3"
        path.write_bytes(sqlite_template.read_bytes())
        database = Database(f"sqlite:///{path}")
    else:
        from tests.conftest import _configure_service, _truncate_postgresql

        database = Database(request.getfixturevalue("pg_server_url"))
        _truncate_postgresql(database)
        _configure_service(database)
    with database.transaction() as session:
        factories.staff_of_every_role(session)
        factories.staff(session, Role.BILLING, login="parti").is_active = False
        factories.staff(session, Role.BILLING, login="bloque").locked_at = clock.now()
        factories.staff(session, Role.BILLING, login="provisoire").must_change_password = True
        locked, _account = accounts_support.locked_member(session)
        free, _account = accounts_support.member_with_account(session)
        codes = locked.member_code, free.member_code
    yield World(database, database.url.render_as_string(hide_password=False), *codes)
    database.dispose()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """The output folder: a file and a folder already in it."""
    folder = tmp_path / "sortie"
    folder.mkdir()
    (folder / "deja.txt").write_text("déjà là", encoding="utf-8")
    (folder / "dossier.pdf").mkdir()  # a folder named like a file
    (folder / "employes.csv").write_text("Nom;Prénom\n", encoding="utf-8")
    return folder


def fingerprint(database: Database) -> dict[str, int]:
    """Rows of every table (the login bookkeeping aside) and the versions' sum."""
    counts: dict[str, int] = {}
    with database.session() as session:
        for table in Base.metadata.sorted_tables:
            statement = select(func.count()).select_from(table)
            if table.name == AuditEvent.__tablename__:
                statement = statement.where(AuditEvent.action.not_like("staff.log%"))
            counts[table.name] = session.scalar(statement) or 0
            if "version" in table.c:
                counts[f"{table.name}.version"] = (
                    session.scalar(select(func.coalesce(func.sum(table.c.version), 0))) or 0
                )
    return counts


def listing(folder: Path) -> list[tuple[str, int]]:
    return sorted(
        (str(path.relative_to(folder)), path.stat().st_size if path.is_file() else -1)
        for path in folder.rglob("*")
    )


def failures(database: Database, login: str) -> int:
    with database.session() as session:
        return (
            session.scalar(select(StaffUser.failed_login_count).where(StaffUser.login == login))
            or 0
        )


def forget_failures(database: Database) -> None:
    with database.transaction() as session:
        session.execute(update(StaffUser).values(failed_login_count=0, last_failed_login_at=None))


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_a_bad_invocation_says_why_and_changes_nothing(
    case: Case,
    world: World,
    out: Path,
    capsys: pytest.CaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    if case.password is not None:
        monkeypatch.setenv("BACKOFFICE_PASSWORD", case.password)
    argv = case.argv(url=world.url, out=out, locked=world.locked_code, free=world.free_code)
    before, files = fingerprint(world.database), listing(out)
    failed_before = failures(world.database, case.counts_failure) if case.counts_failure else 0

    code = main(argv)

    captured = capsys.readouterr()
    assert code == case.code, captured.err
    assert captured.out == ""
    error = captured.err.strip()
    assert len(error.splitlines()) == 1, error
    assert case.says in error
    assert "Traceback" not in error and "\x1b" not in error
    assert fingerprint(world.database) == before
    assert listing(out) == files
    if case.counts_failure:
        assert failures(world.database, case.counts_failure) == failed_before + 1
        forget_failures(world.database)


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 100
    assert len({case.name for case in CASES}) == len(CASES)
    assert {case.code for case in CASES} == {USAGE, REFUSED, UNUSABLE}


def test_argparse_speaks_french(
    capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from backoffice.cli import argparse_texts
    from backoffice.i18n import catalogue, set_language

    set_language("en")  # the texts as argparse writes them
    english = argparse_texts.texts()
    assert all(text in catalogue("fr") for text in english)
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    assert main(["--help"]) == 0
    assert "afficher cette aide et quitter" in capsys.readouterr().out


def test_no_database_is_created_by_a_usage_error(tmp_path: Path) -> None:
    target = tmp_path / "jamais.sqlite3"
    assert main(["billing", "preview", "--database", f"sqlite:///{target}"]) == USAGE
    assert not target.exists()
    assert os.listdir(tmp_path) == []
