"""Engines, sessions, migrations, and database problems explained in one sentence.

One :class:`Database` per process. Every unit of work gets its own session
(``with database.session() as session``); writes use :meth:`Database.transaction`, which on
SQLite starts with ``BEGIN IMMEDIATE`` so that two writers queue instead of failing half way.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, exc, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

from backoffice.config import default_sqlite_url, with_keyring_password
from backoffice.errors import (  # noqa: F401 - re-exported: the database's problems
    BadDatabaseUrl,
    DatabaseMissing,
    DatabaseProblem,
    DatabaseReadOnly,
    DatabaseUnreachable,
    SchemaOutdated,
    SchemaTooNew,
    SchemaUnknown,
    describe_url,
    redact,
    translate_error,
)
from backoffice.i18n import tr

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# The latest migration. Checked against the migration scripts by a test; knowing it here
# lets an up-to-date database start without importing Alembic (a quarter of a second).
SCHEMA_HEAD = "19u"


def parse_url(url_text: str) -> URL:
    try:
        url = with_keyring_password(url_text)
    except (exc.ArgumentError, ValueError):  # ValueError: a port that is no number
        # Raised without its cause: the parser's message quotes the address, password and all.
        raise BadDatabaseUrl(
            tr("The database address {url} is not valid.", url=repr(redact(url_text)))
        ) from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise BadDatabaseUrl(
            tr(
                "Only SQLite and PostgreSQL databases are supported, not {backend}.",
                backend=url.get_backend_name(),
            )
        )
    if url.get_backend_name() == "postgresql" and url.get_driver_name() != "psycopg":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_backend_name() == "sqlite" and url.get_driver_name() != "pysqlite":
        raise BadDatabaseUrl(
            tr("The database address {url} is not valid.", url=repr(redact(url_text)))
        )
    return url


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin").
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 15000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            # A page cache of 64 MiB (SQLite's default is 2 MiB: a database of a service
            # holds hundreds of MiB, and a bulk write — an import, a billing run — reads
            # and rewrites the same index pages over and over), and the WAL copied back
            # into the database every 80 MiB rather than every 4 MiB: a page written by
            # many transactions in a row is copied once.
            cursor.execute("PRAGMA cache_size = -65536")
            cursor.execute("PRAGMA wal_autocheckpoint = 20000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: object) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")  # type: ignore[attr-defined]
        connection.exec_driver_sql(f"BEGIN {mode}")  # type: ignore[attr-defined]


def make_engine(
    url_text: str, *, pool_size: int = 5, echo: bool = False, create: bool = True
) -> Engine:
    """An engine for ``url_text``. A SQLite file that does not exist is created only with
    ``create`` and only in an existing folder (the embedded database's folder excepted):
    a mistyped path is refused, not created."""
    url = parse_url(url_text)
    if url.get_backend_name() == "sqlite":
        database = url.database
        if database and database != ":memory:" and not database.startswith("file:"):
            _check_sqlite_path(Path(database).expanduser(), create=create)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 15})
        _configure_sqlite(engine)
        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=10,
        connect_args={"connect_timeout": 5, "application_name": "backoffice"},
    )


def _check_sqlite_path(path: Path, *, create: bool) -> None:
    if path.is_dir():
        raise BadDatabaseUrl(
            tr("{path} is a folder, not a database file: check the address.", path=str(path))
        )
    if path.exists():
        return
    if not create:
        raise DatabaseMissing(
            tr("The database file {path} does not exist: check the address.", path=str(path))
        )
    embedded = Path(make_url(default_sqlite_url()).database or "").expanduser()
    if path == embedded:
        path.parent.mkdir(parents=True, exist_ok=True)
    elif not path.parent.is_dir():
        raise DatabaseMissing(
            tr(
                "The folder {folder} does not exist: check the database address.",
                folder=str(path.parent),
            )
        )


def describe(url: URL | str | None) -> str:
    """A short, password-free description for the status bar and messages."""
    return describe_url(url)


def _ours(revision: str) -> bool:
    """Our revisions are an issue number and letters (``13``, ``15b``; the chain follows
    the order of landing, not the numbers): one of that shape we do not know was made by
    a newer version; another (Alembic's hexadecimal ids…) by something else."""
    return re.fullmatch(r"\d{1,4}[a-z]{0,3}", revision) is not None


@contextlib.contextmanager
def _foreign_keys_checked_at_the_end(connection: Connection) -> Iterator[None]:
    """SQLite changes a table by copying it: its foreign keys are enforced only once the
    migrations are done (SQLite's own procedure; outside a transaction to take effect)."""
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
    try:
        yield
    finally:
        if sqlite:
            connection.connection.dbapi_connection.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]


def _check_foreign_keys(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
        if broken is not None:
            raise exc.IntegrityError("PRAGMA foreign_key_check", None, Exception(str(broken)))


class Database:
    """An engine and the sessions made from it."""

    def __init__(
        self, url_text: str, *, pool_size: int = 5, echo: bool = False, create: bool = True
    ) -> None:
        self.url_text = url_text
        self.engine = make_engine(url_text, pool_size=pool_size, echo=echo, create=create)
        self.url = self.engine.url
        self._reads = sessionmaker(self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._writes = sessionmaker(writer, expire_on_commit=False)

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def is_postgresql(self) -> bool:
        return self.backend == "postgresql"

    def description(self) -> str:
        return describe(self.url)

    def session(self) -> Session:
        """A session for reading (and writing, when the caller commits itself)."""
        return self._reads()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed on success and rolled back whole on error."""
        with self._writes() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    def erase(self) -> Database:
        """Delete everything (the SQLite file, or PostgreSQL's ``public`` schema) and return
        a fresh handle on the now empty database."""
        self.dispose()
        if self.backend == "sqlite":
            database = self.url.database
            if database and database != ":memory:":
                for suffix in ("", "-wal", "-shm"):
                    Path(database + suffix).unlink(missing_ok=True)
        else:
            try:
                with self.engine.begin() as connection:
                    connection.exec_driver_sql("DROP SCHEMA public CASCADE")
                    connection.exec_driver_sql("CREATE SCHEMA public")
            except exc.SQLAlchemyError as error:
                raise translate_error(error, self.url) from error
            self.dispose()
        return Database(self.url_text)

    # -- schema ---------------------------------------------------------------------------

    def alembic_config(self) -> Config:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        # The address as an object, never rendered: its password would otherwise be written
        # into the configuration (where a ``%`` breaks it) and into any traceback.
        config.attributes["url"] = self.url
        return config

    def head_revision(self) -> str:
        return SCHEMA_HEAD

    def current_revision(self) -> str | None:
        try:
            with self.engine.connect() as connection:
                if not inspect(connection).has_table("alembic_version"):
                    return None
                return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except exc.SQLAlchemyError as error:
            raise translate_error(error, self.url) from error

    def upgrade(self) -> tuple[str | None, str]:
        """Bring the schema to the latest revision; returns (before, after). Idempotent."""
        from alembic import command

        self.check_not_newer()
        before = self.current_revision()
        if before == SCHEMA_HEAD:
            return before, before
        config = self.alembic_config()
        try:
            with (
                self.engine.connect() as connection,
                _foreign_keys_checked_at_the_end(connection),
                connection.begin(),
            ):
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                _check_foreign_keys(connection)
        except exc.SQLAlchemyError as error:
            raise translate_error(error, self.url) from error
        return before, self.head_revision()

    def check_not_newer(self) -> None:
        """Refuse a database whose schema revision this version does not know: made by a
        newer version (a revision after all of ours), or by something else."""
        current = self.current_revision()
        if current is None or current == SCHEMA_HEAD:
            return
        from alembic.script import ScriptDirectory

        scripts = ScriptDirectory.from_config(self.alembic_config())
        try:
            scripts.get_revision(current)
        except Exception as error:  # alembic raises ResolutionError / CommandError
            if _ours(current):
                raise SchemaTooNew(
                    tr(
                        "The database {where} was made by a newer version of the back-office "
                        "(schema {revision}); install the newer version.",
                        where=self.description(),
                        revision=current,
                    )
                ) from error
            raise SchemaUnknown(
                tr(
                    "The database {where} has a schema revision this version does not know "
                    "({revision}): it was not made by the back-office, or its schema was "
                    "changed by hand. Nothing was changed.",
                    where=self.description(),
                    revision=current,
                )
            ) from error

    def check_schema(self) -> None:
        """Refuse a database that is not exactly at our schema revision."""
        self.check_not_newer()
        current, head = self.current_revision(), self.head_revision()
        if current != head:
            raise SchemaOutdated(
                tr(
                    "The database {where} is not up to date (schema {current}, expected {head}): "
                    "run \u201cbackoffice db upgrade\u201d.",
                    where=self.description(),
                    current=current or "-",
                    head=head,
                )
            )
