"""``backoffice members import-employees MEMBER_CODE FILE --as LOGIN [--dry-run]``: a
member's spreadsheet of employees (xlsx or CSV) from a terminal, with the same checks, the
same preview and the same audit trail as the member page."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import acting, path_argument
from backoffice.cli.common import open_database
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    members = subparsers.add_parser("members", help=tr("member companies and their employees"))
    commands = members.add_subparsers(dest="members_command", metavar="ACTION", required=True)
    importing = commands.add_parser(
        "import-employees",
        help=tr("import a member's employees from a spreadsheet (xlsx or CSV)"),
    )
    importing.add_argument("member_code", metavar="MEMBER_CODE", help=tr("member code"))
    importing.add_argument(
        "file", type=path_argument, metavar="FILE", help=tr("the spreadsheet (.xlsx or .csv)")
    )
    acting(importing)
    importing.add_argument(
        "--dry-run",
        action="store_true",
        help=tr("only say what each line would become; import nothing"),
    )
    importing.set_defaults(run=run_import)


def run_import(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.services.accounts.lookup import member_by_code
    from backoffice.services.employees import importing
    from backoffice.services.employees.importing import LineStatus
    from backoffice.services.errors import ValidationFailed

    path = args.file
    try:
        content = path.read_bytes()
    except OSError as error:
        raise ValidationFailed.single(
            "file", tr("The file {file} cannot be read: {reason}", file=path, reason=error.strerror)
        ) from error
    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        member_id = member_by_code(session, args.member_code).id
        preview = importing.preview_import(session, actor, member_id, path.name, content)
        for line in preview.lines:
            if line.status == LineStatus.REFUSED:
                print(
                    tr(
                        "Line {number} ({name}): {problems}",
                        number=line.number,
                        name=line.name or "—",
                        problems=" ".join(line.problems),
                    )
                )
        if not args.dry_run:
            importing.import_employees(
                session,
                actor,
                member_id,
                path.name,
                content,
                expected_new=preview.count(LineStatus.NEW),
            )
    print(
        tr(
            "{member}: {summary}.",
            member=f"{preview.member_code} {preview.member_name}",
            summary=preview.summary(imported=not args.dry_run),
        )
    )
    return 0
