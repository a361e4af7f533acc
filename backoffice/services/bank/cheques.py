"""Cheque remittance slips (*bordereaux de remise de chèques*).

Staff list the cheques received (member, invoice, the bank the cheque is drawn on, its
number, amount) — typed in, or chosen among the cheque payments already recorded and on
no slip yet. Creating the slip records each new cheque as a payment through
``payments.record_payment`` (method cheque: oldest instalments of the invoice first,
overpayment kept as a credit when confirmed), takes the slip's gap-free number
(``RC-2027-000001``) and keeps the slip, which prints as a PDF for the bank
(:func:`slip_pdf`). The statement's line of the slip's total is matched to it later
(``services/bank/reconcile.py``), without paying anything twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import (
    ChequeRemittance,
    ChequeRemittanceItem,
    Invoice,
    Member,
    Payment,
    PaymentMethod,
    ServiceBankAccount,
    StaffUser,
)
from backoffice.models.bank import BankEntry, BankEntryKind, BankMatchState
from backoffice.money import format_eur
from backoffice.reports.billing import cheque_slip_pdf
from backoffice.services import audit
from backoffice.services import identity as service_identity
from backoffice.services.accounting import events as accounting_events
from backoffice.services.bank import reconcile
from backoffice.services.billing import numbering, payments
from backoffice.services.errors import FieldError, NotFound, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

SERIES = "cheque_remittance"
PREFIX = "RC"
PENDING_DAYS = 90  # recorded cheques older than this are not offered for a slip
MAX_CHEQUE_CENTS = 10_000_000_00  # an absurd amount is a typing error
OVERPAID = "overpaid"  # a line's field when it pays more than owed (a confirmation lifts it)


@dataclass(frozen=True)
class ChequeInput:
    """A cheque to put on the slip; ``payment_id`` when it was recorded already."""

    member_id: int
    drawer_bank: str
    cheque_number: str
    amount_cents: int
    invoice_id: int | None = None
    received_on: date | None = None  # today by default
    payment_id: int | None = None


@dataclass(frozen=True)
class RemittanceOutcome:
    remittance_id: int
    number: str
    cheque_count: int
    total_cents: int
    payment_ids: tuple[int, ...]
    credit_cents: int  # what the cheques paid beyond the debts, kept as credits


@dataclass(frozen=True)
class PendingCheque:
    """A cheque payment recorded and on no slip yet."""

    payment_id: int
    member_id: int
    member_code: str
    member_name: str
    invoice_id: int | None
    invoice_number: str
    received_on: date
    reference: str
    amount_cents: int


@dataclass(frozen=True)
class RemittanceRow:
    id: int
    number: str
    deposited_on: date
    account_label: str
    cheque_count: int
    total_cents: int
    created_by: str
    matched: bool  # its line on the statement was found


def format_number(year: int, number: int) -> str:
    return f"{PREFIX}-{year}-{number:06d}"


def _line_name(position: int, cheque: ChequeInput) -> str:
    number = cheque.cheque_number.strip()
    if number:
        return tr("Cheque {position} (no. {number})", position=position, number=number)
    return tr("Cheque {position}", position=position)


def _check(session: Session, cheques: Sequence[ChequeInput]) -> list[FieldError]:
    """Every line's problems, each naming its line."""
    errors: list[FieldError] = []
    payment_ids = [cheque.payment_id for cheque in cheques if cheque.payment_id is not None]
    if len(payment_ids) != len(set(payment_ids)):
        errors.append(FieldError("cheques", tr("The same payment is twice on the slip.")))
    seen: set[tuple[str, str]] = set()
    for position, cheque in enumerate(cheques, start=1):
        name = _line_name(position, cheque)
        key = (cheque.drawer_bank.strip().casefold(), cheque.cheque_number.strip())
        problems = _typed_problems(cheque) + _stored_problems(session, cheque)
        if key[1] and key in seen:
            problems.append(("cheque_number", tr("this cheque is already on the slip.")))
        seen.add(key)
        errors += [
            FieldError(
                f"cheques.{position}.{field}",
                tr("{line}: {problem}", line=name, problem=message),
            )
            for field, message in problems
        ]
    return errors


