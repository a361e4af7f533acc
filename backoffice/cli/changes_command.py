"""``backoffice changes apply-due``: apply the approved portal changes whose effective date
has come (run it every night; running it again applies nothing twice)."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import EXIT_REFUSED, acting, print_error, quiet
from backoffice.cli.common import open_database
from backoffice.cli.progress import progress
from backoffice.i18n import ntr, tr


def register(subparsers: argparse._SubParsersAction) -> None:
    changes = subparsers.add_parser("changes", help=tr("changes submitted on the portal"))
    commands = changes.add_subparsers(dest="changes_command", metavar="ACTION", required=True)
    due = commands.add_parser(
        "apply-due",
        help=tr("apply the approved changes whose effective date has come (nightly job)"),
    )
    acting(due, required=False)
    quiet(due)
    due.set_defaults(run=run_apply_due)


def run_apply_due(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.changes.apply import apply_due

    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        report = apply_due(session, actor, progress(args))
    if not report.applied and not report.failed:
        print(tr("Nothing to apply: every approved change due is already applied."))
    else:
        print(
            ntr(
                "{count} approved change applied.",
                "{count} approved changes applied.",
                len(report.applied),
            )
        )
    for _request_id, note in report.notes:
        print(note)
    for _request_id, failure in report.failed:
        print_error(failure)
    return EXIT_REFUSED if report.failed else 0
