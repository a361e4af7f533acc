"""What every subcommand shares: opening the database, reporting errors in one sentence."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from backoffice.i18n import tr

if TYPE_CHECKING:
    from backoffice.db import Database

# Command modules import only this module, argparse and i18n at start-up; the database
# layer is imported when a command runs (``backoffice --version`` stays fast).

EXIT_REFUSED = 1  # the operation was refused (bad input, permission, conflict)
EXIT_DATABASE = 2  # the database cannot be used


def open_database(
    args: argparse.Namespace, *, check_schema: bool = True, create: bool = False
) -> Database:
    """The database of ``--database`` (or the configured one). A SQLite file that does not
    exist is created only with ``create`` (``db upgrade``, ``demo``), in an existing folder."""
    from backoffice.config import resolve_database_url
    from backoffice.db import Database

    database = Database(resolve_database_url(args.database), create=create)
    if check_schema:
        database.check_schema()
    return database


def run_reporting_errors(
    command: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """Run a subcommand; a failure becomes one sentence on stderr and a non-zero exit
    (the sentence and its kind from ``backoffice.errors.explain``, as in the application)."""
    from sqlalchemy import exc

    from backoffice.config import resolve_database_url
    from backoffice.errors import DatabaseProblem, Kind, explain, translate_error
    from backoffice.services.errors import ServiceError

    url = getattr(args, "database", None) or resolve_database_url(None)
    try:
        return command(args)
    except KeyboardInterrupt:
        print(tr("Interrupted: nothing was saved by the unfinished step."), file=sys.stderr)
        return 130
    except (DatabaseProblem, ServiceError, exc.SQLAlchemyError, OverflowError, OSError) as error:
        explained = explain(error, url)
        if explained.kind is Kind.UNEXPECTED:
            raise
        if explained.kind in (Kind.REFUSED, Kind.NOT_ALLOWED, Kind.CONFLICT, Kind.FILE):
            print(tr("Refused: {message}", message=explained.message), file=sys.stderr)
            return EXIT_REFUSED
        message = explained.message
        if explained.kind is Kind.CONNECTION_LOST:  # a command has nothing typed to keep
            message = translate_error(error, url).message
        print(tr("Error: {message}", message=message), file=sys.stderr)
        return EXIT_DATABASE


def print_progress(fraction: float, message: str) -> None:
    print(f"\r[{fraction:>4.0%}] {message}\033[K", end="", file=sys.stderr, flush=True)
    if fraction >= 1:
        print(file=sys.stderr)
