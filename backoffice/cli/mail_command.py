"""``backoffice mail send|status|configure|test``: the outbox from a terminal (a scheduled
job sends the queue with ``mail send``)."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import EXIT_REFUSED, acting, count_argument, print_error
from backoffice.cli.common import open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    mail = subparsers.add_parser("mail", help=tr("the outbox: e-mails to the members"))
    commands = mail.add_subparsers(dest="mail_command", metavar="ACTION", required=True)

    send = commands.add_parser(
        "send", help=tr("send the queued messages that are due (scheduled job)")
    )
    send.add_argument(
        "--limit", type=count_argument, metavar="N", help=tr("send at most N messages")
    )
    acting(send, required=False)
    send.set_defaults(run=run_send)

    status = commands.add_parser("status", help=tr("count the outbox's messages by status"))
    status.set_defaults(run=run_status)

    configure = commands.add_parser(
        "configure",
        help=tr("set the SMTP server (the password is read from the system keyring only)"),
    )
    configure.add_argument("--host", required=True)
    configure.add_argument("--port", type=int, required=True)
    configure.add_argument("--security", required=True, choices=["starttls", "tls", "none"])
    configure.add_argument("--user", default="", help=tr("login on the server (none: no login)"))
    configure.add_argument("--sender", required=True, metavar="ADDRESS")
    configure.add_argument("--sender-name", default="", metavar="NAME")
    configure.add_argument("--reply-to", default="", metavar="ADDRESS")
    configure.add_argument("--per-minute", type=count_argument, default=60, metavar="N")
    acting(configure)
    configure.set_defaults(run=run_configure)

    trial = commands.add_parser("test", help=tr("send a test message through the settings"))
    trial.add_argument("--to", required=True, metavar="ADDRESS")
    acting(trial)
    trial.set_defaults(run=run_test)


def run_send(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.mail.sender import send_queued

    database = open_database(args)
    actor = acting_actor(database, args)
    report = send_queued(database, actor, limit=args.limit)
    print(
        tr(
            "{sent} sent, {retried} put off until later, {failed} failed.",
            sent=report.sent,
            retried=report.retried,
            failed=report.failed,
        )
    )
    if report.uncertain:
        print(
            tr(
                "{count} interrupted while sending: uncertain, to check on the outbox screen.",
                count=report.uncertain,
            )
        )
    if report.stopped:
        print_error(tr("Stopped: {reason}", reason=report.stopped))
        return EXIT_REFUSED
    return 0


def run_status(args: argparse.Namespace) -> int:
    from backoffice.services.mail.labels import status_label
    from backoffice.services.mail.outbox import counts

    database = open_database(args)
    with database.session() as session:
        found = counts(session)
    width = max(len(status_label(status)) for status in found)
    for status, count in found.items():
        print(f"{status_label(status):<{width}}  {count:>7}")
    return 0


def run_configure(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.mail import settings as smtp

    value = smtp.SmtpSettings(
        host=args.host,
        port=args.port,
        security=smtp.Security(args.security),
        user=args.user,
        sender_name=args.sender_name,
        sender_address=args.sender,
        reply_to=args.reply_to,
        per_minute=args.per_minute,
    )
    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        saved = smtp.save(session, actor, value)
    print(
        tr(
            "Mail server set: {host}:{port} ({security}).",
            host=saved.host,
            port=saved.port,
            security=saved.security.value,
        )
    )
    if saved.user and not saved.password():
        print(
            tr(
                "The password is not in the keyring yet: keyring set backoffice {key}",
                key=saved.keyring_user,
            )
        )
    return 0


def run_test(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.mail import settings as smtp
    from backoffice.services.mail.trial import send_trial

    database = open_database(args)
    actor = acting_actor(database, args)
    with database.session() as session:
        print(send_trial(session, actor, smtp.load(session), args.to))
    return 0
