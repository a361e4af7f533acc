"""``backoffice einvoice export (--invoice NUMBER | --year Y) --out PATH [--as LOGIN]``,
``backoffice einvoice statuses FILE --as LOGIN``, ``backoffice einvoice deposit --as LOGIN``
and ``backoffice einvoice collections --as LOGIN``."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import (
    EXIT_REFUSED,
    acting,
    path_argument,
    print_error,
    quiet,
    year_argument,
)
from backoffice.cli.common import open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    einvoice = subparsers.add_parser(
        "einvoice", help=tr("electronic invoices (Factur-X) and the approved platform")
    )
    commands = einvoice.add_subparsers(dest="einvoice_command", metavar="ACTION", required=True)
    export = commands.add_parser(
        "export",
        help=tr("write Factur-X PDFs: one invoice into a file, or a year's into a folder"),
    )
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--invoice", metavar="NUMBER", help=tr("one invoice or credit note"))
    which.add_argument(
        "--year",
        type=year_argument,
        metavar="Y",
        help=tr("the invoices of a year and their credit notes"),
    )
    export.add_argument("--out", required=True, metavar="PATH", type=path_argument)
    export.add_argument(
        "--as",
        dest="as_login",
        metavar="LOGIN",
        help=tr("the staff member acting (asked for their password); without it, read-only"),
    )
    quiet(export)
    export.set_defaults(run=run_export)
    statuses = commands.add_parser(
        "statuses", help=tr("record a status file of the platform (CSV or JSON, CDV 200–213)")
    )
    statuses.add_argument("file", metavar="FILE", type=path_argument)
    acting(statuses)
    statuses.set_defaults(run=run_statuses)
    deposit = commands.add_parser(
        "deposit",
        help=tr("write the Factur-X of the documents not deposited yet to the platform's outbox"),
    )
    acting(deposit)
    quiet(deposit)
    deposit.set_defaults(run=run_deposit)
    collections = commands.add_parser(
        "collections",
        help=tr("report the payments recorded on deposited invoices (status 212) to the platform"),
    )
    acting(collections)
    collections.set_defaults(run=run_collections)


def _actor(database, args: argparse.Namespace):
    from backoffice.cli.auth import acting_actor
    from backoffice.services.actors import command_line_reader

    if getattr(args, "as_login", None) is None:
        return command_line_reader()
    return acting_actor(database, args)


def run_export(args: argparse.Namespace) -> int:
    from backoffice.cli.outputs import check_output_file, check_output_folder
    from backoffice.cli.progress import progress
    from backoffice.services.einvoicing import facturx

    if args.invoice is not None:
        out = check_output_file(args.out, (".pdf",))
    else:
        out = check_output_folder(args.out)
    database = open_database(args)
    actor = _actor(database, args)
    with database.session() as session:
        if args.invoice is not None:
            return _export_one(session, actor, args.invoice, out)
        invoice_ids = facturx.invoice_ids_of_year(session, args.year)
        note_ids = facturx.credit_note_ids_of_year(session, args.year)
        if not invoice_ids:
            print_error(tr("There is no invoice of {year}.", year=args.year))
            return EXIT_REFUSED
        outcome = facturx.export_folder(
            session, actor, invoice_ids, out, credit_note_ids=note_ids, progress=progress(args)
        )
    for _number, reason in outcome.refused:
        print_error(reason)
    print(
        tr(
            "{passed} Factur-X passed validation and were written to {folder}; {refused} refused.",
            passed=outcome.passed,
            folder=out,
            refused=len(outcome.refused),
        )
    )
    return EXIT_REFUSED if outcome.refused else 0


def _export_one(session, actor, number: str, out) -> int:
    from sqlalchemy import select

    from backoffice.models import CreditNote, Invoice
    from backoffice.services.einvoicing import facturx

    invoice_id = session.scalar(select(Invoice.id).where(Invoice.number == number))
    if invoice_id is not None:
        made = facturx.invoice_facturx(session, actor, invoice_id)
    else:
        note_id = session.scalar(select(CreditNote.id).where(CreditNote.number == number))
        if note_id is None:
            print_error(tr("There is no invoice nor credit note numbered {number}.", number=number))
            return EXIT_REFUSED
        made = facturx.credit_note_facturx(session, actor, note_id)
    facturx.write_whole(out, made.content)
    print(tr("1 Factur-X passed validation and was written to {file}.", file=out))
    return 0


def run_statuses(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.einvoicing import platform

    try:
        content = args.file.read_bytes()
    except OSError as error:
        print_error(tr("Cannot read {file}: {error}", file=args.file, error=error.strerror))
        return EXIT_REFUSED
    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        outcome = platform.record_statuses(session, actor, args.file.name, content)
    print(
        tr(
            "{recorded} statuses recorded, {already} already known; {tasks} rejections to handle.",
            recorded=outcome.recorded,
            already=outcome.already,
            tasks=len(outcome.tasks),
        )
    )
    for number in outcome.tasks:
        print(tr("Rejected or refused: {number}", number=number))
    return 0


def run_deposit(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.cli.progress import progress
    from backoffice.services.einvoicing import platform, queries

    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        rows = [row for row in queries.waiting(session, actor) if row.einvoice_id is None]
        rows += queries.rejected(session, actor)
        outcome = platform.deposit(
            session,
            actor,
            [row.invoice_id for row in rows if row.invoice_id],
            [row.credit_note_id for row in rows if row.credit_note_id],
            progress=progress(args),
        )
    for _number, reason in outcome.refused:
        print_error(reason)
    for number, reason in outcome.held:
        print(tr("Held back: {number} ({reason})", number=number, reason=reason))
    print(
        tr(
            "{deposited} deposited, {held} held back, {refused} refused.",
            deposited=len(outcome.deposited),
            held=len(outcome.held),
            refused=len(outcome.refused),
        )
    )
    return EXIT_REFUSED if outcome.refused else 0


def run_collections(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.reports.billing.formats import eur
    from backoffice.services.einvoicing import platform

    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        report = platform.report_collections(session, actor)
    if report.file is None:
        print(tr("No payment to report."))
    else:
        print(
            tr(
                "{count} payments ({amount}) reported in {file}.",
                count=report.count,
                amount=eur(report.amount_cents),
                file=report.file,
            )
        )
    return 0
