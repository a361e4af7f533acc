"""``backoffice login remember|forget --as LOGIN``: keep a staff member's password in the
system keyring for the commands run without a terminal (checked before it is kept)."""

from __future__ import annotations

import argparse
import os

from backoffice.cli.arguments import acting
from backoffice.cli.common import open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    login = subparsers.add_parser(
        "login", help=tr("keep or forget a staff member's password in the system keyring")
    )
    commands = login.add_subparsers(dest="login_command", metavar="ACTION", required=True)
    remember = commands.add_parser(
        "remember",
        help=tr(
            "check the password (typed, or BACKOFFICE_PASSWORD) and keep it in the system "
            "keyring for the commands run without a terminal"
        ),
    )
    acting(remember)
    remember.set_defaults(run=run_remember)
    forget = commands.add_parser("forget", help=tr("forget the password kept in the keyring"))
    acting(forget)
    forget.set_defaults(run=run_forget)


def run_remember(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import ENV_PASSWORD, ask_password, authenticate
    from backoffice.services.errors import PermissionDenied, ServiceError
    from backoffice.staff_keyring import remember_password

    database = open_database(args)
    password = os.environ.get(ENV_PASSWORD) or ask_password(args.as_login)
    if not password:
        raise PermissionDenied(
            tr(
                "No password to keep: run this command in a terminal, or give the password "
                "in BACKOFFICE_PASSWORD."
            )
        )
    authenticate(database, args.as_login, password)
    if not remember_password(database.description(), args.as_login, password):
        raise ServiceError(tr("The system keyring cannot be used here: nothing was kept."))
    print(
        tr(
            "The password of {login} is kept in the system keyring for {where}.",
            login=args.as_login,
            where=database.description(),
        )
    )
    return 0


def run_forget(args: argparse.Namespace) -> int:
    from backoffice.services.errors import ServiceError
    from backoffice.staff_keyring import remember_password

    database = open_database(args)
    if not remember_password(database.description(), args.as_login, None):
        raise ServiceError(tr("The system keyring cannot be used here: nothing was changed."))
    print(tr("No password of {login} is kept any more.", login=args.as_login))
    return 0
