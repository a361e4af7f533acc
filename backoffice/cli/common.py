"""What every subcommand shares: opening the database, reporting errors in one sentence.

Results go to stdout; refusals, errors and progress to stderr. Exit codes (the README's
table): 0 done, 1 refused, 2 database unusable, 64 wrong command line, 70 unexpected
error, 130 interrupted, 141 output closed early.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from backoffice.cli.arguments import (
    EXIT_DATABASE,
    EXIT_INTERRUPTED,
    EXIT_OUTPUT_CLOSED,
    EXIT_REFUSED,
    EXIT_USAGE,
    UsageError,
    print_error,
)
from backoffice.i18n import tr

if TYPE_CHECKING:
    from backoffice.db import Database

# Command modules import only this module, argparse and i18n at start-up; the database
# layer is imported when a command runs (``backoffice --version`` stays fast).

__all__ = ["EXIT_DATABASE", "EXIT_REFUSED", "EXIT_USAGE", "open_database", "run_reporting_errors"]

EXIT_UNEXPECTED = 70  # a bug: sysexits' EX_SOFTWARE


def open_database(
    args: argparse.Namespace, *, check_schema: bool = True, create: bool = False
) -> Database:
    """The database of ``--database`` (or the configured one). A SQLite file that does not
    exist is created only with ``create`` (``db upgrade``, ``demo``), in an existing folder."""
    from backoffice.config import resolve_database_url
    from backoffice.db import Database

    database = Database(resolve_database_url(getattr(args, "database", None)), create=create)
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
    from backoffice.errors import DatabaseProblem, Kind, explain, redact, translate_error
    from backoffice.services.errors import ServiceError

    try:
        code = command(args)
        sys.stdout.flush()  # a reader gone away is known here, not when Python exits
        return code
    except BrokenPipeError:
        return _output_closed()
    except UsageError as error:
        print_error(error.message)
        return EXIT_USAGE
    except (DatabaseProblem, ServiceError, exc.SQLAlchemyError, OverflowError) as error:
        url = getattr(args, "database", None) or resolve_database_url(None)
        explained = explain(error, url)
        if explained.kind in (Kind.REFUSED, Kind.NOT_ALLOWED, Kind.CONFLICT):
            print_error(tr("Refused: {message}", message=explained.message))
            return EXIT_REFUSED
        message = explained.message
        if explained.kind is Kind.CONNECTION_LOST:  # a command has nothing typed to keep
            message = translate_error(error, url).message
        print_error(tr("Error: {message}", message=message))
        return EXIT_DATABASE
    except OSError as error:
        explained = explain(error)
        print_error(
            tr("Refused: {message}", message=explained.message)
            if explained.kind is Kind.FILE
            else file_refused(error)
        )
        return EXIT_REFUSED
    except KeyboardInterrupt:
        print_error(tr("Interrupted: nothing was saved by the unfinished step."))
        return EXIT_INTERRUPTED
    except Exception as error:  # a bug: one sentence, the traceback on demand
        if os.environ.get("BACKOFFICE_DEBUG"):
            raise
        print_error(
            tr(
                "Unexpected error ({kind}: {error}); nothing was saved by the unfinished step. "
                "BACKOFFICE_DEBUG=1 shows the details to report.",
                kind=type(error).__name__,
                error=redact(str(error)),
            )
        )
        return EXIT_UNEXPECTED


def file_refused(error: OSError) -> str:
    """A file the command could not read or write, in one sentence."""
    reason = error.strerror or str(error)
    if error.filename is None:
        return tr("Refused: {reason}. Nothing was saved.", reason=reason)
    return tr(
        "Refused: the file {path} cannot be used ({reason}). Nothing was saved.",
        path=os.fsdecode(error.filename),
        reason=reason,
    )


def _output_closed() -> int:
    """The reader of stdout went away (``billing preview | head``): stop quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # no second failure when Python exits
    except (OSError, ValueError):
        pass
    with contextlib.suppress(OSError):
        print_error(tr("Stopped: the output was closed before the end."))
    return EXIT_OUTPUT_CLOSED
