"""One vocabulary of failures for the application and the command line (no Qt here).

:func:`explain` turns anything a unit of work can raise — a service's refusal, a database
that cannot be used, a value the database refused, a conflict — into a title, one sentence
for the user and a :class:`Kind` (the GUI picks its dialog by it, the command line its exit
code). :func:`translate_error` explains a low-level database failure as a
:class:`DatabaseProblem`. No sentence ever holds a password: addresses are described
without it, and :func:`redact` masks one in any text (tracebacks, logs).
"""

from __future__ import annotations

import enum
import errno
import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import exc
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm.exc import StaleDataError

from backoffice.i18n import tr
from backoffice.services.errors import Conflict, PermissionDenied, ServiceError


class DatabaseProblem(Exception):
    """A database that cannot be used, with a sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadDatabaseUrl(DatabaseProblem):
    pass


class DatabaseUnreachable(DatabaseProblem):
    pass


class DatabaseMissing(DatabaseProblem):
    """The file, or the server's database, that the address names does not exist."""


class AccessRefused(DatabaseProblem):
    """The server refused the user (unknown, wrong password, missing rights)."""


class DiskFull(DatabaseProblem):
    pass


class SchemaTooNew(DatabaseProblem):
    pass


class SchemaUnknown(DatabaseProblem):
    """A schema revision no version of the back-office made (or not in this line)."""


class SchemaOutdated(DatabaseProblem):
    pass


class DatabaseReadOnly(DatabaseProblem):
    pass


class Kind(enum.Enum):
    CONFLICT = "conflict"  # someone else changed the data: reload
    NOT_ALLOWED = "not_allowed"  # the staff member's role does not allow it
    REFUSED = "refused"  # bad input or a rule: nothing saved, what was typed is kept
    CONNECTION_LOST = "connection_lost"  # try again later
    BUSY = "busy"  # a lock: try again
    DATABASE = "database"  # the database cannot be used as it is
    FILE = "file"  # a file could not be written or read (disk full, read-only, no right)
    UNEXPECTED = "unexpected"  # a defect: the details go to the support


@dataclass(frozen=True)
class Explained:
    kind: Kind
    title: str
    message: str


_PASSWORD_IN_URL = re.compile(r"(?P<head>[A-Za-z][\w+.-]*://[^:/@\s]*:)(?P<password>\S*)(?=@)")
_PASSWORD_PARAMETER = re.compile(r"(?i)(?P<head>\bpassword\s*=\s*)(?P<password>'[^']*'|\S+)")


def redact(text: str) -> str:
    """``text`` with the password of every database address (or ``password=``) masked."""
    text = _PASSWORD_IN_URL.sub(r"\g<head>***", text)
    return _PASSWORD_PARAMETER.sub(r"\g<head>***", text)


