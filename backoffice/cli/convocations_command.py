"""``backoffice convocations print --date D [--centre C] --out FILE.pdf [--as LOGIN]``;
``convocations send`` (by e-mail or printed) is in ``delivery_commands``."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import acting, path_argument, quiet
from backoffice.cli.common import open_database
from backoffice.cli.progress import progress
from backoffice.i18n import ntr, tr


def register(subparsers: argparse._SubParsersAction) -> None:
    from backoffice.cli.delivery_commands import day_and_centre, register_convocations

    convocations = subparsers.add_parser("convocations", help=tr("convocation letters"))
    actions = convocations.add_subparsers(
        dest="convocations_command", metavar="ACTION", required=True
    )
    printing = actions.add_parser(
        "print",
        help=tr("the convocations of a day's confirmed appointments, merged into one PDF"),
    )
    day_and_centre(printing)
    printing.add_argument(
        "--out", required=True, type=path_argument, metavar="FILE.pdf", help=tr("PDF file to write")
    )
    acting(printing, required=False)
    quiet(printing)
    printing.set_defaults(run=run_print)
    register_convocations(actions)


def run_print(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.cli.outputs import check_output_file, removed_on_error
    from backoffice.private_files import write_whole
    from backoffice.services.appointments.centres import centre_id_by_code
    from backoffice.services.appointments.convocations import (
        ConvocationSelection,
        print_convocations,
    )

    out = check_output_file(args.out, (".pdf",))
    database = open_database(args)
    actor = acting_actor(database, args)
    with removed_on_error() as written, database.transaction() as session:
        centre_id = centre_id_by_code(session, args.centre) if args.centre else None
        batch = print_convocations(
            session, actor, ConvocationSelection(day=args.date, centre_id=centre_id), progress(args)
        )
        written.append(out)  # inside the transaction: no file, no printing recorded
        write_whole(out, batch.pdf, private=True)
    print(
        ntr(
            "{count} convocation written to {path}.",
            "{count} convocations written to {path}.",
            len(batch.appointment_ids),
            path=out,
        )
    )
    return 0