def _typed_problems(cheque: ChequeInput) -> list[tuple[str, str]]:
    problems = []
    number = cheque.cheque_number.strip()
    if not number:
        problems.append(("cheque_number", tr("the cheque number is missing.")))
    elif not number.isdigit() or len(number) > 20:
        problems.append(("cheque_number", tr("a cheque number is made of digits.")))
    if not cheque.drawer_bank.strip():
        problems.append(("drawer_bank", tr("the bank the cheque is drawn on is missing.")))
    if cheque.amount_cents <= 0:
        problems.append(("amount", tr("the amount must be positive.")))
    elif cheque.amount_cents > MAX_CHEQUE_CENTS:
        problems.append(
            (
                "amount",
                tr("{amount} is not a plausible amount.", amount=format_eur(cheque.amount_cents)),
            )
        )
    if cheque.received_on is not None and cheque.received_on > clock.today():
        problems.append(("received_on", tr("a cheque cannot be received in the future.")))
    return problems


def _stored_problems(session: Session, cheque: ChequeInput) -> list[tuple[str, str]]:
    if session.get(Member, cheque.member_id) is None:
        return [("member", tr("this member no longer exists."))]
    problems = []
    if cheque.invoice_id is not None:
        invoice = session.get(Invoice, cheque.invoice_id)
        if invoice is None or invoice.member_id != cheque.member_id:
            problems.append(("invoice", tr("this invoice does not belong to the member.")))
    if cheque.payment_id is not None:
        problem = _recorded_problem(session, cheque)
        if problem:
            problems.append(("payment", problem))
    return problems


def _recorded_problem(session: Session, cheque: ChequeInput) -> str | None:
    payment = session.get(Payment, cheque.payment_id, with_for_update=True)
    if payment is None:
        return tr("this payment no longer exists.")
    if payment.method != PaymentMethod.CHEQUE:
        return tr("this payment was not made by cheque.")
    if payment.reversed_at is not None:
        return tr("this payment was reversed.")
    if payment.member_id != cheque.member_id or payment.amount_cents != cheque.amount_cents:
        return tr("the payment recorded is of another member or amount.")
    on_slip = session.scalar(
        select(ChequeRemittance.number)
        .join(ChequeRemittanceItem)
        .where(ChequeRemittanceItem.payment_id == payment.id)
    )
    if on_slip:
        return tr("this cheque is already on slip {number}.", number=on_slip)
    return None


def _account(session: Session, bank_account_id: int | None) -> ServiceBankAccount:
    if bank_account_id is None:
        account = session.scalar(
            select(ServiceBankAccount)
            .where(ServiceBankAccount.retired_at.is_(None))
            .order_by(
                ServiceBankAccount.for_invoices.desc(),
                ServiceBankAccount.position,
                ServiceBankAccount.id,
            )
        )
    else:
        account = session.get(ServiceBankAccount, bank_account_id)
    if account is None or account.retired_at is not None:
        raise ValidationFailed.single(
            "bank_account",
            tr(
                "The account to pay the cheques into is not one of the service's open "
                "accounts (Settings › Service identity)."
            ),
        )
    return account


