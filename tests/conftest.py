"""Test fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL,
staff members of every role, an in-memory keyring, and Qt offscreen.

PostgreSQL tests use ``BACKOFFICE_TEST_PG_URL`` (default: the local server's ``test``
database) to create a database of their own. When the server cannot be reached they are
skipped locally, but fail under ``CI=true``: CI must prove both backends.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import keyring
import pytest
from keyring.backend import KeyringBackend
from sqlalchemy import create_engine, delete, text
from sqlalchemy.engine import make_url

from backoffice.db import Database
from backoffice.i18n import set_language
from backoffice.models import AuditEvent, Base
from backoffice.ops.garbage import GuiThreadCollector, collect_on_gui_thread
from backoffice.services.permissions import Actor
from tests import factories

# The shared fixtures of the billing side's screens (tests/view_fixtures.py).
pytest_plugins = ["tests.view_fixtures"]

PG_ADMIN_URL = os.environ.get(
    "BACKOFFICE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REFERENCE_TABLES = {"risk_factors", "visit_types", "document_themes", "alembic_version"}
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


class MemoryKeyring(KeyringBackend):
    """A keyring that forgets everything at the end of the test session."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.passwords.pop((service, username), None)


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    home = tmp_path_factory.mktemp("home")
    os.environ["BACKOFFICE_DATA_DIR"] = str(home / "data")
    os.environ["BACKOFFICE_CONFIG_DIR"] = str(home / "config")
    os.environ.pop("BACKOFFICE_DATABASE_URL", None)
    os.environ.pop("BACKOFFICE_PASSWORD", None)
    keyring.set_keyring(MemoryKeyring())
    set_language("fr")
    yield


@pytest.fixture(autouse=True)
def _french() -> None:
    set_language("fr")


@pytest.fixture
def staff_password(monkeypatch: pytest.MonkeyPatch) -> str:
    """The staff's password given to the command line's ``--as`` the way a batch job gives
    it: in ``BACKOFFICE_PASSWORD``."""
    monkeypatch.setenv("BACKOFFICE_PASSWORD", factories.STAFF_PASSWORD)
    return factories.STAFF_PASSWORD


@pytest.fixture(scope="session")
def _gui_thread_collector(qapp: object) -> GuiThreadCollector:
    """As in the application: reference cycles are collected on the GUI thread only."""
    return collect_on_gui_thread(qapp)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _collect_garbage_between_tests(_gui_thread_collector: GuiThreadCollector) -> Iterator[None]:
    """What the collector's timer does in the application, for tests that never run the
    event loop long enough for it to fire."""
    yield
    _gui_thread_collector.collect_due()


# -- databases -----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating per test is too slow)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.upgrade()
    _configure_service(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A database of this test run on the PostgreSQL server, migrated once."""
    admin_url = make_url(PG_ADMIN_URL)
    name = f"bo_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        admin = create_engine(
            admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5}
        )
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # the server is down or unreachable
        message = f"PostgreSQL unreachable at {admin_url.render_as_string()}: {error}"
        if IN_CI:
            pytest.fail(message + " (CI=true: PostgreSQL tests must run)")
        pytest.skip(message)
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    database = Database(url)
    database.upgrade()
    database.dispose()
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _configure_service(database: Database) -> None:
    """As an administrator does first: the service's identity, which documents print
    (its audit events left out: tests count their own)."""
    with database.transaction() as session:
        factories.service_identity(session)
        session.execute(delete(AuditEvent))


def _truncate_postgresql(database: Database) -> None:
    tables = [t.name for t in Base.metadata.sorted_tables if t.name not in REFERENCE_TABLES]
    with database.engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    with database.transaction() as session:
        factories.system_account(session)  # as migration 14c leaves it


@pytest.fixture
def sqlite_database(sqlite_template: Path, tmp_path: Path) -> Iterator[Database]:
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def pg_database(request: pytest.FixtureRequest) -> Iterator[Database]:
    url = request.getfixturevalue("pg_server_url")
    database = Database(url)
    _truncate_postgresql(database)
    _configure_service(database)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest) -> Database:
    """A fresh, migrated, empty database: every test using it runs on both backends."""
    name = "sqlite_database" if request.param == "sqlite" else "pg_database"
    return request.getfixturevalue(name)


@pytest.fixture
def session(database: Database) -> Iterator[object]:
    with database.session() as session:
        yield session


# -- people --------------------------------------------------------------------------------


@pytest.fixture
def actors(database: Database) -> dict[str, Actor]:
    """One active staff member per role, keyed by role value ("billing", ...)."""
    with database.transaction() as session:
        return factories.staff_of_every_role(session)


# -- mail -----------------------------------------------------------------------------------


@pytest.fixture
def mail_relay(database: Database, actors: dict[str, Actor], tmp_path: Path) -> Iterator[object]:
    """A real local SMTP relay (aiosmtpd, no TLS nor login), set as the service's mail
    server by the administrator; stopped after the test."""
    from tests.mail.conftest import configure
    from tests.mail.smtp_server import SmtpServer

    server = SmtpServer(tmp_path, "none").start()
    try:
        configure(database, actors["administrator"], server)
        yield server
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def recorded_errors() -> Iterator[list[BaseException]]:
    """Error dialogs never block a test: they are recorded (and answered "Close"). Patched
    by hand, not with ``monkeypatch``, so as not to change when that fixture undoes."""
    from backoffice.ops import errors as error_dialogs

    shown: list[BaseException] = []

    def record(
        _parent: object, error: BaseException, details: str = "", **_kw: object
    ) -> error_dialogs.Choice:
        shown.append(error)
        error.details = details  # type: ignore[attr-defined]
        return error_dialogs.Choice.CLOSE

    original, error_dialogs.show = error_dialogs.show, record
    yield shown
    error_dialogs.show = original


@pytest.fixture(autouse=True)
def _clock_left_running() -> Iterator[None]:
    """A test that leaves the clock frozen would skew every later one: fail it."""
    from backoffice import clock

    yield
    assert clock._frozen_at is None, "the test left backoffice.clock frozen"
