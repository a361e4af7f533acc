"""``backoffice db upgrade`` / ``backoffice db current``."""

from __future__ import annotations

import argparse

from backoffice.cli.common import open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help=tr("database schema"))
    commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = commands.add_parser("upgrade", help=tr("bring the schema to the latest version"))
    upgrade.set_defaults(run=run_upgrade)
    current = commands.add_parser("current", help=tr("show the schema version"))
    current.set_defaults(run=run_current)


def run_upgrade(args: argparse.Namespace) -> int:
    database = open_database(args, check_schema=False, create=True)
    before, after = database.upgrade()
    if before == after:
        print(
            tr(
                "The database {where} is already up to date (schema {revision}).",
                where=database.description(),
                revision=after,
            )
        )
    else:
        print(
            tr(
                "The database {where} was upgraded from schema {before} to {after}.",
                where=database.description(),
                before=before or "-",
                after=after,
            )
        )
    return 0


def run_current(args: argparse.Namespace) -> int:
    database = open_database(args, check_schema=False)
    database.check_not_newer()
    current, head = database.current_revision(), database.head_revision()
    print(tr("Schema {current} (latest: {head}).", current=current or "-", head=head))
    return 0