def describe_url(url: URL | str | None) -> str:
    """A short, password-free description for the status bar and messages."""
    if url is None or url == "":
        return tr("(unknown address)")
    if isinstance(url, str):
        try:
            url = make_url(url)
        except exc.ArgumentError:
            return redact(url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite · {url.database}"
    return f"PostgreSQL · {url.username}@{url.host}:{url.port or 5432}/{url.database}"


def _as_url(url: URL | str | None) -> URL | None:
    if url is None or url == "":
        return None
    if isinstance(url, URL):
        return url
    try:
        return make_url(url)
    except exc.ArgumentError:
        return None


def _driver_text(error: BaseException) -> str:
    """The driver's own message (first line), never the SQL nor its parameters."""
    original = getattr(error, "orig", None) or error
    return redact(str(original).strip().splitlines()[0] if str(original).strip() else "")


def _sqlstate(error: BaseException) -> str | None:
    original = getattr(error, "orig", None) or error
    return getattr(original, "sqlstate", None)


def _quoted(text: str, after: str) -> str:
    match = re.search(after + r' "([^"]*)"', text)
    return match.group(1) if match else ""


def translate_error(error: BaseException, url: URL | str | None = None) -> DatabaseProblem:
    """The sentence a user reads for a low-level failure of the database at ``url``."""
    if isinstance(error, DatabaseProblem):
        return error
    where = describe_url(url)
    text = _driver_text(error)
    lowered = text.lower()
    state = _sqlstate(error) or ""
    parsed = _as_url(url)
    if (
        "database or disk is full" in lowered
        or "no space left on device" in lowered
        or "could not extend file" in lowered
        or state == "53100"
        or (isinstance(error, OSError) and error.errno == errno.ENOSPC)
    ):
        return DiskFull(
            tr(
                "The disk of the database {where} is full: nothing was saved. Free some space "
                "and try again.",
                where=where,
            )
        )
    if "readonly" in lowered or "read-only" in lowered or state == "25006":
        return DatabaseReadOnly(
            tr("The database {where} is read-only: nothing can be saved.", where=where)
        )
    if "does not exist" in lowered and "database" in lowered and "fatal" in lowered:
        name = _quoted(text, "database") or (parsed.database if parsed else "")
        return DatabaseMissing(
            tr(
                "The server has no database named {name} ({where}): check the database name "
                "in the address.",
                name=name,
                where=where,
            )
        )
    if (
        "password authentication failed" in lowered
        or ("role" in lowered and "does not exist" in lowered)
        or "no password supplied" in lowered
        or state in ("28000", "28P01")
    ):
        user = parsed.username if parsed else ""
        return AccessRefused(
            tr(
                "The server refused the user {user} ({where}): check the user name and its "
                "password (kept in the system keyring).",
                user=user or "-",
                where=where,
            )
        )
    if "permission denied" in lowered or state == "42501":
        return AccessRefused(
            tr(
                "The user of {where} lacks the rights this needs on the database; ask its "
                "administrator.",
                where=where,
            )
        )
    if "unable to open database" in lowered:
        return _unopenable_file(parsed, where)
    if "file is not a database" in lowered:
        return BadDatabaseUrl(tr("The file {where} is not a database.", where=where))
    if "no such table" in lowered or state == "42P01":
        return SchemaOutdated(
            tr(
                "The database {where} lacks the back-office's tables: is it the right "
                "database? Otherwise run \u201cbackoffice db upgrade\u201d.",
                where=where,
            )
        )
    if "disk i/o error" in lowered:
        return DatabaseUnreachable(
            tr("The database file {where} could not be read or written (disk error).", where=where)
        )
    if isinstance(error, exc.OperationalError | exc.InterfaceError):
        return DatabaseUnreachable(
            tr(
                "The database server {where} cannot be reached; check the network and the server.",
                where=where,
            )
        )
    return DatabaseProblem(
        tr("The database {where} reported an error: {error}", where=where, error=text)
    )


def _unopenable_file(url: URL | None, where: str) -> DatabaseProblem:
    path = Path(url.database).expanduser() if url is not None and url.database else None
    if path is not None and not path.parent.is_dir():
        return DatabaseMissing(
            tr(
                "The folder {folder} does not exist: check the database address.",
                folder=str(path.parent),
            )
        )
    if path is not None and not os.access(path.parent, os.W_OK):
        return DatabaseReadOnly(
            tr(
                "The folder of the database {where} is read-only: the database cannot be "
                "opened for writing.",
                where=where,
            )
        )
    return DatabaseUnreachable(tr("The database file {where} cannot be opened.", where=where))


def _is_lock(error: BaseException) -> bool:
    text = _driver_text(error).lower()
    return (
        "locked" in text
        or "could not serialize" in text
        or _sqlstate(error)
        in (
            "40001",
            "40P01",
            "55P03",
        )
    )


def is_connection_lost(error: BaseException) -> bool:
    if isinstance(error, DatabaseUnreachable):
        return True
    if isinstance(error, exc.DBAPIError) and error.connection_invalidated:
        return True
    if not isinstance(error, exc.OperationalError | exc.InterfaceError) or _is_lock(error):
        return False
    # An operational error that says what is wrong is not a lost connection.
    return isinstance(translate_error(error), DatabaseUnreachable)


def explain(error: BaseException, url: URL | str | None = None) -> Explained:
    """Title, sentence and kind for any failure of a unit of work (``url``: the database's,
    for sentences that name it)."""
    from backoffice.services.refusals import refusal_sentence

    if isinstance(error, StaleDataError | Conflict):
        message = (
            error.message
            if isinstance(error, Conflict)
            else tr(
                "Someone else (a colleague or the member on the portal) changed this record since "
                "you opened it. Your change was not saved."
            )
        )
        return Explained(Kind.CONFLICT, tr("Changed by someone else"), message)
    if isinstance(error, PermissionDenied):
        return Explained(Kind.NOT_ALLOWED, tr("Not allowed"), error.message)
    if isinstance(error, ServiceError):
        return Explained(Kind.REFUSED, tr("Refused"), error.message)
    if isinstance(error, DatabaseProblem):
        kind = Kind.CONNECTION_LOST if isinstance(error, DatabaseUnreachable) else Kind.DATABASE
        return Explained(kind, tr("Database"), error.message)
    if is_connection_lost(error):
        return Explained(
            Kind.CONNECTION_LOST,
            tr("Connection lost"),
            tr(
                "The connection to the database was lost. What you typed is kept: try again "
                "when the server is back."
            ),
        )
    if isinstance(error, exc.DBAPIError) and _is_lock(error):
        return Explained(
            Kind.BUSY, tr("Busy"), tr("The database is busy with another change; try again.")
        )
    refused = refusal_sentence(error)
    if refused is not None:
        return Explained(Kind.REFUSED, tr("Refused"), refused)
    if isinstance(error, exc.SQLAlchemyError):
        return Explained(Kind.DATABASE, tr("Database"), translate_error(error, url).message)
    if isinstance(error, OSError) and (sentence := _file_problem(error)):
        return Explained(Kind.FILE, tr("File"), sentence)
    return _unexpected()


def _file_problem(error: OSError) -> str | None:
    """A file the work could not write or read: a full disk is said as such."""
    name = str(error.filename) if error.filename else tr("(unknown file)")
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return tr("The disk is full: {file} could not be written. Nothing was saved.", file=name)
    if error.errno == errno.EROFS:
        return tr("{file} is on a read-only disk: it could not be written.", file=name)
    if error.errno in (errno.EACCES, errno.EPERM):
        return tr("{file}: permission denied.", file=name)
    if error.errno == errno.ENOENT:
        return tr("{file} does not exist (or its folder does not).", file=name)
    if error.errno == errno.EISDIR:
        return tr("{file} is a folder, not a file.", file=name)
    return None


def _unexpected() -> Explained:
    return Explained(
        Kind.UNEXPECTED,
        tr("Unexpected error"),
        tr("An unexpected error occurred; nothing was saved. The details below help the support."),
    )
