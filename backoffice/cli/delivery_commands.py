"""Documents to members by e-mail or on paper, from a terminal (issue 17)::

    backoffice billing email --campaign 2027 [--delivery preference|email|post]
                             [--print FILE.pdf] --as compta
    backoffice billing email --invoice FA-2027-000042 --as compta
    backoffice billing remind [--min-days N] [--member CODE] [--delivery …]
                              [--letters FILE.pdf] --as compta
    backoffice convocations send --date D [--centre C] [--delivery …] [--out FILE.pdf]
                                 --as assistante

``--delivery preference`` (the default, but for one invoice: e-mail) follows each
member's choice (``members.documents_by``). E-mails are queued in the outbox (``backoffice
mail send`` or the application sends them); what leaves on paper goes to the PDF named.
A reminder or a convocation to print is recorded only with its file: without one, the
command refuses and nothing is recorded. Each message kept back (no address for its
purpose…) is listed with its reason; its document is printed instead.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from backoffice.cli.arguments import acting, day_argument, path_argument, quiet, year_argument
from backoffice.cli.common import open_database
from backoffice.cli.progress import progress
from backoffice.i18n import tr

DELIVERIES = ("preference", "email", "post")


def _delivery(parser: argparse.ArgumentParser, default_text: str) -> None:
    parser.add_argument(
        "--delivery",
        choices=DELIVERIES,
        help=tr(
            "preference: as each member prefers (e-mail or post); email: all by e-mail; "
            "post: all printed (default: {default})",
            default=default_text,
        ),
    )


def register_billing(commands: argparse._SubParsersAction) -> None:
    """``billing email`` and ``billing remind``."""
    email = commands.add_parser(
        "email", help=tr("e-mail invoices with their PDF: one, or a whole campaign")
    )
    which = email.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--campaign",
        type=year_argument,
        metavar="YEAR",
        help=tr("every invoice of the year's campaign"),
    )
    which.add_argument("--invoice", metavar="NUMBER", help=tr("one invoice, by its number"))
    _delivery(email, tr("preference; email for --invoice"))
    email.add_argument(
        "--print",
        dest="print_to",
        type=path_argument,
        metavar="FILE.pdf",
        help=tr("write the invoices that leave on paper into this PDF"),
    )
    acting(email)
    quiet(email)
    email.set_defaults(run=run_email)

    remind = commands.add_parser(
        "remind",
        help=tr("reminders for the overdue instalments: e-mailed with their letter or printed"),
    )
    remind.add_argument(
        "--min-days",
        type=int,
        default=1,
        metavar="N",
        help=tr("only instalments N days late or more (default 1)"),
    )
    remind.add_argument("--member", metavar="CODE", help=tr("only this member's instalments"))
    _delivery(remind, "preference")
    remind.add_argument(
        "--letters",
        type=path_argument,
        metavar="FILE.pdf",
        help=tr("PDF of the letters to print (needed when some leave on paper)"),
    )
    acting(remind)
    remind.set_defaults(run=run_remind)


def day_and_centre(parser: argparse.ArgumentParser) -> None:
    """The appointments a convocation command takes: one day's, of one centre or all."""
    parser.add_argument(
        "--date",
        required=True,
        type=day_argument,
        metavar="D",
        help=tr("day of the appointments (dd/mm/yyyy or yyyy-mm-dd)"),
    )
    parser.add_argument(
        "--centre", metavar="C", help=tr("only this visit centre (its code, e.g. MUL)")
    )


def register_convocations(actions: argparse._SubParsersAction) -> None:
    """``convocations send``."""
    send = actions.add_parser(
        "send",
        help=tr(
            "the convocations of a day's confirmed appointments: by e-mail with their "
            "letter, or printed, as each member prefers"
        ),
    )
    day_and_centre(send)
    _delivery(send, "preference")
    send.add_argument(
        "--out",
        type=path_argument,
        metavar="FILE.pdf",
        help=tr("PDF of the convocations to print (needed when some leave on paper)"),
    )
    acting(send)
    quiet(send)
    send.set_defaults(run=run_send_convocations)


def _say(what: str, emailed: int, printed: int, problems: Sequence[str], already: int = 0) -> None:
    print(
        tr(
            "{documents}: {emailed} queued in the outbox (backoffice mail send sends them), "
            "{printed} to print (by post).",
            documents=what,
            emailed=emailed,
            printed=printed,
        )
    )
    if already:
        print(tr("{count} already in the outbox: not queued again.", count=already))
    from backoffice.services.mail.documents import grouped_problems

    for problem in grouped_problems(problems):
        print(tr("Kept back, printed instead: {reason}", reason=problem))


