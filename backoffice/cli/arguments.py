"""The command line's conventions, shared by every subcommand.

- :class:`CommandParser`: every parser of the command tree; ``--database`` is accepted
  before or after the subcommand, and a usage error is one sentence on stderr with its own
  exit code (:data:`EXIT_USAGE`), never argparse's usage block.
- :func:`day_argument` (``dd/mm/yyyy`` or ``yyyy-mm-dd``, through ``dates.parse_day``),
  :func:`year_argument` and :func:`count_argument`: the types of every date, year and count
  option.
- :func:`acting`: the acting staff member, always ``--as LOGIN`` stored as ``as_login``.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import NoReturn

from backoffice.i18n import tr

EXIT_OK = 0
EXIT_REFUSED = 1  # understood, but refused: bad value, permission, conflict, unwritable file
EXIT_DATABASE = 2  # the database cannot be used
EXIT_USAGE = 64  # the command line itself is wrong (sysexits' EX_USAGE)
EXIT_INTERRUPTED = 130  # Ctrl+C
EXIT_OUTPUT_CLOSED = 141  # the reader of the output went away (128 + SIGPIPE)

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)


class UsageError(Exception):
    """The command line is wrong: one sentence, exit code :data:`EXIT_USAGE`."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CommandParser(argparse.ArgumentParser):
    """A parser of the command tree (its subparsers are of the same class)."""

    def __init__(self, *args: object, top: bool = False, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.add_argument(
            "--database",
            metavar="URL",
            # Below the top, absent unless given: a value given before the subcommand stays.
            default=None if top else argparse.SUPPRESS,
            help=tr(
                "database URL (default: BACKOFFICE_DATABASE_URL, then the workstation's "
                "settings, then the embedded SQLite file)"
            ),
        )

    def error(self, message: str) -> NoReturn:
        raise UsageError(
            tr(
                "{command}: {message} (see “{command} --help”).",
                command=self.prog,
                message=message,
            )
        )


def day_argument(text: str) -> date:
    """A day as ``dd/mm/yyyy`` or ``yyyy-mm-dd`` (argparse's type of every date option)."""
    from backoffice.dates import format_day, parse_day

    try:
        day = parse_day(text)
    except ValueError:
        day = None
    if day is None:
        raise argparse.ArgumentTypeError(
            tr("{text} is not a date (dd/mm/yyyy or yyyy-mm-dd)", text=text)
        )
    if not FIRST_DAY <= day <= LAST_DAY:
        raise argparse.ArgumentTypeError(
            tr(
                "{text} is out of range: a date from {first} to {last}",
                text=text,
                first=format_day(FIRST_DAY),
                last=format_day(LAST_DAY),
            )
        )
    return day


def year_argument(text: str) -> int:
    """A year between the first and the last day the command line accepts."""
    try:
        year = int(text.strip())
    except ValueError:
        year = None
    if year is None or not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise argparse.ArgumentTypeError(
            tr(
                "{text} is not a year from {first} to {last}",
                text=text,
                first=FIRST_DAY.year,
                last=LAST_DAY.year,
            )
        )
    return year


def count_argument(text: str) -> int:
    """A whole number of at least 1 (and at most a million)."""
    try:
        count = int(text.strip())
    except ValueError:
        count = None
    if count is None or not 1 <= count <= 1_000_000:
        raise argparse.ArgumentTypeError(
            tr("{text} is not a whole number from 1 to 1,000,000", text=text)
        )
    return count


def seed_argument(text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(tr("{text} is not a whole number", text=text)) from None


def path_argument(text: str) -> Path:
    return Path(text).expanduser()


def acting(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``--as LOGIN``: the staff member acting, authenticated, recorded in the history."""
    help_text = (
        tr("the staff member acting (asked for their password; recorded in the history)")
        if required
        else tr(
            "the staff member acting (asked for their password); without it, the system "
            "account of the nightly jobs"
        )
    )
    parser.add_argument("--as", dest="as_login", required=required, metavar="LOGIN", help=help_text)


def quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--quiet", action="store_true", help=tr("no progress output"))


def print_error(message: str) -> None:
    """One sentence on stderr (every refusal and error goes there)."""
    print(message, file=sys.stderr, flush=True)
