"""Who acts: ``--as LOGIN`` authenticated like a login in the application, or the system
account of the nightly jobs.

The password is taken from ``BACKOFFICE_PASSWORD`` (as ``PGPASSWORD`` for psql), else from
the system keyring (kept once with ``backoffice login remember --as LOGIN``, or by the
login dialog's « Se souvenir de moi »), else asked for when a terminal is attached. A wrong
or missing password refuses the command and counts as a failed login (the same slow-down
and lock as the application's login).
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import TYPE_CHECKING

from backoffice.i18n import tr

if TYPE_CHECKING:
    from backoffice.db import Database
    from backoffice.services.permissions import Actor

ENV_PASSWORD = "BACKOFFICE_PASSWORD"


def acting_actor(database: Database, args: argparse.Namespace) -> Actor:
    """The authenticated ``--as`` staff member; without ``--as`` (an optional one), the
    system account of the nightly jobs."""
    if getattr(args, "as_login", None) is None:
        from backoffice.services.actors import system_actor

        with database.session() as session:
            return system_actor(session)
    return authenticate(database, args.as_login)


def authenticate(database: Database, login: str, password: str | None = None) -> Actor:
    """Check ``login``'s password (in a transaction of its own: a failure counts)."""
    from backoffice.services import staff
    from backoffice.services.errors import PermissionDenied

    if password is None:
        password = find_password(database, login)
    with database.transaction() as session:
        result = staff.authenticate(session, login, password or "")
    if result.actor is None:
        if not password:
            raise PermissionDenied(
                tr(
                    "No password for {login}: type it when asked (in a terminal), give it in "
                    "BACKOFFICE_PASSWORD, or keep it once with “backoffice login remember "
                    "--as {login}”. {reason}",
                    login=login,
                    reason=result.message,
                )
            )
        raise PermissionDenied(tr("--as {login}: {reason}", login=login, reason=result.message))
    if result.must_change_password:
        raise PermissionDenied(
            tr(
                "The password of {login} is temporary: change it in the application first.",
                login=login,
            )
        )
    return result.actor


def find_password(database: Database, login: str) -> str | None:
    """The environment, then the keyring, then a prompt on a terminal; None otherwise."""
    from backoffice.staff_keyring import remembered_password

    password = os.environ.get(ENV_PASSWORD) or remembered_password(database.description(), login)
    if password:
        return password
    return ask_password(login)


def ask_password(login: str) -> str | None:
    """The password typed on the terminal (not echoed), or None without a terminal."""
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        return None
    try:
        return getpass.getpass(tr("Password of {login}: ", login=login), stream=sys.stderr)
    except EOFError:
        return None
