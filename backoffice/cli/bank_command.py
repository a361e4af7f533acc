"""``backoffice bank import FILE... --as LOGIN`` and ``backoffice bank unmatched``: the
bank's statements brought in and matched, and what is left to reconcile."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import EXIT_REFUSED, acting, path_argument, print_error
from backoffice.cli.common import file_refused, open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    bank = subparsers.add_parser(
        "bank", help=tr("bank statements: import and match them, list what is left")
    )
    commands = bank.add_subparsers(dest="bank_command", metavar="WHAT", required=True)
    importing = commands.add_parser(
        "import",
        help=tr("import camt.053, camt.054, CFONB 120 or pain.002 files and match their entries"),
    )
    importing.add_argument("files", nargs="+", type=path_argument, metavar="FILE")
    acting(importing)
    importing.set_defaults(run=run_import)
    unmatched = commands.add_parser("unmatched", help=tr("the entries left to reconcile"))
    unmatched.set_defaults(run=run_unmatched)


def run_import(args: argparse.Namespace) -> int:
    """Each file committed with those of the last second, the next ones read
    meanwhile (``import_run``): a refused file is named on stderr, the others are
    imported; exit 0 even when entries are left to reconcile, 1 when a file was
    refused."""
    from backoffice.cli.auth import acting_actor
    from backoffice.services.bank import import_run, importing

    database = open_database(args)
    actor = acting_actor(database, args)
    totals = {"read": 0, "new": 0, "matched": 0, "returned": 0, "left": 0}
    refused = 0
    reading = import_run.reading_for(database.is_postgresql, len(args.files))
    files = import_run.read_ahead(((path.name, path) for path in args.files), reading=reading)
    for name, result in import_run.import_each(database, actor, files):
        if isinstance(result, OSError):
            print_error(file_refused(result))
            refused += 1
        elif isinstance(result, importing.BankImportRefused):
            print_error(importing.file_result(name, result))
            refused += 1
        else:
            print(importing.file_result(name, result))
            for key in totals:
                totals[key] += getattr(result, key)
    print(
        tr(
            "Entries read: {read}, new: {new}, matched: {matched}, returned: {returned}, "
            "left to reconcile: {left}.",
            **totals,
        )
    )
    return EXIT_REFUSED if refused else 0


def run_unmatched(args: argparse.Namespace) -> int:
    from backoffice.dates import format_day
    from backoffice.money import format_eur
    from backoffice.services.actors import command_line_reader
    from backoffice.services.bank import queries

    database = open_database(args)
    with database.session() as session:
        rows = queries.unmatched(session, command_line_reader())
    header = (tr("Date"), tr("Amount"), tr("Counterparty"), tr("Remittance"), tr("File"))
    widths = (10, 14, 30, 40, 24)
    print("  ".join(title.ljust(width) for title, width in zip(header, widths, strict=True)))
    for row in rows:
        cells = (
            format_day(row.booked_on),
            format_eur(row.amount_cents).rjust(widths[1]),
            (row.counterparty_name or "")[: widths[2]],
            (row.remittance or row.creditor_reference or row.return_code or "")[: widths[3]],
            row.file_name[: widths[4]],
        )
        print("  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)))
    print(tr("{count} entries left to reconcile.", count=len(rows)))
    return 0
