"""The month's bank files the demo leaves beside its database, made from what it holds.

The bank of the demo's service sends, for the days of this month up to yesterday:

- a **camt.053.001.08** end-of-day statement of the direct-debit account per business day
  with movements: the credit of a direct-debit file sent this month (one entry per batch,
  with our message and payment-information ids), two debits returned after it (AM04
  insufficient funds, MD07 debtor deceased), bank fees;
- a **camt.054.001.02** notification of those returns, which overlaps the statements
  (the same entries: imported once);
- a **pain.002.001.10** report rejecting one debit of the file before settlement (AC04);
- a **CFONB 120** statement of the invoice account: transfers from members carrying the
  invoice's RF reference, its number, the member code, or nothing but the payer's name
  and the amount due; a transfer that fits nothing; interest.

The direct-debit file itself is written as the SEPA export would (rows and a pain.008
validated against the XSD), below the services like the rest of the demo. Importing the
folder (``backoffice bank import DIR/*``) matches all but the noise left to reconcile.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.models import (
    Instalment,
    Invoice,
    MandateStatus,
    Member,
    SepaCollection,
    SepaMandate,
    SepaState,
)
from backoffice.reports.bank import Movement, Rejected, Statement, camt, cfonb, pain002
from backoffice.reports.sepa import pain008
from backoffice.reports.sepa.charset import to_sepa_text
from backoffice.services import identity as identity_service
from backoffice.services.sepa import creditor as sepa_creditor

COLLECTED = 24  # debits in the month's file
TRANSFERS = 40  # transfers from members


@dataclass
class BankMonth:
    folder: Path
    files: list[Path] = field(default_factory=list)
    entries: int = 0


def _business_days(first: date, last: date) -> list[date]:
    days = []
    day = first
    while day <= last:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _month_days(today: date) -> list[date]:
    """This month's business days before today (the last three weeks early in a month)."""
    first = today.replace(day=1)
    if (today - first).days < 10:
        first = today - timedelta(days=21)
    return _business_days(first, today - timedelta(days=1))


def write_month(session: Session, folder: Path, rng: random.Random, staff_id: int) -> BankMonth:
    folder.mkdir(parents=True, exist_ok=True)
    month = BankMonth(folder)
    today = clock.today()
    days = _month_days(today)
    if len(days) < 6:
        return month
    service = identity_service.load(session)
    direct_debit = service.direct_debit_account
    invoices_account = service.invoice_account or direct_debit
    assert direct_debit is not None and invoices_account is not None
    fees_day = days[-1]
    by_day: dict[date, list[Movement]] = {day: [] for day in days}
    collection, credits, returned, rejected = _collection(session, rng, days, staff_id)
    if collection is not None:
        by_day[collection.collection_date].extend(credits)
        for movement in returned:
            by_day[movement.booked_on].append(movement)
    by_day[fees_day].append(
        Movement(-1250, fees_day, _ref(rng), kind="fee", remittance="FRAIS TENUE DE COMPTE")
    )
    statements = []
    balance = 2_500_000
    for day in days:
        if by_day[day]:
            statement = Statement(
                f"RLV-{day:%Y%m%d}",
                direct_debit.iban,
                direct_debit.bic,
                service.legal_name,
                day,
                day,
                balance,
                tuple(by_day[day]),
            )
            balance = statement.closing_cents
            statements.append(statement)
            month.files.append(
                _write(
                    folder, f"camt053-{day:%Y%m%d}.xml", camt.write([statement], "camt.053.001.08")
                )
            )
    if returned:
        notice = Statement(
            f"AVIS-{returned[0].booked_on:%Y%m%d}",
            direct_debit.iban,
            direct_debit.bic,
            service.legal_name,
            returned[0].booked_on,
            returned[-1].booked_on,
            0,
            tuple(returned),
        )
        month.files.append(
            _write(folder, "camt054-impayes.xml", camt.write([notice], "camt.054.001.02"))
        )
    if collection is not None and rejected:
        report = pain002.write(collection.message_id, collection.schema, rejected)
        month.files.append(_write(folder, "pain002-rejets.xml", report))
    transfers = _transfers(session, rng, days)
    cfonb_statements = []
    balance = 1_200_000
    for day in days:
        movements = tuple(item for item in transfers if item.booked_on == day)
        if movements:
            statement = Statement(
                f"CFONB-{day:%Y%m%d}",
                invoices_account.iban,
                invoices_account.bic,
                service.legal_name,
                day,
                day,
                balance,
                movements,
            )
            balance = statement.closing_cents
            cfonb_statements.append(statement)
    if cfonb_statements:
        month.files.append(
            _write(folder, f"releve-{today:%Y%m}.cfonb", cfonb.write(cfonb_statements))
        )
    month.entries = sum(len(item.movements) for item in statements + cfonb_statements) + len(
        rejected
    )
    return month


