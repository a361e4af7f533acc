"""``backoffice demo [--members N] [--seed S] [--reset]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from backoffice.cli.arguments import EXIT_REFUSED, count_argument, print_error, quiet, seed_argument
from backoffice.cli.common import open_database
from backoffice.cli.progress import fraction_reporter
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    demo = subparsers.add_parser("demo", help=tr("fill an empty database with demo data"))
    demo.add_argument(
        "--members",
        type=count_argument,
        default=400,
        metavar="N",
        help=tr("number of member companies (default: 400)"),
    )
    demo.add_argument(
        "--seed",
        type=seed_argument,
        default=2026,
        metavar="S",
        help=tr("random seed: the same seed gives the same data"),
    )
    demo.add_argument(
        "--reset",
        action="store_true",
        help=tr("erase the database first (everything in it is lost)"),
    )
    quiet(demo)
    demo.set_defaults(run=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from backoffice.demo.generate import DemoOptions, DemoRefused, generate
    from backoffice.services.permissions import role_label

    database = open_database(args, check_schema=False, create=True)
    if args.reset:
        database = database.erase()
    database.upgrade()
    try:
        summary = generate(
            database,
            DemoOptions(members=args.members, seed=args.seed, bank_folder=_bank_folder(database)),
            fraction_reporter(args),
        )
    except DemoRefused as refusal:
        print_error(tr("Refused: {message}", message=refusal.message))
        return EXIT_REFUSED
    print(
        tr(
            "Demo database ready in {seconds:.1f} s: {where}",
            seconds=summary.seconds,
            where=database.description(),
        )
    )
    print(
        tr(
            "{members} members, {employees} employees, {invoices} invoices.",
            members=summary.counts.get("members", 0),
            employees=summary.counts.get("employees", 0),
            invoices=summary.counts.get("invoices", 0),
        )
    )
    print(tr("Staff logins (password: {password}):", password=summary.staff_password))
    for login, role in summary.staff:
        print(f"  {login:<12} {role_label(role)}")
    print(
        tr("Portal password of every member account: {password}", password=summary.portal_password)
    )
    print(tr("Locked portal accounts: {codes}", codes=", ".join(summary.locked_accounts)))
    if summary.bank_files:
        folder = summary.bank_files[0].parent
        print(
            tr(
                "This month's bank files ({count}): {folder} — import them with "
                "« backoffice bank import {folder}/* --as compta » or by dropping them on "
                "Facturation.",
                count=len(summary.bank_files),
                folder=folder,
            )
        )
    return 0


def _bank_folder(database: object) -> Path:
    """Beside an SQLite database file; in the data folder otherwise."""
    from backoffice.config import data_dir

    url = database.url  # type: ignore[attr-defined]
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        return Path(url.database).resolve().parent / "banque"
    return data_dir() / "demo-banque"
