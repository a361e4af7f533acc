"""Entry point of the ``backoffice`` command."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

from backoffice import __version__
from backoffice.cli.arguments import EXIT_USAGE, CommandParser, UsageError, print_error
from backoffice.i18n import set_language, terminal_language, tr

# Each module adds its subcommands with ``register(subparsers)``; a subcommand sets
# ``run(args) -> int`` as its default.
COMMAND_MODULES = (
    "backoffice.cli.db_commands",
    "backoffice.cli.demo_command",
    "backoffice.cli.login_command",
    "backoffice.cli.accounts_command",
    "backoffice.cli.changes_command",
    "backoffice.cli.convocations_command",
    "backoffice.cli.sepa_command",
    "backoffice.cli.billing_command",
    "backoffice.cli.billing_export_command",
    "backoffice.cli.members_command",
    "backoffice.cli.accounting_command",
    "backoffice.cli.mail_command",
    "backoffice.cli.bank_command",
    "backoffice.cli.einvoice_command",
)


def build_parser() -> CommandParser:
    from backoffice.cli import argparse_texts

    argparse_texts.install()
    parser = CommandParser(
        prog="backoffice",
        top=True,
        description=tr(
            "Back-office of the occupational health service. "
            "Without a command, opens the application."
        ),
    )
    parser.add_argument("--version", action="version", version=f"backoffice {__version__}")
    parser.add_argument(
        "--self-check",
        action="store_true",
        help=tr(
            "open and close the main window offscreen on a temporary "
            "database, then exit (smoke test of an installation)"
        ),
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    set_language(terminal_language())
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        _check_text(arguments)
        args = build_parser().parse_args(arguments)
    except UsageError as error:
        print_error(error.message)
        return EXIT_USAGE
    except SystemExit as done:  # --help, --version
        return done.code if isinstance(done.code, int) else 0
    if args.self_check:
        from backoffice.cli.gui import self_check

        return self_check()
    if args.command is None:
        from backoffice.cli.gui import open_application

        return open_application(args.database)
    from backoffice.cli.common import run_reporting_errors

    return run_reporting_errors(args.run, args)


def _check_text(arguments: list[str]) -> None:
    """Refuse an argument that is not UTF-8 text (Python keeps its bytes as surrogates)."""
    for argument in arguments:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            shown = argument.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise UsageError(
                tr(
                    "backoffice: the argument “{argument}” is not UTF-8 text; "
                    "type it again in UTF-8.",
                    argument=shown,
                )
            ) from None


if __name__ == "__main__":
    sys.exit(main())
