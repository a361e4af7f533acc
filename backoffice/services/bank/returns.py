"""Direct debits the bank returned (camt.053/054 return entries) or rejected (pain.002).

Each is applied through the hand-entry path (``services/sepa/returns.record_return``,
now the fallback for a return read nowhere else): the debit's payment is reversed, the
instalment is unpaid again and marked ``rejected`` with the ISO code, whose French label
is its reason. Then, here:

- a ``bank_returns`` row: the member is flagged until someone clears it;
- the fee of the ``bank.return_fee_cents`` setting (0: none), HT, invoiced to the member
  (a ``return_fee`` invoice at the year's VAT rate, due in 30 days);
- the mandate follows the reason: a code saying the account cannot be debited any more
  (AC01, AC04, AC06, AG01, MD01, MD07, RC01) ends it; any other (AM04 insufficient
  funds…) keeps it, and a returned *first* debit makes the next one first again (FRST,
  not RCUR: ``first_collected_on`` is cleared when no other debit on it went through).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    Instalment,
    InvoiceKind,
    MandateStatus,
    Payment,
    PaymentMethod,
    SepaCollection,
    SepaMandate,
    SepaState,
)
from backoffice.models.bank import BankEntry, BankMatchState, BankReturn
from backoffice.services import audit, settings
from backoffice.services.billing import pricing, tariffs
from backoffice.services.billing.invoicing import Period, create_invoice
from backoffice.services.errors import ServiceError
from backoffice.services.permissions import Actor
from backoffice.services.sepa import returns as sepa_returns
from backoffice.services.sepa.reason_codes import MANDATE_UNUSABLE, reason_label, reason_labels

FEE_SETTING = "bank.return_fee_cents"
FEE_DUE_DAYS = 30
DEFAULT_VAT_BP = 2000


@dataclass(frozen=True)
class AppliedReturn:
    return_id: int
    instalment_id: int
    member_id: int
    code: str
    mandate_ended: bool
    fee_invoice_id: int | None
    reversed_payment_ids: tuple[int, ...] = ()  # not yet in the books when ``journal=False``


def apply(
    session: Session, actor: Actor, entry: BankEntry, *, journal: bool = True
) -> AppliedReturn | None:
    """Apply the return ``entry`` reports; None (the entry stays unmatched, for staff)
    when it names no debit of ours still out, or a code we do not know. The payments it
    reverses are posted to the books unless ``journal=False`` (a file's returns: then
    ``accounting.events.post_reversals``, with the others)."""
    code = (entry.return_code or "").strip().upper()
    if not entry.end_to_end_id or code not in reason_labels():
        return None
    instalment = session.scalar(
        select(Instalment).where(Instalment.end_to_end_id == entry.end_to_end_id)
    )
    if instalment is None:
        return None
    if instalment.sepa_state == SepaState.REJECTED:
        return _already_applied(session, entry, instalment)
    if instalment.sepa_state != SepaState.SENT:
        return None
    returned_on = min(entry.booked_on, clock.today())
    try:
        outcome = sepa_returns.record_return(
            session, actor, instalment.id, code, returned_on=returned_on, journal=journal
        )
    except ServiceError:
        return None
    mandate = _mandate(session, instalment)
    ended = False
    if mandate is not None:
        ended = _mandate_follows(session, actor, mandate, instalment, code, returned_on)
    fee_invoice_id = _fee(session, actor, outcome.member_id, code, returned_on)
    row = BankReturn(
        entry_id=entry.id,
        instalment_id=instalment.id,
        member_id=outcome.member_id,
        code=code,
        returned_on=returned_on,
        amount_cents=abs(entry.amount_cents),
        mandate_ended=ended,
        fee_invoice_id=fee_invoice_id,
    )
    session.add(row)
    entry.match_state = BankMatchState.RETURNED
    entry.match_rule = "return"
    entry.member_id = outcome.member_id
    entry.invoice_id = instalment.invoice_id
    entry.collection_id = instalment.collection_id
    entry.matched_at = clock.now()
    entry.matched_by_id = actor.staff_id
    session.flush()
    return AppliedReturn(
        row.id,
        instalment.id,
        outcome.member_id,
        code,
        ended,
        fee_invoice_id,
        outcome.reversed_payment_ids,
    )


def _already_applied(
    session: Session, entry: BankEntry, instalment: Instalment
) -> AppliedReturn | None:
    """The same return reported again by another file (a camt.054 notice, then the
    day's camt.053): the entry is set aside as known, nothing is applied twice."""
    earlier = session.scalar(
        select(BankReturn)
        .where(BankReturn.instalment_id == instalment.id, BankReturn.entry_id != entry.id)
        .order_by(BankReturn.id.desc())
        .limit(1)
    )
    if earlier is None or earlier.amount_cents != abs(entry.amount_cents):
        return None
    entry.match_state = BankMatchState.IGNORED
    entry.match_rule = "duplicate"
    entry.note = tr("Return already received (entry {id}).", id=earlier.entry_id)
    entry.member_id = earlier.member_id
    entry.invoice_id = instalment.invoice_id
    entry.matched_at = clock.now()
    return None


def _mandate(session: Session, instalment: Instalment) -> SepaMandate | None:
    """The mandate the debit was made on: the member's active one, else the last."""
    member_id = instalment.invoice.member_id
    return session.scalar(
        select(SepaMandate)
        .where(SepaMandate.member_id == member_id)
        .order_by((SepaMandate.status == MandateStatus.ACTIVE).desc(), SepaMandate.id.desc())
        .limit(1)
        .with_for_update()
    )


def _mandate_follows(
    session: Session,
    actor: Actor,
    mandate: SepaMandate,
    instalment: Instalment,
    code: str,
    returned_on: date,
) -> bool:
    """End the mandate (True) or keep it with the right next sequence (False)."""
    if code in MANDATE_UNUSABLE:
        if mandate.status != MandateStatus.ACTIVE:
            return False
        mandate.status = MandateStatus.REVOKED
        mandate.revoked_on = max(returned_on, mandate.signed_on)
        session.flush()
        audit.record(
            session,
            actor,
            "mandate.revoke",
            "sepa_mandate",
            mandate.id,
            member_id=mandate.member_id,
            summary=tr(
                "Mandate ended by a returned direct debit: {code} – {label}",
                code=code,
                label=reason_label(code),
            ),
            before={"status": MandateStatus.ACTIVE},
            after={"status": MandateStatus.REVOKED, "revoked_on": mandate.revoked_on},
        )
        return True
    if mandate.first_collected_on is not None and not _other_debit_went_through(
        session, mandate.member_id, instalment.id
    ):
        before = mandate.first_collected_on
        mandate.first_collected_on = None
        session.flush()
        audit.record(
            session,
            actor,
            "mandate.first_again",
            "sepa_mandate",
            mandate.id,
            member_id=mandate.member_id,
            summary=tr("The first direct debit was returned: the next one is first again."),
            before={"first_collected_on": before},
            after={"first_collected_on": None},
        )
    return False


def _other_debit_went_through(session: Session, member_id: int, instalment_id: int) -> bool:
    """Another direct debit of the member received and not returned."""
    count = session.scalar(
        select(func.count(Payment.id)).where(
            Payment.member_id == member_id,
            Payment.method == PaymentMethod.DIRECT_DEBIT,
            Payment.reversed_at.is_(None),
            Payment.collection_id.is_not(None),
        )
    )
    if count:
        return True
    # Debits sent earlier than this one and never returned were collected too.
    instalment = session.get(Instalment, instalment_id)
    assert instalment is not None
    this_day = (
        session.scalar(
            select(SepaCollection.collection_date).where(
                SepaCollection.id == instalment.collection_id
            )
        )
        if instalment.collection_id
        else None
    )
    if this_day is None:
        return False
    from backoffice.models import Invoice

    earlier = session.scalar(
        select(func.count(Instalment.id))
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(SepaCollection, SepaCollection.id == Instalment.collection_id)
        .where(
            Invoice.member_id == member_id,
            Instalment.sepa_state == SepaState.SENT,
            Instalment.id != instalment_id,
            SepaCollection.collection_date < this_day,
        )
    )
    return bool(earlier)


def fee_cents(session: Session) -> int:
    value = settings.get(session, FEE_SETTING)
    return int(value or 0)


def _fee(
    session: Session, actor: Actor, member_id: int, code: str, returned_on: date
) -> int | None:
    fee = fee_cents(session)
    if fee <= 0:
        return None
    from backoffice.models import Member

    member = session.get(Member, member_id)
    assert member is not None
    today = clock.today()
    tariff = tariffs.tariff_for_year(session, today.year)
    vat = tariff.vat_rate_bp if tariff is not None else DEFAULT_VAT_BP
    label = f"Frais de rejet du prélèvement du {returned_on:%d/%m/%Y} (motif {code})"
    issued = create_invoice(
        session,
        actor,
        member,
        InvoiceKind.RETURN_FEE,
        today.year,
        Period(f"Rejet du {returned_on:%d/%m/%Y}", returned_on, returned_on),
        pricing.totals([pricing.Line(label, 1, fee)], vat),
        [today + timedelta(days=FEE_DUE_DAYS)],
        tariff_id=tariff.id if tariff is not None else None,
    )
    return issued.id
