"""``backoffice export schedules --year Y --out FILE.xlsx [--member CODE]``."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import path_argument, year_argument
from backoffice.cli.common import open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    export = subparsers.add_parser("export", help=tr("exports to Excel"))
    kinds = export.add_subparsers(dest="export_kind", metavar="WHAT", required=True)
    schedules = kinds.add_parser(
        "schedules", help=tr("instalment schedules, one row per instalment (Excel)")
    )
    schedules.add_argument(
        "--year", type=year_argument, metavar="Y", help=tr("the invoices of a year")
    )
    schedules.add_argument("--member", metavar="CODE", help=tr("the invoices of one member"))
    schedules.add_argument("--out", required=True, metavar="FILE.xlsx", type=path_argument)
    schedules.set_defaults(run=run_schedules)


def run_schedules(args: argparse.Namespace) -> int:
    from backoffice.cli.arguments import UsageError
    from backoffice.cli.outputs import check_output_file
    from backoffice.reports.billing.formats import eur
    from backoffice.services.accounts.lookup import member_by_code
    from backoffice.services.actors import command_line_reader
    from backoffice.services.billing.exports import ScheduleSelection, export_schedules

    if args.year is None and args.member is None:
        raise UsageError(tr("backoffice export schedules: give --year, --member or both."))
    out = check_output_file(args.out, (".xlsx",))
    database = open_database(args)
    with database.session() as session:
        member_id = member_by_code(session, args.member).id if args.member is not None else None
        totals = export_schedules(
            session, command_line_reader(), out, ScheduleSelection(args.year, member_id)
        )
    print(
        tr(
            "{rows} instalments written to {file}: total {amount}, remaining {remaining}.",
            rows=totals.rows,
            file=out,
            amount=eur(totals.amount_cents),
            remaining=eur(totals.remaining_cents),
        )
    )
    return 0