def create_remittance(
    session: Session,
    actor: Actor,
    cheques: Sequence[ChequeInput],
    *,
    bank_account_id: int | None = None,
    deposited_on: date | None = None,
    allow_overpayment: bool = False,
) -> RemittanceOutcome:
    """Record the new cheques as payments and keep them on a new numbered slip (for the
    account ``bank_account_id``, by default the one printed on invoices). A cheque paying
    more than owed is refused (field ``cheques.N.overpaid``) unless ``allow_overpayment``
    (the excess stays as a credit). Refused whole, with every line's problem."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    if not cheques:
        raise ValidationFailed.single("cheques", tr("Add the cheques to put on the slip."))
    deposited_on = deposited_on or clock.today()
    if deposited_on > clock.today():
        raise ValidationFailed.single(
            "deposited_on", tr("A slip cannot be handed to the bank in the future.")
        )
    account = _account(session, bank_account_id)
    errors = _check(session, cheques)
    if errors:
        raise ValidationFailed(errors)
    payment_ids: list[int] = []
    credit = 0
    recorded: list[int] = []
    for position, cheque in enumerate(cheques, start=1):
        if cheque.payment_id is not None:
            payment_ids.append(cheque.payment_id)
            continue
        try:
            outcome = payments.record_payment(
                session,
                actor,
                cheque.member_id,
                cheque.amount_cents,
                PaymentMethod.CHEQUE,
                cheque.received_on or clock.today(),
                invoice_id=cheque.invoice_id,
                reference=_reference(cheque),
                allow_overpayment=allow_overpayment,
                journal=False,
            )
        except ValidationFailed as error:
            name = _line_name(position, cheque)
            raise ValidationFailed(
                [
                    FieldError(
                        f"cheques.{position}.{OVERPAID if item.field == 'amount' else item.field}",
                        tr("{line}: {problem}", line=name, problem=item.message),
                    )
                    for item in error.errors
                ]
            ) from None
        payment_ids.append(outcome.payment_id)
        recorded.append(outcome.payment_id)
        credit += outcome.credit_cents
    if recorded:
        accounting_events.post_payments(session, recorded)
    year = deposited_on.year
    number = format_number(year, numbering.take_from(session, f"{SERIES}-{year}", 1))
    total = sum(cheque.amount_cents for cheque in cheques)
    remittance = ChequeRemittance(
        number=number,
        deposited_on=deposited_on,
        bank_account_id=account.id,
        cheque_count=len(cheques),
        total_cents=total,
        created_at=clock.now(),
        created_by_id=actor.staff_id,
    )
    for position, (cheque, payment_id) in enumerate(zip(cheques, payment_ids, strict=True), 1):
        remittance.items.append(
            ChequeRemittanceItem(
                position=position,
                payment_id=payment_id,
                member_id=cheque.member_id,
                invoice_id=cheque.invoice_id,
                drawer_bank=cheque.drawer_bank.strip()[:80],
                cheque_number=cheque.cheque_number.strip(),
                amount_cents=cheque.amount_cents,
            )
        )
    session.add(remittance)
    session.flush()
    audit.record(
        session,
        actor,
        "cheques.remit",
        "cheque_remittance",
        remittance.id,
        summary=ntr(
            "Slip {number}: {count} cheque, {amount}",
            "Slip {number}: {count} cheques, {amount}",
            len(cheques),
            number=number,
            amount=format_eur(total),
        ),
        after={
            "number": number,
            "deposited_on": deposited_on,
            "bank_account_id": account.id,
            "total_cents": total,
            "payments": payment_ids,
        },
    )
    return RemittanceOutcome(remittance.id, number, len(cheques), total, tuple(payment_ids), credit)


def _reference(cheque: ChequeInput) -> str:
    """The payment's reference, as the invoice's payments list shows it."""
    return f"Chèque n° {cheque.cheque_number.strip()} — {cheque.drawer_bank.strip()}"[:80]


# -- reading ---------------------------------------------------------------------------------


def pending_cheques(session: Session, actor: Actor) -> list[PendingCheque]:
    """Cheque payments recorded (in the payment dialog) and on no slip yet, of the last
    three months, the latest first."""
    require(session, actor, Permission.BILLING_VIEW)
    on_slip = select(ChequeRemittanceItem.payment_id)
    rows = session.execute(
        select(
            Payment.id,
            Payment.member_id,
            Member.member_code,
            Member.legal_name,
            Payment.invoice_id,
            Invoice.number,
            Payment.received_on,
            Payment.reference,
            Payment.amount_cents,
        )
        .join(Member, Member.id == Payment.member_id)
        .outerjoin(Invoice, Invoice.id == Payment.invoice_id)
        .where(
            Payment.method == PaymentMethod.CHEQUE,
            Payment.reversed_at.is_(None),
            Payment.received_on >= clock.today() - timedelta(days=PENDING_DAYS),
            Payment.id.not_in(on_slip),
        )
        .order_by(Payment.received_on.desc(), Payment.id.desc())
    )
    return [
        PendingCheque(
            payment_id,
            member_id,
            code,
            name,
            invoice_id,
            invoice_number or "",
            received_on,
            reference or "",
            amount,
        )
        for (
            payment_id,
            member_id,
            code,
            name,
            invoice_id,
            invoice_number,
            received_on,
            reference,
            amount,
        ) in rows
    ]


def remittances(session: Session, actor: Actor, *, year: int | None = None) -> list[RemittanceRow]:
    """The slips (of ``year`` when given), the latest first."""
    require(session, actor, Permission.BILLING_VIEW)
    statement = (
        select(
            ChequeRemittance.id,
            ChequeRemittance.number,
            ChequeRemittance.deposited_on,
            ServiceBankAccount.label,
            ChequeRemittance.cheque_count,
            ChequeRemittance.total_cents,
            StaffUser.full_name,
            ChequeRemittance.bank_entry_id,
        )
        .join(ServiceBankAccount, ServiceBankAccount.id == ChequeRemittance.bank_account_id)
        .outerjoin(StaffUser, StaffUser.id == ChequeRemittance.created_by_id)
        .order_by(ChequeRemittance.deposited_on.desc(), ChequeRemittance.id.desc())
    )
    if year is not None:
        statement = statement.where(
            ChequeRemittance.deposited_on >= date(year, 1, 1),
            ChequeRemittance.deposited_on <= date(year, 12, 31),
        )
    return [
        RemittanceRow(rid, number, day, label, count, total, creator or "", entry is not None)
        for rid, number, day, label, count, total, creator, entry in session.execute(statement)
    ]


def slip_document(session: Session, remittance_id: int) -> cheque_slip_pdf.SlipDocument:
    remittance = session.get(ChequeRemittance, remittance_id)
    if remittance is None:
        raise NotFound(tr("This remittance slip no longer exists."))
    account = session.get(ServiceBankAccount, remittance.bank_account_id)
    assert account is not None
    members = {
        member_id: (code, name)
        for member_id, code, name in session.execute(
            select(Member.id, Member.member_code, Member.legal_name).where(
                Member.id.in_({item.member_id for item in remittance.items})
            )
        )
    }
    invoices = dict(
        session.execute(
            select(Invoice.id, Invoice.number).where(
                Invoice.id.in_({item.invoice_id for item in remittance.items if item.invoice_id})
            )
        ).all()
    )
    creator = session.get(StaffUser, remittance.created_by_id) if remittance.created_by_id else None
    return cheque_slip_pdf.SlipDocument(
        number=remittance.number,
        deposited_on=remittance.deposited_on,
        account_label=account.label,
        bank_name=account.bank_name or "",
        iban=account.iban,
        bic=account.bic,
        prepared_by=creator.full_name if creator else "",
        cheques=tuple(
            cheque_slip_pdf.SlipCheque(
                position=item.position,
                drawer_bank=item.drawer_bank,
                cheque_number=item.cheque_number,
                member_code=members[item.member_id][0],
                drawer=members[item.member_id][1],
                invoice_number=invoices.get(item.invoice_id, "") if item.invoice_id else "",
                amount_cents=item.amount_cents,
            )
            for item in remittance.items
        ),
    )


def slip_pdf(session: Session, actor: Actor, remittance_id: int) -> bytes:
    """The slip as the bank receives it: the service, the account credited, the cheques
    and their total."""
    require(session, actor, Permission.BILLING_VIEW)
    identity = service_identity.load_for(session, service_identity.Purpose.LETTERS)
    document = slip_document(session, remittance_id)
    return cheque_slip_pdf.render(identity, document)


# -- the slip's line on the statement ------------------------------------------------------------


def match_slips(session: Session, actor: Actor, entries: Sequence[BankEntry]) -> int:
    """The automatic rule of the import for cheque remittances: a credit of exactly a slip's
    total that names the slip (``RC-2027-000001`` in its text), or else a cheque
    remittance credited within ``reconcile.SLIP_DAYS`` of the only slip of that total
    handed to the bank, is matched to the slip — nothing paid again (the cheques were
    recorded with it). Returns how many entries were matched."""
    candidates = [
        entry
        for entry in entries
        if entry.amount_cents > 0 and entry.match_state == BankMatchState.UNMATCHED
    ]
    if not candidates:
        return 0
    # the slips not yet matched are few (those of the last days): all read, their totals
    # compared here — a list of the credits' hundreds of amounts cost more to send
    amounts = {entry.amount_cents for entry in candidates}
    open_slips: dict[int, list[tuple[int, str, date]]] = {}
    for remittance_id, number, total, deposited_on in session.execute(
        select(
            ChequeRemittance.id,
            ChequeRemittance.number,
            ChequeRemittance.total_cents,
            ChequeRemittance.deposited_on,
        ).where(ChequeRemittance.bank_entry_id.is_(None))
    ):
        if total in amounts:
            open_slips.setdefault(total, []).append((remittance_id, number, deposited_on))
    matched = 0
    taken: set[int] = set()
    for entry in candidates:
        if entry.amount_cents not in open_slips:  # no slip of that total: nothing to read
            continue
        slips = [slip for slip in open_slips[entry.amount_cents] if slip[0] not in taken]
        chosen = _slip_of(entry, slips)
        if chosen is not None:
            reconcile.match_slip(session, actor, entry.id, chosen, rule=reconcile.SLIP)
            entry.match_state = BankMatchState.MATCHED  # the caller's row says so too
            taken.add(chosen)
            matched += 1
    return matched


def _slip_of(entry: BankEntry, slips: list[tuple[int, str, date]]) -> int | None:
    text = " ".join(filter(None, (entry.remittance, entry.bank_reference))).upper()
    named = {f"RC-{year}-{number}" for year, number in reconcile.SLIP_NUMBER.findall(text)}
    by_number = [slip for slip in slips if slip[1] in named]
    if len(by_number) == 1:
        return by_number[0][0]
    if entry.kind != BankEntryKind.CHEQUE:
        return None
    recent = [
        slip for slip in slips if 0 <= (entry.booked_on - slip[2]).days <= reconcile.SLIP_DAYS
    ]
    return recent[0][0] if len(recent) == 1 else None
