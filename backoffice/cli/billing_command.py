"""``backoffice billing preview --year Y`` and ``backoffice billing issue --year Y --as LOGIN``;
``billing email`` and ``billing remind`` are in ``delivery_commands``."""

from __future__ import annotations

import argparse

from backoffice.cli.arguments import acting, quiet, year_argument
from backoffice.cli.common import open_database
from backoffice.cli.progress import progress
from backoffice.i18n import tr


def register(subparsers: argparse._SubParsersAction) -> None:
    billing = subparsers.add_parser(
        "billing", help=tr("the annual invoicing campaign, invoices by e-mail, reminders")
    )
    commands = billing.add_subparsers(dest="billing_command", metavar="ACTION", required=True)
    preview = commands.add_parser(
        "preview", help=tr("what the campaign would bill, its totals and anomalies (dry run)")
    )
    preview.add_argument("--year", type=year_argument, required=True, metavar="Y")
    preview.add_argument(
        "--details", action="store_true", help=tr("one line per invoice to be issued")
    )
    preview.set_defaults(run=run_preview)
    issue = commands.add_parser(
        "issue", help=tr("issue the year's annual invoices (members already billed are skipped)")
    )
    issue.add_argument("--year", type=year_argument, required=True, metavar="Y")
    acting(issue)
    quiet(issue)
    issue.set_defaults(run=run_issue)
    from backoffice.cli.delivery_commands import register_billing

    register_billing(commands)


def run_preview(args: argparse.Namespace) -> int:
    from backoffice.reports.billing.formats import day, eur
    from backoffice.services.actors import command_line_reader
    from backoffice.services.billing import campaign

    database = open_database(args)
    with database.session() as session:
        result = campaign.preview(session, command_line_reader(), args.year)
    totals = result.totals
    print(
        tr(
            "Campaign {year}: issued on {issued_on}, due dates {dates}.",
            year=result.year,
            issued_on=day(result.issued_on),
            dates=", ".join(day(due) for due in result.due_dates),
        )
    )
    print(
        tr(
            "Invoices to issue: {count} ({employees} employees, {instalments} instalments); "
            "members already billed: {billed}.",
            count=totals.invoices,
            employees=totals.employees,
            instalments=totals.instalments,
            billed=result.already_billed,
        )
    )
    print(
        tr(
            "Total excl. VAT {ht}, direct debit discount {discount}, VAT {vat}, "
            "total incl. VAT {ttc}.",
            ht=eur(totals.total_ht_cents),
            discount=eur(totals.discount_cents),
            vat=eur(totals.vat_cents),
            ttc=eur(totals.total_ttc_cents),
        )
    )
    if args.details:
        for planned in result.invoices:
            counts = "/".join(str(count) for count in planned.headcounts.values())
            parts = " + ".join(eur(amount) for _due, amount in planned.instalments)
            print(
                f"  {planned.member_code:<10} {planned.member_name[:36]:<36} {counts:>10} "
                f"{eur(planned.amounts.total_ttc_cents):>14}  {parts}"
            )
    print(tr("Anomalies: {count}", count=len(result.anomalies)))
    for anomaly in result.anomalies:
        who = f"{anomaly.member_code} {anomaly.member_name}".strip()
        print(f"  {who} — {anomaly.message}")
    return 0


def run_issue(args: argparse.Namespace) -> int:
    from backoffice.cli.auth import acting_actor
    from backoffice.reports.billing.formats import eur
    from backoffice.services.billing import campaign_issue

    database = open_database(args)
    actor = acting_actor(database, args)
    with database.transaction() as session:
        outcome = campaign_issue.issue(session, actor, args.year, progress(args))
    if outcome.invoice_count == 0:
        print(
            tr(
                "Nothing to bill for {year}: {billed} members already billed, {left} left out "
                "(see the preview's anomalies).",
                year=args.year,
                billed=outcome.already_billed,
                left=outcome.left_out,
            )
        )
        return 0
    print(
        tr(
            "{count} invoices issued for {year} ({first} to {last}), total incl. VAT {ttc}; "
            "{billed} members were already billed, {left} left out.",
            count=outcome.invoice_count,
            year=args.year,
            first=outcome.first_number,
            last=outcome.last_number,
            ttc=eur(outcome.total_ttc_cents),
            billed=outcome.already_billed,
            left=outcome.left_out,
        )
    )
    return 0
