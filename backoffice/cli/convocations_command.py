"""``backoffice convocations print --date D [--centre C] --out FILE.pdf [--as LOGIN]``."""

from __future__ import annotations

import argparse
import sys
from datetime import date

from backoffice.cli.common import EXIT_REFUSED, open_database, print_progress
from backoffice.i18n import ntr, tr


def register(subparsers: argparse._SubParsersAction) -> None:
    convocations = subparsers.add_parser("convocations", help=tr("convocation letters"))
    actions = convocations.add_subparsers(
        dest="convocations_command", metavar="ACTION", required=True
    )
    printing = actions.add_parser(
        "print",
        help=tr("the convocations of a day's confirmed appointments, merged into one PDF"),
    )
    printing.add_argument(
        "--date", required=True, metavar="D", help=tr("day of the appointments (dd/mm/yyyy)")
    )
    printing.add_argument(
        "--centre", metavar="C", help=tr("only this visit centre (its code, e.g. MUL)")
    )
    printing.add_argument("--out", required=True, metavar="FILE.pdf", help=tr("PDF file to write"))
    printing.add_argument(
        "--as",
        dest="login",
        metavar="LOGIN",
        help=tr("act as this staff member (default: the system, as a batch job)"),
    )
    printing.add_argument("--quiet", action="store_true", help=tr("no progress output"))
    printing.set_defaults(run=run_print)


def parse_day(text: str) -> date | None:
    for parse in (
        date.fromisoformat,
        lambda value: date(*reversed([int(part) for part in value.split("/")])),
    ):
        try:
            return parse(text.strip())
        except (TypeError, ValueError):
            continue
    return None


def run_print(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sqlalchemy import select

    from backoffice.models import VisitCentre
    from backoffice.private_files import write_whole
    from backoffice.services.actors import actor_for_login
    from backoffice.services.appointments.convocations import (
        ConvocationSelection,
        print_convocations,
    )
    from backoffice.services.errors import NotFound, ServiceError
    from backoffice.services.progress import Progress

    day = parse_day(args.date)
    if day is None:
        print(tr("The date {value} is not a date (dd/mm/yyyy).", value=args.date), file=sys.stderr)
        return EXIT_REFUSED
    database = open_database(args)
    with database.transaction() as session:
        actor = actor_for_login(session, args.login) if args.login else None
        centre_id = None
        if args.centre:
            centre_id = session.scalar(
                select(VisitCentre.id).where(VisitCentre.code == args.centre.strip().upper())
            )
            if centre_id is None:
                raise NotFound(tr("There is no visit centre {code}.", code=args.centre))
        report = None if args.quiet else _report
        batch = print_convocations(
            session, actor, ConvocationSelection(day=day, centre_id=centre_id), Progress(report)
        )
        try:  # inside the transaction: a file not written records no printing
            write_whole(Path(args.out), batch.pdf)
        except OSError as error:
            raise ServiceError(
                tr("The file {path} cannot be written: {reason}", path=args.out, reason=error)
            ) from error
    print(
        ntr(
            "{count} convocation written to {path}.",
            "{count} convocations written to {path}.",
            len(batch.appointment_ids),
            path=args.out,
        )
    )
    return 0


def _report(done: int, total: int, message: str) -> None:
    print_progress(done / max(total, 1), message)
