"""``backoffice sepa export|prenotify|lapse``: direct debits from the command line.

backoffice sepa export --date 2027-03-15 --out prelevements.xml --as compta
backoffice sepa prenotify --date 2027-03-15 --letters avis.pdf --emails avis/ --as compta
backoffice sepa lapse --as compta
"""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from backoffice.cli.common import open_database, print_progress
from backoffice.i18n import tr

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from backoffice.services.permissions import Actor
    from backoffice.services.progress import Progress
    from backoffice.services.sepa.prenotifications import PrenotificationBatch
    from backoffice.services.sepa.selection import CollectionReview


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            tr("{value} is not a date in the form YYYY-MM-DD.", value=text)
        ) from error


def register(subparsers: argparse._SubParsersAction) -> None:
    sepa = subparsers.add_parser("sepa", help=tr("SEPA direct debits"))
    commands = sepa.add_subparsers(dest="sepa_command", metavar="ACTION", required=True)

    export = commands.add_parser(
        "export", help=tr("write the pain.008 file of the collection of a date")
    )
    _common(export)
    export.add_argument("--out", required=True, metavar="FILE.xml", help=tr("file to write"))
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
    prenotify.add_argument("--letters", metavar="FILE.pdf", help=tr("PDF of the letters"))
    prenotify.add_argument(
        "--emails", metavar="FOLDER", help=tr("folder for the emails (.eml files)")
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
    lapse.add_argument("--as", dest="as_login", required=True, metavar="LOGIN")
    lapse.set_defaults(run=run_lapse)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date", required=True, type=iso_date, metavar="YYYY-MM-DD", help=tr("collection date")
    )
    parser.add_argument(
        "--as",
        dest="as_login",
        required=True,
        metavar="LOGIN",
        help=tr("staff member on whose behalf the command acts"),
    )
    parser.add_argument("--quiet", action="store_true", help=tr("no progress output"))


def _progress(args: argparse.Namespace) -> Progress:
    from backoffice.services.progress import Progress

    if args.quiet:
        return Progress()
    return Progress(lambda done, total, message: print_progress(done / max(total, 1), message))


def print_review(review: CollectionReview, details: int = 20) -> None:
    """The count, the total, the anomalies by kind, then the lines concerned."""
    from backoffice.money import format_eur
    from backoffice.services.sepa.selection import anomaly_label

    print(
        tr(
            "Collection of {day} ({schema}): {count} debits for {members} members, {total}.",
            day=review.collection_date.strftime("%d/%m/%Y"),
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


def _writable_target(path: Path) -> Path:
    from backoffice.services.errors import ServiceError

    folder = path.resolve().parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ServiceError(
            tr("The folder {folder} does not exist or is not writable.", folder=folder)
        )
    return folder / f".{path.name}.partial"


def run_export(args: argparse.Namespace) -> int:
    from backoffice.money import format_eur
    from backoffice.private_files import write_whole
    from backoffice.services.actors import actor_for_login
    from backoffice.services.sepa import collections, selection

    database = open_database(args)
    out = Path(args.out)
    partial = _writable_target(out)
    with database.session() as session:
        actor = actor_for_login(session, args.as_login)
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
                progress=_progress(args),
            )
            write_whole(partial, outcome.xml)
    except BaseException:
        partial.unlink(missing_ok=True)  # not committed: nothing was debited
        raise
    # Committed: should the renaming fail or the process die first, the partial file stays
    # for the next run, which finishes it from the database.
    os.replace(partial, out)
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
    from backoffice.private_files import write_whole
    from backoffice.services.actors import actor_for_login
    from backoffice.services.sepa import prenotifications

    database = open_database(args)
    emails_folder = Path(args.emails) if args.emails else None
    if emails_folder is not None:
        emails_folder.mkdir(parents=True, exist_ok=True)
    with database.transaction() as session:
        actor = actor_for_login(session, args.as_login)
        batch = prenotifications.prenotify(
            session,
            actor,
            args.date,
            channel=prenotifications.Channel(args.channel),
            short_notice=args.short_notice,
            progress=_progress(args),
        )
        _refuse_lost_notices(batch, args.letters, emails_folder)
        if batch.letters:
            write_whole(Path(args.letters), prenotifications.letters_pdf(session, batch.letters))
        for name, content in prenotifications.email_files(session, batch.emails):
            write_whole(emails_folder / name, content)  # type: ignore[operator]
    print(
        tr(
            "{count} members pre-notified for {day}: {letters} letters, {emails} emails; "
            "{already} already notified, {skipped} left out.",
            count=len(batch.notices),
            day=args.date.strftime("%d/%m/%Y"),
            letters=len(batch.letters),
            emails=len(batch.emails),
            already=batch.already_notified,
            skipped=len(batch.skipped),
        )
    )
    for item in batch.skipped:
        print(f"  {item.member_code} {item.member_name}: {item.reason}")
    return 0


def _refuse_lost_notices(
    batch: PrenotificationBatch, letters: str | None, emails: Path | None
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
    from backoffice.services.actors import actor_for_login
    from backoffice.services.sepa import mandates

    database = open_database(args)
    with database.transaction() as session:
        actor = actor_for_login(session, args.as_login)
        lapsed = mandates.lapse_mandates(session, actor)
    print(tr("{count} mandates marked lapsed.", count=len(lapsed)))
    for mandate in lapsed:
        print(f"  {mandate.rum}")
    return 0