def _write(folder: Path, name: str, content: bytes) -> Path:
    path = folder / name
    temporary = path.with_suffix(path.suffix + ".part")
    temporary.write_bytes(content)
    temporary.replace(path)
    return path


def _ref(rng: random.Random) -> str:
    return f"{rng.randrange(10**11, 10**12)}"


def _collection(
    session: Session, rng: random.Random, days: list[date], staff_id: int
) -> tuple[SepaCollection | None, list[Movement], list[Movement], list[Rejected]]:
    """A direct-debit file collected on ``day`` for the next open instalments of members
    with an active mandate; its credit by batch, two returns, one reject."""
    day = days[1]
    made = collect(session, rng, day, staff_id, COLLECTED)
    if made is None:
        return None, [], [], []
    collection, debits = made
    rejected_debit = debits[0]
    rejected = [
        Rejected(
            rejected_debit.end_to_end_id,
            rejected_debit.amount_cents,
            "AC04",
            day,
            rejected_debit.debtor_name,
            rejected_debit.iban,
        )
    ]
    credits = []
    for sequence in ("FRST", "RCUR"):
        batch = [item for item in debits[1:] if item.sequence == sequence]
        if batch:
            credits.append(
                Movement(
                    sum(item.amount_cents for item in batch),
                    day,
                    _ref(rng),
                    kind="collection",
                    batch_message_id=collection.message_id,
                    batch_payment_info_id=f"{collection.message_id[:30]}-{sequence}",
                    batch_count=len(batch),
                )
            )
    returned = [
        Movement(
            -debit.amount_cents,
            return_day,
            _ref(rng),
            kind="return",
            name=debit.debtor_name,
            iban=debit.iban,
            end_to_end_id=debit.end_to_end_id,
            return_code=code,
        )
        for debit, code, return_day in ((debits[1], "AM04", days[3]), (debits[2], "MD07", days[4]))
    ]
    return collection, credits, returned, rejected


def collect(
    session: Session,
    rng: random.Random,
    day: date,
    staff_id: int,
    size: int,
    message_id: str | None = None,
) -> tuple[SepaCollection, list[pain008.DirectDebit]] | None:
    """A direct-debit file collected on ``day`` for the next open instalment of up to
    ``size`` members with an active mandate, kept as the SEPA export keeps it (its rows
    marked sent, its mandates' dates, its pain.008); None when fewer than four are due.
    The benchmark of the bank import makes a year of them."""
    rows = session.execute(
        select(Instalment, Invoice, SepaMandate)
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(
            SepaMandate,
            and_(
                SepaMandate.member_id == Invoice.member_id,
                SepaMandate.status == MandateStatus.ACTIVE,
            ),
        )
        .where(
            Instalment.superseded_at.is_(None),
            Instalment.sepa_state == SepaState.NONE,
            Instalment.amount_cents > Instalment.paid_cents + Instalment.credited_cents,
        )
        .order_by(Instalment.due_on, Instalment.id)
        .limit(size)
    ).all()
    seen: set[int] = set()
    rows = [row for row in rows if not (row[1].member_id in seen or seen.add(row[1].member_id))]
    if len(rows) < 4:
        return None
    creditor = sepa_creditor.load(session)
    now = clock.now()
    collection = SepaCollection(
        message_id=message_id or f"SPSTI-{day:%Y%m%d}-DEMO{rng.randrange(10**6):06d}",
        collection_date=day,
        schema="pain.008.001.08",
        created_at=now - timedelta(days=max((clock.today() - day).days + 5, 5)),
        created_by_id=staff_id,
        transaction_count=len(rows),
        total_cents=sum(item.remaining_cents for item, _, _ in rows),
        file_name=f"prelevements-{day:%Y%m%d}-demo.xml",
        xml=b"",
    )
    session.add(collection)
    session.flush()
    debits = []
    for instalment, invoice, mandate in rows:
        instalment.end_to_end_id = to_sepa_text(
            f"{invoice.number}-{instalment.position}-{collection.id}", 35
        )
        instalment.sepa_state = SepaState.SENT
        instalment.collection_id = collection.id
        debits.append(
            pain008.DirectDebit(
                end_to_end_id=instalment.end_to_end_id,
                amount_cents=instalment.remaining_cents,
                sequence="RCUR" if mandate.first_collected_on else "FRST",
                mandate_reference=mandate.rum,
                mandate_signed_on=mandate.signed_on,
                debtor_name=mandate.debtor_name,
                debtor_address=None,
                iban=mandate.iban,
                bic=mandate.bic,
                remittance=f"{invoice.creditor_reference} {invoice.number}",
            )
        )
        if mandate.first_collected_on is None:
            mandate.first_collected_on = day
        mandate.last_collected_on = day
    collection.xml = pain008.write(
        creditor, day, collection.message_id, f"{now:%Y-%m-%dT%H:%M:%S}", debits
    )
    session.flush()
    return collection, debits


