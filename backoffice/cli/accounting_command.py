"""``backoffice accounting fec|journal|aged-balance|vat|close|catch-up``: the books for the
accountant and the tax authorities."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from backoffice.cli.arguments import acting, day_argument, path_argument, quiet, year_argument
from backoffice.cli.common import open_database
from backoffice.cli.outputs import check_output_file, check_output_folder
from backoffice.cli.progress import progress
from backoffice.i18n import ntr, tr

if TYPE_CHECKING:
    from backoffice.db import Database
    from backoffice.services.permissions import Actor


def register(subparsers: argparse._SubParsersAction) -> None:
    accounting = subparsers.add_parser(
        "accounting", help=tr("the books: FEC, journal exports, aged balance, VAT on receipts")
    )
    commands = accounting.add_subparsers(dest="accounting_command", metavar="WHAT", required=True)
    fec = commands.add_parser(
        "fec", help=tr("the FEC of a fiscal year (its closed months), for the tax authorities")
    )
    fec.add_argument("--year", type=year_argument, required=True, metavar="Y")
    fec.add_argument("--out", type=path_argument, required=True, metavar="DIR")
    quiet(fec)
    fec.set_defaults(run=run_fec)
    journal = commands.add_parser(
        "journal",
        help=tr("the validated entries of a period not exported yet, for the accounting software"),
    )
    journal.add_argument("--from", dest="start", type=day_argument, required=True, metavar="D")
    journal.add_argument("--to", dest="end", type=day_argument, required=True, metavar="D")
    journal.add_argument("--out", type=path_argument, required=True, metavar="FILE.xlsx|FILE.csv")
    journal.add_argument(
        "--again", action="store_true", help=tr("every entry of the period, exported or not")
    )
    acting(journal)
    journal.set_defaults(run=run_journal)
    aged = commands.add_parser("aged-balance", help=tr("what each member owes at a date, by age"))
    aged.add_argument("--date", type=day_argument, metavar="D", help=tr("default: today"))
    aged.add_argument("--out", type=path_argument, required=True, metavar="FILE.xlsx")
    aged.set_defaults(run=run_aged_balance)
    vat = commands.add_parser("vat", help=tr("the VAT on receipts of a fiscal year, by month"))
    vat.add_argument("--year", type=year_argument, required=True, metavar="Y")
    vat.add_argument("--out", type=path_argument, metavar="FILE.xlsx")
    vat.set_defaults(run=run_vat)
    close = commands.add_parser(
        "close", help=tr("close the books through the end of a month (numbers the entries)")
    )
    close.add_argument("--through", type=day_argument, required=True, metavar="D")
    acting(close)
    close.set_defaults(run=run_close)
    catch_up = commands.add_parser(
        "catch-up", help=tr("post the entries of events recorded before the books existed")
    )
    acting(catch_up)
    catch_up.set_defaults(run=run_catch_up)


def _reader() -> Actor:
    from backoffice.services.actors import command_line_reader

    return command_line_reader()


def _actor(database: Database, args: argparse.Namespace) -> Actor:
    from backoffice.cli.auth import acting_actor

    return acting_actor(database, args)


def run_fec(args: argparse.Namespace) -> int:
    from backoffice.money import format_eur
    from backoffice.services.accounting import fec

    out = check_output_folder(args.out)
    database = open_database(args)
    with database.session() as session:
        outcome = fec.export_fec(session, _reader(), args.year, out, progress(args))
    print(outcome.path)
    print(
        tr(
            "{entries} entries, {lines} lines; debit {debit}, credit {credit}.",
            entries=outcome.entries,
            lines=outcome.lines,
            debit=format_eur(outcome.debit_cents),
            credit=format_eur(outcome.credit_cents),
        )
    )
    for journal, (entries, debit) in sorted(outcome.journals.items()):
        print(
            tr(
                "  {journal}: {entries} entries, {debit}",
                journal=journal,
                entries=entries,
                debit=format_eur(debit),
            )
        )
    print(fec.coverage_note(outcome))
    return 0


def run_journal(args: argparse.Namespace) -> int:
    from backoffice.money import format_eur
    from backoffice.services.accounting import journal_export

    out = check_output_file(args.out, (".xlsx", ".csv"))
    database = open_database(args)
    actor = _actor(database, args)
    with database.transaction() as session:
        outcome = journal_export.export_journal(
            session, actor, args.start, args.end, out, again=args.again
        )
    print(
        tr(
            "{path}: {entries} entries, {lines} lines, debit {debit}, credit {credit}.",
            path=outcome.path,
            entries=outcome.entries,
            lines=outcome.lines,
            debit=format_eur(outcome.debit_cents),
            credit=format_eur(outcome.credit_cents),
        )
    )
    if outcome.not_yet_closed:
        print(
            tr(
                "{count} entries of the period are in months not closed yet: they will go "
                "in a later export.",
                count=outcome.not_yet_closed,
            )
        )
    return 0


def run_aged_balance(args: argparse.Namespace) -> int:
    from backoffice.dates import format_day
    from backoffice.money import format_eur
    from backoffice.services.accounting import aged_balance

    out = check_output_file(args.out, (".xlsx",))
    database = open_database(args)
    with database.session() as session:
        balance = aged_balance.export_aged_balance(session, _reader(), args.date, out)
    print(
        ntr(
            "{path}: {count} member owes {total} on {day}, of which {overdue} overdue.",
            "{path}: {count} members owe {total} on {day}, of which {overdue} overdue.",
            len(balance.rows),
            path=out,
            total=format_eur(balance.total_cents),
            day=format_day(balance.on),
            overdue=format_eur(balance.total_cents - balance.totals["not_due"]),
        )
    )
    if balance.reconciliation_cents is not None:
        print(
            tr(
                "Open instalments: {open} (difference {difference}).",
                open=format_eur(balance.reconciliation_cents),
                difference=format_eur(balance.reconciliation_cents - balance.total_cents),
            )
        )
    return 0


def run_vat(args: argparse.Namespace) -> int:
    from backoffice.money import format_eur, format_rate
    from backoffice.services.accounting import vat_receipts

    out = check_output_file(args.out, (".xlsx",)) if args.out is not None else None
    database = open_database(args)
    with database.session() as session:
        if out is not None:
            report = vat_receipts.export_vat(session, _reader(), args.year, out)
        else:
            report = vat_receipts.vat_on_receipts(session, _reader(), args.year)
    for month in report.months:
        rates = ", ".join(
            tr(
                "{rate}: base {base}, VAT {vat}",
                rate=format_rate(rate.rate_bp),
                base=format_eur(rate.base_cents),
                vat=format_eur(rate.vat_cents),
            )
            for rate in month.rates
        )
        print(
            f"{month.month:%m/%Y}  {format_eur(month.receipts_cents):>16}  "
            f"{format_eur(month.vat_cents):>14}  {rates}"
        )
    print(
        tr(
            "Receipts {receipts}, VAT due {vat}; VAT collected in the journal {journal}.",
            receipts=format_eur(report.total("receipts_cents")),
            vat=format_eur(report.total("vat_cents")),
            journal=format_eur(report.total("journal_vat_cents")),
        )
    )
    return 0


def run_close(args: argparse.Namespace) -> int:
    from backoffice.dates import format_day
    from backoffice.services.accounting import closing

    database = open_database(args)
    actor = _actor(database, args)
    with database.transaction() as session:
        outcome = closing.close_through(session, actor, args.through)
    print(
        tr(
            "Books closed through {day}: {count} entries numbered.",
            day=format_day(outcome.through_day),
            count=outcome.entry_count,
        )
    )
    for series, (first, last) in sorted(outcome.numbers.items()):
        print(f"  {series}: {first:06d} – {last:06d}")
    return 0


def run_catch_up(args: argparse.Namespace) -> int:
    from backoffice.services.accounting import history

    database = open_database(args)
    actor = _actor(database, args)
    with database.transaction() as session:
        outcome = history.catch_up(session, actor, progress(args))
    print(tr("{count} entries posted.", count=outcome.posted))
    return 0
