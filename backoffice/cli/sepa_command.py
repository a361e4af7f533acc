"""``backoffice sepa export|prenotify|lapse``: direct debits from the command line.

backoffice sepa export --date 2027-03-15 --out prelevements.xml --as compta
backoffice sepa prenotify --date 2027-03-15 --letters avis.pdf --emails avis/ --as compta
backoffice sepa lapse --as compta
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from backoffice.cli.arguments import acting, day_argument, path_argument, quiet
from backoffice.cli.common import open_database
from backoffice.cli.progress import progress
from backoffice.dates import format_day
from backoffice.i18n import tr

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from backoffice.services.permissions import Actor
    from backoffice.services.sepa.prenotifications import PrenotificationBatch
    from backoffice.services.sepa.selection import CollectionReview


def register(subparsers: argparse._SubParsersAction) -> None:
    sepa = subparsers.add_parser("sepa", help=tr("SEPA direct debits"))
    commands = sepa.add_subparsers(dest="sepa_command", metavar="ACTION", required=True)

    export = commands.add_parser(
        "export", help=tr("write the pain.008 file of the collection of a date")
    )
    _common(export)
    export.add_argument(
        "--out", required=True, type=path_argument, metavar="FILE.xml", help=tr("file to write")
    )
    export.add_argument(
        "--resend",
        action="store_true",
        help=tr("also take instalments already in an earlier file (explicit choice)"),
    )
    export.add_argument(
        "--ignore-notice",
        action="store_true",
        help=tr("also take instalments not pre-notified in time (explicit choice)"),
    )
    export.add_argument(
        "--dry-run", action="store_true", help=tr("show the review only, write nothing")
    )
    export.set_defaults(run=run_export)

    prenotify = commands.add_parser(
        "prenotify", help=tr("pre-notify the members of the collection of a date")
    )
    _common(prenotify)
    prenotify.add_argument(
        "--letters", type=path_argument, metavar="FILE.pdf", help=tr("PDF of the letters")
    )
    prenotify.add_argument(
        "--emails",
        type=path_argument,
        metavar="FOLDER",
        help=tr("folder for the emails (.eml files)"),
    )
    prenotify.add_argument(
        "--channel",
        choices=["auto", "letter", "email"],
        default="auto",
        help=tr("email when the member has an address (auto, the default), or all by letter"),
    )
    prenotify.add_argument(
        "--short-notice",
        action="store_true",
        help=tr("accept a notice shorter than the setting (agreed with the members)"),
    )
    prenotify.set_defaults(run=run_prenotify)

    lapse = commands.add_parser("lapse", help=tr("mark lapsed the mandates unused for 36 months"))
    acting(lapse)
    lapse.set_defaults(run=run_lapse)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date",
        required=True,
        type=day_argument,
        metavar="D",
        help=tr("collection date (dd/mm/yyyy or yyyy-mm-dd)"),
    )
    acting(parser)
    quiet(parser)


def print_review(review: CollectionReview, details: int = 20) -> None:
    """The count, the total, the anomalies by kind, then the lines concerned."""
    from backoffice.money import format_eur
    from backoffice.services.sepa.selection import anomaly_label

    print(
        tr(
            "Collection of {day} ({schema}): {count} debits for {members} members, {total}.",
            day=format_day(review.collection_date),
            schema=review.schema,
            count=review.count,
            members=review.member_count,
            total=format_eur(review.total_cents),
        )
    )
    if review.excluded_count:
        print(tr("{count} instalments left out for their anomalies.", count=review.excluded_count))
    for kind, count in sorted(review.anomaly_counts.items()):
        print(f"  {anomaly_label(kind)}: {count}")
    shown = [(line, anomaly) for line in review.lines for anomaly in line.anomalies]
    for line, anomaly in shown[:details]:
        status = tr("left out") if anomaly.blocking else tr("note")
        print(
            f"  [{status}] {line.member_code} {line.member_name} – "
            f"{line.invoice_number}/{line.position}: {anomaly.message}"
        )
    if len(shown) > details:
        print(
            tr(
                "  … and {count} more (see the review in the application).",
                count=len(shown) - details,
            )
        )


def run_export(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.cli.outputs import check_output_file
    from backoffice.money import format_eur
    from backoffice.private_files import write_whole
    from backoffice.services.sepa import collections, selection

    out = check_output_file(args.out, (".xml",))
    partial = out.resolve().parent / f".{out.name}.partial"
    database = open_database(args)
    actor = acting_actor(database, args)
    with database.session() as session:
        if partial.exists() and _finish_interrupted(session, actor, out, partial):
            return 0
        review = selection.review_collection(
            session,
            actor,
            args.date,
            resend=args.resend,
            late_notice=args.ignore_notice,
        )
        print_review(review)
    if args.dry_run:
        return 0
    try:
        # The file is written (owner-only) before the commit and renamed after it: a
        # failed export leaves no file, and a committed one always has its file.
        with database.transaction() as session:
            outcome = collections.export_collection(
                session,
                actor,
                args.date,
                resend=args.resend,
                late_notice=args.ignore_notice,
                file_name=out.name,
                progress=progress(args),
            )
            write_whole(partial, outcome.xml)
    except BaseException:
        partial.unlink(missing_ok=True)  # not committed: nothing was debited
        raise
    # Committed: should the renaming fail or the process die first, the partial file stays
    # for the next run, which finishes it from the database.
    try:
        os.replace(partial, out)
    except OSError as error:
        from backoffice.services.errors import ServiceError

        raise ServiceError(
            tr(
                "The debits are recorded (file n° {number}) but {path} could not be written "
                "({reason}): run the same command again, it writes the file from the database.",
                number=outcome.collection_id,
                path=out,
                reason=error.strerror or error,
            )
        ) from error
    print(
        tr(
            "{path}: {count} debits, {total}, message {message_id} ({schema}), validated "
            "against the official schema.",
            path=out,
            count=outcome.count,
            total=format_eur(outcome.total_cents),
            message_id=outcome.message_id,
            schema=outcome.schema,
        )
    )
    return 0


def _finish_interrupted(session: Session, actor: Actor, out: Path, partial: Path) -> bool:
    """A partial file left by an earlier export. Committed, its file is written again
    from the database (never lost with the partial): True. Not committed, it is dropped
    and the export goes on: False."""
    from backoffice.private_files import write_whole
    from backoffice.services.sepa import queries

    collection_id = queries.committed_file(session, actor, out.name, partial.read_bytes())
    if collection_id is None:
        partial.unlink()
        return False
    _name, xml = queries.collection_file(session, actor, collection_id)
    write_whole(out, xml)
    partial.unlink()
    print(
        tr(
            "The export of file n° {number} was interrupted after it was saved: {path} was "
            "written again from the database. Run the command again for any other debit.",
            number=collection_id,
            path=out,
        )
    )
    return True


def run_prenotify(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.cli.outputs import (
        check_output_file,
        check_output_folder,
        make_folder,
        removed_on_error,
    )
    from backoffice.private_files import write_whole
    from backoffice.services.sepa import prenotifications

    letters = check_output_file(args.letters, (".pdf",)) if args.letters else None
    emails_folder = check_output_folder(args.emails) if args.emails else None
    database = open_database(args)
    actor = acting_actor(database, args)
    with removed_on_error() as written, database.transaction() as session:
        batch = prenotifications.prenotify(
            session,
            actor,
            args.date,
            channel=prenotifications.Channel(args.channel),
            short_notice=args.short_notice,
            progress=progress(args),
        )
        _refuse_lost_notices(batch, letters, emails_folder)
        # Inside the transaction: a file that cannot be written records no notice.
        if batch.letters and letters is not None:
            pdf = prenotifications.letters_pdf(session, batch.letters)
            written.append(letters)
            write_whole(letters, pdf, private=True)
        if batch.emails and emails_folder is not None:
            make_folder(emails_folder, written)
            for name, content in prenotifications.email_files(session, batch.emails):
                written.append(emails_folder / name)
                write_whole(emails_folder / name, content, private=True)
    # Every notice counted once, by the way it leaves: letter, outbox, or .eml file.
    print(
        tr(
            "{count} members pre-notified for {day}: {letters} letters, {queued} emails in "
            "the outbox, {files} email files; {already} already notified, {skipped} left out.",
            count=len(batch.notices),
            day=format_day(args.date),
            letters=len(batch.letters),
            queued=len(batch.queued),
            files=len(batch.emails),
            already=batch.already_notified,
            skipped=len(batch.skipped),
        )
    )
    if batch.queued:
        print(tr("backoffice mail send sends the emails of the outbox."))
    for item in batch.skipped:
        print(f"  {item.member_code} {item.member_name}: {item.reason}")
    return 0


def _refuse_lost_notices(
    batch: PrenotificationBatch, letters: Path | None, emails: Path | None
) -> None:
    """A notice recorded but never printed nor sent would let the export debit unannounced."""
    from backoffice.services.errors import ServiceError

    if batch.letters and not letters:
        raise ServiceError(
            tr(
                "{count} letters to print: give --letters FILE.pdf; nothing was recorded.",
                count=len(batch.letters),
            )
        )
    if batch.emails and emails is None:
        raise ServiceError(
            tr(
                "{count} emails to send: give --emails FOLDER; nothing was recorded.",
                count=len(batch.emails),
            )
        )


def run_lapse(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.sepa import mandates

    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        lapsed = mandates.lapse_mandates(session, actor)
    print(tr("{count} mandates marked lapsed.", count=len(lapsed)))
    for mandate in lapsed:
        print(f"  {mandate.rum}")
    return 0