def _transfers(session: Session, rng: random.Random, days: list[date]) -> list[Movement]:
    """Members without a mandate paying what they owe: with the RF reference, the invoice
    number, the member code, only their name and the amount due — and one in ten paying
    short with no reference; and noise."""
    mandated = exists().where(
        SepaMandate.member_id == Invoice.member_id, SepaMandate.status == MandateStatus.ACTIVE
    )
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    rows = session.execute(
        select(
            Invoice.number,
            Invoice.creditor_reference,
            Member.member_code,
            Member.legal_name,
            func.min(remaining),
            func.sum(remaining),
        )
        .join(Instalment, Instalment.invoice_id == Invoice.id)
        .join(Member, Member.id == Invoice.member_id)
        .where(
            ~mandated,
            Instalment.superseded_at.is_(None),
            Instalment.sepa_state == SepaState.NONE,
            remaining > 0,
        )
        .group_by(
            Invoice.id,
            Invoice.number,
            Invoice.creditor_reference,
            Member.id,
            Member.member_code,
            Member.legal_name,
        )
        .order_by(Invoice.id)
        .limit(TRANSFERS)
    ).all()
    movements = []
    used_members: set[str] = set()
    for index, (number, reference, code, name, least, total) in enumerate(rows):
        if code in used_members:
            continue
        used_members.add(code)
        smallest, owed = int(least), int(total)  # PostgreSQL sums as numeric
        day = days[rng.randrange(len(days))]
        way = 4 if index % 10 == 9 else index % 4
        payer = name.upper()
        if way == 0:
            item = Movement(owed, day, None, name=payer, creditor_reference=reference)
        elif way == 1:
            item = Movement(owed, day, None, name=payer, remittance=f"FACTURE {number}")
        elif way == 2:
            item = Movement(smallest, day, None, name=payer, remittance=f"ADHERENT {code}")
        elif way == 3:
            item = Movement(smallest, day, None, name=payer, remittance="COTISATION")
        else:  # paid short, no reference: for the reconciliation screen
            item = Movement(max(smallest - 1000, 500), day, None, name=payer, remittance="REGLT")
        movements.append(_referenced(item, rng))
    movements.append(
        _referenced(
            Movement(
                31000, days[len(days) // 2], None, name="SCI LES TILLEULS", remittance="LOYER"
            ),
            rng,
        )
    )
    movements.append(
        _referenced(
            Movement(412, days[-1], None, kind="transfer", name="BANQUE", remittance="INTERETS"),
            rng,
        )
    )
    return sorted(movements, key=lambda item: item.booked_on)


def _referenced(item: Movement, rng: random.Random) -> Movement:
    from dataclasses import replace

    return replace(item, reference=_ref(rng)[:16])
