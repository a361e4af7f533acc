"""``backoffice export schedules --year Y --out FILE.xlsx [--member CODE]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from backoffice.cli.common import EXIT_REFUSED, open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export", help=tr("exports to Excel"))
    kinds = export.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    schedules = kinds.add_parser(
        "schedules", help=tr("instalment schedules, one row per instalment (Excel)")
    )
    schedules.add_argument("--year", type=int, metavar="Y", help=tr("the invoices of a year"))
    schedules.add_argument("--member", metavar="CODE", help=tr("the invoices of one member"))
    schedules.add_argument("--out", required=True, metavar="FILE.xlsx", type=Path)
    schedules.set_defaults(run=run_schedules)


def run_schedules(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from backoffice.cli.billing_command import command_line_reader
    from backoffice.models import Member
    from backoffice.reports.billing.formats import eur
    from backoffice.services.billing.exports import ScheduleSelection, export_schedules

    if args.year is None and args.member is None:
        print(tr("Give --year, --member or both."))
        return EXIT_REFUSED
    if args.out.suffix.lower() != ".xlsx":
        print(tr("The output file must end with .xlsx."))
        return EXIT_REFUSED
    database = open_database(args)
    with database.session() as session:
        member_id = None
        if args.member is not None:
            member_id = session.scalar(select(Member.id).where(Member.member_code == args.member))
            if member_id is None:
                print(tr("There is no member with the code {code}.", code=args.member))
                return EXIT_REFUSED
        totals = export_schedules(
            session, command_line_reader(), args.out, ScheduleSelection(args.year, member_id)
        )
    print(
        tr(
            "{rows} instalments written to {file}: total {amount}, remaining {remaining}.",
            rows=totals.rows,
            file=args.out,
            amount=eur(totals.amount_cents),
            remaining=eur(totals.remaining_cents),
        )
    )
    return 0