def _refuse_unprinted(count: int, option: str) -> None:
    """A reminder or convocation recorded but neither sent nor printed would be lost."""
    from backoffice.services.errors import ServiceError

    raise ServiceError(
        tr(
            "{count} to print: give {option} FILE.pdf; nothing was recorded.",
            count=count,
            option=option,
        )
    )


def run_email(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from backoffice.cli.auth import acting_actor
    from backoffice.cli.outputs import check_output_file, removed_on_error
    from backoffice.models import Invoice
    from backoffice.services.billing import documents, emailing
    from backoffice.services.errors import NotFound
    from backoffice.services.mail.documents import Delivery

    out = check_output_file(args.print_to, (".pdf",)) if args.print_to else None
    default = Delivery.EMAIL if args.invoice else Delivery.PREFERENCE
    delivery = Delivery(args.delivery) if args.delivery else default
    database = open_database(args)
    actor = acting_actor(database, args)
    with removed_on_error() as written, database.transaction() as session:
        if args.invoice:
            number = args.invoice.strip()
            invoice_id = session.scalar(select(Invoice.id).where(Invoice.number == number))
            if invoice_id is None:
                raise NotFound(tr("There is no invoice numbered {number}.", number=number))
            outcome = emailing.email_invoices(session, actor, [invoice_id], delivery)
        else:
            outcome = emailing.email_campaign(
                session, actor, args.campaign, delivery, progress(args)
            )
        if outcome.to_print and out is not None:
            written.append(out)
            documents.write_invoice_pdfs(session, actor, list(outcome.to_print), out, one_file=True)
    _say(
        tr("Invoices"),
        len(outcome.queued),
        len(outcome.to_print),
        outcome.problems,
        len(outcome.already),
    )
    if outcome.to_print:
        print(
            tr("The invoices to print are in {path}.", path=out)
            if out is not None
            else tr("Give --print FILE.pdf to have the invoices to print in one PDF.")
        )
    return 0


def run_remind(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.cli.outputs import check_output_file, removed_on_error
    from backoffice.private_files import write_whole
    from backoffice.services.accounts.lookup import member_by_code
    from backoffice.services.billing import reminders
    from backoffice.services.errors import ValidationFailed
    from backoffice.services.mail.documents import Delivery

    letters = check_output_file(args.letters, (".pdf",)) if args.letters else None
    delivery = Delivery(args.delivery or Delivery.PREFERENCE)
    database = open_database(args)
    actor = acting_actor(database, args)
    with removed_on_error() as written, database.transaction() as session:
        member_id = member_by_code(session, args.member).id if args.member else None
        ids = [
            row.instalment_id
            for row in reminders.overdue_instalments(session, actor)
            if row.days_late >= args.min_days and member_id in (None, row.member_id)
        ]
        if not ids:
            raise ValidationFailed.single(
                "instalments", tr("No overdue instalment matches: no reminder to send.")
            )
        batch = reminders.send_reminders(session, actor, ids, delivery)
        if batch.pdf:
            if letters is None:
                _refuse_unprinted(batch.letters, "--letters")
            written.append(letters)
            write_whole(letters, batch.pdf, private=True)
    _say(tr("Reminders"), batch.emailed, batch.letters, batch.problems)
    if batch.pdf:
        print(tr("The letters to print are in {path}.", path=letters))
    return 0


def run_send_convocations(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.cli.outputs import check_output_file, removed_on_error
    from backoffice.private_files import write_whole
    from backoffice.services.appointments.centres import centre_id_by_code
    from backoffice.services.appointments.convocations import (
        ConvocationSelection,
        deliver_convocations,
    )
    from backoffice.services.mail.documents import Delivery

    out: Path | None = check_output_file(args.out, (".pdf",)) if args.out else None
    delivery = Delivery(args.delivery or Delivery.PREFERENCE)
    database = open_database(args)
    actor = acting_actor(database, args)
    with removed_on_error() as written, database.transaction() as session:
        centre_id = centre_id_by_code(session, args.centre) if args.centre else None
        delivered = deliver_convocations(
            session,
            actor,
            ConvocationSelection(day=args.date, centre_id=centre_id),
            delivery,
            progress(args),
        )
        if delivered.pdf:
            if out is None:
                _refuse_unprinted(len(delivered.printed), "--out")
            written.append(out)
            write_whole(out, delivered.pdf, private=True)
    _say(tr("Convocations"), len(delivered.emailed), len(delivered.printed), delivered.problems)
    if delivered.pdf:
        print(tr("The convocations to print are in {path}.", path=out))
    return 0
