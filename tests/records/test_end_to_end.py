"""Issue 13's « done when »: a new member created, given employees by import, billed and
invoiced under the service's own identity — every step through the services the screens
call, as the staff of each role."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import date, time

from sqlalchemy import select

from backoffice import clock
from backoffice.db import Database
from backoffice.models import Employee, Invoice, InvoiceKind
from backoffice.services import identity
from backoffice.services.billing import campaign_issue, declarations, documents
from backoffice.services.employees import importing
from backoffice.services.membership.creation import NewMember, create_member
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import flat, pdf_text

SHEET = (
    "Civilité;Nom;Prénom;Date de naissance;Code PCS;Poste;Date d'embauche;Risques\r\n"
    "M.;Koenig;Paul;02/04/1990;632a;Menuisier;15/01/2027;\r\n"
    "Mme;Weber;Claire;12/11/1985;543a;Secrétaire;15/01/2027;\r\n"
    "M.;Roth;Eric;03/03/1983;621a;Poseur de plaques;20/01/2027;amiante\r\n"
).encode("cp1252")


def test_a_new_member_imported_billed_and_invoiced_under_the_services_identity(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        factories.tariff(session, 2027)
        opened = identity.load(session)
        identity.save(  # the administrator sets the service's own name
            session,
            actors["administrator"],
            replace(opened, trade_name="Santé Travail Haute-Alsace"),
            opened=opened,
        )
    with clock.frozen(clock.at_local(date(2027, 2, 1), time(9))):
        with database.transaction() as session:
            created = create_member(
                session,
                actors["administrative"],
                NewMember(
                    {
                        "legal_name": "MENUISERIE KOENIG SARL",
                        "siret": "87951462800020",
                        "joined_on": date(2027, 1, 10),
                        "address_line1": "14 rue du Ballon",
                        "postcode": "68500",
                        "city": "Guebwiller",
                    },
                    joining_fee_employees=3,
                    first_access=True,
                ),
            )
            done = importing.import_employees(
                session, actors["administrative"], created.member_id, "salaries.csv", SHEET
            )
        assert done.imported == 3
        with database.transaction() as session:
            categories = Counter(
                session.scalars(
                    select(Employee.follow_up_category).where(
                        Employee.member_id == created.member_id
                    )
                )
            )
            declarations.enter_declaration(
                session,
                actors["billing"],
                created.member_id,
                2027,
                categories["si"],
                categories["sia"],
                categories["sir"],
            )
            outcome = campaign_issue.issue(session, actors["billing"], 2027)
        assert outcome.invoice_count == 1
        with database.session() as session:
            invoices = {
                invoice.kind: invoice
                for invoice in session.scalars(
                    select(Invoice).where(Invoice.member_id == created.member_id)
                )
            }
            assert set(invoices) == {InvoiceKind.JOINING_FEE, InvoiceKind.ANNUAL}
            annual = invoices[InvoiceKind.ANNUAL]
            content = documents.invoice_pdf(session, actors["billing"], annual.id)
    [page] = pdf_text(content)
    text = flat(page)
    for expected in (
        "Santé Travail Haute-Alsace",  # the letterhead: the service's name as set
        "Association Santé au Travail Rhin-Vosges",  # its legal name in the footer
        "SIRET 87951462800012",
        "TVA intracommunautaire FR45879514628",
        "MENUISERIE KOENIG SARL",
        "68500 Guebwiller",
        f"N° d'adhérent {created.member_code}",
        "(SI)",  # two employees in SI follow-up
        "(SIR)",  # one exposed to asbestos
        "FR76 1027 8030 0000 0201 2340 151",  # the service's account for transfers
    ):
        assert expected in text, expected
