"""``backoffice accounts unblock|reset MEMBER_CODE --as LOGIN``: portal accounts from a
terminal, as the staff member named by ``--as``, with the same rules and audit trail."""

from __future__ import annotations

import argparse
from pathlib import Path

from backoffice.cli.arguments import acting, path_argument
from backoffice.cli.common import open_database
from backoffice.dates import format_day
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    accounts = subparsers.add_parser("accounts", help=tr("members' portal accounts"))
    commands = accounts.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)
    unblock = commands.add_parser(
        "unblock", help=tr("unblock a portal account locked after failed logins")
    )
    _common_arguments(unblock)
    unblock.add_argument("--note", default=None, help=tr("why (kept in the history)"))
    unblock.set_defaults(run=run_unblock)
    reset = commands.add_parser(
        "reset",
        help=tr(
            "send a new temporary password by letter (the first access of a member without one)"
        ),
    )
    _common_arguments(reset)
    reset.add_argument(
        "--letter",
        required=True,
        type=path_argument,
        metavar="FILE.pdf",
        help=tr("where to write the access letter to print (it holds the password)"),
    )
    reset.set_defaults(run=run_reset)


def _common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "member_code", metavar="MEMBER_CODE", help=tr("member code (or an accounting firm's code)")
    )
    acting(parser)


def run_unblock(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.accounts.unblock import unblock_member

    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        done = unblock_member(session, actor, args.member_code, note=args.note)
    print(
        tr(
            "Portal account {login} ({holder}) unblocked; {count} failed attempts cleared.",
            login=done.login,
            holder=done.holder,
            count=done.failures_cleared,
        )
    )
    return 0


def run_reset(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.cli.outputs import check_output_file, removed_on_error
    from backoffice.reports.accounts_letter import access_letter_pdf
    from backoffice.services.accounts.access import reset_member_access

    target = check_output_file(args.letter, (".pdf",))
    database = open_database(args)
    actor = acting_actor(database, args)
    # The letter is written before the commit: no new password without its letter, and a
    # commit that fails takes the letter (and its now useless password) away.
    with removed_on_error() as written, database.transaction() as session:
        sent = reset_member_access(session, actor, args.member_code)
        written.append(target)
        write_letter(target, access_letter_pdf(sent.letter))
    print(
        tr(
            "New temporary password for {login} ({holder}), valid until {date}: the letter is "
            "in {path}. Print it and post it, then delete the file: it holds the password.",
            login=sent.login,
            holder=sent.holder,
            date=format_day(sent.letter.valid_until),
            path=target,
        )
    )
    return 0


def write_letter(path: Path, content: bytes) -> None:
    from backoffice.private_files import write_whole

    try:
        write_whole(path, content, private=True)  # it holds a password: its owner only
    except OSError as error:
        raise _letter_refused(
            tr("{path} cannot be written ({reason}).", path=path, reason=error.strerror)
        ) from error


def _letter_refused(reason: str) -> Exception:
    from backoffice.services.errors import ValidationFailed

    return ValidationFailed.single(
        "letter", tr("Letter: {reason} Nothing was changed.", reason=reason)
    )
