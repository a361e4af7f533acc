"""Cheque remittance slips: the cheques become payments (method cheque) settling their
invoices, the slip is numbered without gaps, a cheque recorded earlier is put on a slip
without being paid twice, refusals name their line, and the PDF reads back."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import (
    AuditEvent,
    ChequeRemittance,
    EntrySource,
    JournalEntry,
    Payment,
    PaymentMethod,
)
from backoffice.services.bank import cheques
from backoffice.services.bank.cheques import ChequeInput
from backoffice.services.billing import payments
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.permissions import Actor
from tests.billing.builders import TODAY, billed_member, flat, instalments_of, pdf_text

pytestmark = pytest.mark.usefixtures("billing_day")

DAY = TODAY.date()


def cheque(member_id: int, cents: int, number: str = "1234567", **options) -> ChequeInput:
    return ChequeInput(
        member_id=member_id,
        drawer_bank=options.pop("drawer_bank", "Crédit Agricole Alsace Vosges"),
        cheque_number=number,
        amount_cents=cents,
        **options,
    )


def remit(database: Database, actor: Actor, lines: list[ChequeInput], **options):
    with database.transaction() as session:
        return cheques.create_remittance(session, actor, lines, **options)


def test_a_slip_records_each_cheque_as_a_payment_of_its_invoice(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    first, first_invoice = billed_member(database, billing, si=10)  # 3 × 420,00 €
    second, second_invoice = billed_member(database, billing, si=5)
    outcome = remit(
        database,
        billing,
        [
            cheque(first, 42000, "0000101", invoice_id=first_invoice),
            cheque(second, 10000, "0000102", drawer_bank="La Banque Postale"),
        ],
    )
    assert outcome.number == "RC-2027-000001"
    assert (outcome.cheque_count, outcome.total_cents, outcome.credit_cents) == (2, 52000, 0)
    with database.session() as session:
        recorded = session.scalars(
            select(Payment).where(Payment.id.in_(outcome.payment_ids)).order_by(Payment.id)
        ).all()
        assert [(p.member_id, p.method, p.amount_cents) for p in recorded] == [
            (first, PaymentMethod.CHEQUE, 42000),
            (second, PaymentMethod.CHEQUE, 10000),
        ]
        assert recorded[0].reference == "Chèque n° 0000101 — Crédit Agricole Alsace Vosges"
        assert [i.paid_cents for i in instalments_of(session, first_invoice)] == [42000, 0, 0]
        assert instalments_of(session, second_invoice)[0].paid_cents == 10000
        # In the books, like any payment; in the history, the slip.
        posted = session.scalar(
            select(func.count())
            .select_from(JournalEntry)
            .where(
                JournalEntry.source == EntrySource.PAYMENT,
                JournalEntry.source_id.in_(outcome.payment_ids),
            )
        )
        assert posted == 2
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "cheques.remit"))
        assert event.entity_id == outcome.remittance_id
        assert event.after["total_cents"] == 52000
        slip = session.get(ChequeRemittance, outcome.remittance_id)
        assert slip.deposited_on == DAY and slip.bank_account_id is not None
        assert [item.cheque_number for item in slip.items] == ["0000101", "0000102"]
    again = remit(database, billing, [cheque(first, 1000, "0000103")])
    assert again.number == "RC-2027-000002"
    with database.session() as session:
        rows = cheques.remittances(session, billing)
    assert [(row.number, row.cheque_count, row.total_cents) for row in rows] == [
        ("RC-2027-000002", 1, 1000),
        ("RC-2027-000001", 2, 52000),
    ]


def test_a_cheque_recorded_earlier_goes_on_a_slip_without_a_second_payment(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)
    with database.transaction() as session:
        recorded = payments.record_payment(
            session, billing, member_id, 30000, PaymentMethod.CHEQUE, DAY, reference="555"
        )
        payments.record_payment(session, billing, member_id, 100, PaymentMethod.TRANSFER, DAY)
    with database.session() as session:
        pending = cheques.pending_cheques(session, billing)
    assert [(row.payment_id, row.amount_cents, row.reference) for row in pending] == [
        (recorded.payment_id, 30000, "555")
    ]
    outcome = remit(
        database,
        billing,
        [cheque(member_id, 30000, "555", payment_id=recorded.payment_id)],
    )
    assert outcome.payment_ids == (recorded.payment_id,)
    with database.session() as session:
        count = session.scalar(select(func.count()).select_from(Payment))
        assert count == 2  # the cheque and the transfer, nothing more
        assert cheques.pending_cheques(session, billing) == []
        assert sum(i.paid_cents for i in instalments_of(session, invoice_id)) == 30100
    with pytest.raises(ValidationFailed, match="déjà sur le bordereau RC-2027-000001"):
        remit(database, billing, [cheque(member_id, 30000, "555", payment_id=recorded.payment_id)])


def test_refusals_name_every_line_and_nothing_is_recorded(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)
    other, _other_invoice = billed_member(database, billing, si=10)
    with pytest.raises(ValidationFailed) as refused:
        remit(
            database,
            billing,
            [
                cheque(member_id, 1000, "12A4"),
                cheque(member_id, 0, "0000002", drawer_bank=" "),
                cheque(other, 1000, "0000003", invoice_id=invoice_id),
                cheque(member_id, 1000, "0000004", received_on=date(2027, 2, 11)),
                cheque(member_id, 500, "0000004", drawer_bank="crédit agricole alsace vosges"),
            ],
        )
    fields = {error.field for error in refused.value.errors}
    assert fields == {
        "cheques.1.cheque_number",
        "cheques.2.drawer_bank",
        "cheques.2.amount",
        "cheques.3.invoice",
        "cheques.4.received_on",
        "cheques.5.cheque_number",
    }
    assert "Chèque 3 (n° 0000003)" in refused.value.message
    with pytest.raises(ValidationFailed):
        remit(database, billing, [])
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Payment)) == 0
        assert session.scalar(select(func.count()).select_from(ChequeRemittance)) == 0


def test_more_than_owed_needs_a_confirmation_then_stays_as_a_credit(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    member_id, invoice_id = billed_member(database, billing, si=10)  # 1 260,00 € owed
    with pytest.raises(ValidationFailed) as refused:
        remit(database, billing, [cheque(member_id, 130000, invoice_id=invoice_id)])
    assert refused.value.errors[0].field == "cheques.1.overpaid"
    assert refused.value.message.startswith("Chèque 1 (n° 1234567) : ")
    outcome = remit(
        database,
        billing,
        [cheque(member_id, 130000, invoice_id=invoice_id)],
        allow_overpayment=True,
    )
    assert outcome.credit_cents == 4000
    with database.session() as session:
        assert payments.member_credit_cents(session, member_id) == 4000


def test_only_billing_staff_make_slips(database: Database, actors: dict[str, Actor]) -> None:
    member_id, _invoice = billed_member(database, actors["billing"])
    for role in ("read_only", "administrative", "medical_assistant"):
        with pytest.raises(PermissionDenied):
            remit(database, actors[role], [cheque(member_id, 1000)])


def test_the_slip_pdf_names_the_account_the_cheques_and_the_total(
    database: Database, actors: dict[str, Actor]
) -> None:
    billing = actors["billing"]
    first, first_invoice = billed_member(database, billing, si=10)
    second, _ = billed_member(database, billing, si=5)
    outcome = remit(
        database,
        billing,
        [
            cheque(first, 42000, "0000101", invoice_id=first_invoice),
            cheque(second, 12345, "0000102", drawer_bank="La Banque Postale"),
        ],
    )
    with database.session() as session:
        content = cheques.slip_pdf(session, billing, outcome.remittance_id)
        identity = cheques.service_identity.load(session)
        invoice_number = session.scalar(
            select(Payment.invoice_id).where(Payment.id == outcome.payment_ids[0])
        )
    text = flat(" ".join(pdf_text(content)))
    account = identity.invoice_account
    assert "Bordereau de remise de chèques n° RC-2027-000001" in text
    assert "Date de remise 10/02/2027" in text
    assert account.iban_display in text and account.bic in text
    assert identity.legal_name in text
    assert "0000101" in text and "0000102" in text and "La Banque Postale" in text
    assert "420,00 €" in text and "123,45 €" in text
    assert "Total : 2 chèques 543,45 €" in text
    assert invoice_number == first_invoice
