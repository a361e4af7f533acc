"""Test data for the books: a year of billing moved through by the clock."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.db import Database
from backoffice.models import EntrySource, Invoice, JournalEntry, JournalLine, PaymentMethod
from backoffice.services.accounting import closing, write_offs
from backoffice.services.billing import campaign_issue, credit_notes, payments, tariffs
from backoffice.services.permissions import Actor
from tests import factories
from tests.billing.builders import declare, mandate

# The 2026 campaign is issued on 10 February 2026; its instalments fall on 15 March,
# 15 May and 15 July.
START = datetime(2026, 2, 10, 9, 30, tzinfo=UTC)
YEAR = 2026


@contextlib.contextmanager
def on(day: date) -> Iterator[None]:
    """The clock on ``day``, at ten in the morning."""
    with clock.frozen(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC)):
        yield


def billed(
    database: Database, actor: Actor, *, si: int = 10, sepa: bool = False
) -> tuple[int, int]:
    """A member billed by the 2026 campaign (with a mandate signed in 2025 when ``sepa``:
    the direct-debit discount applies): (member id, invoice id)."""
    with database.transaction() as session:
        if tariffs.tariff_for_year(session, YEAR) is None:
            factories.tariff(session, YEAR)
        member = factories.member(session)
        declare(session, member, YEAR, si)
        if sepa:
            mandate(session, member, signed_on=date(2025, 6, 1))
        member_id = member.id
    with database.transaction() as session:
        campaign_issue.issue(session, actor, YEAR)
    with database.session() as session:
        invoice_id = session.scalar(
            select(Invoice.id).where(Invoice.member_id == member_id, Invoice.year == YEAR)
        )
    return member_id, invoice_id


def pay(
    database: Database,
    actor: Actor,
    member_id: int,
    cents: int,
    day: date,
    method: PaymentMethod = PaymentMethod.TRANSFER,
    **options: object,
) -> int:
    with on(day), database.transaction() as session:
        return payments.record_payment(
            session,
            actor,
            member_id,
            cents,
            method,
            day,
            **options,  # type: ignore[arg-type]
        ).payment_id


def close(database: Database, actor: Actor, through: date, *, on_day: date | None = None) -> None:
    with on(on_day or date.fromordinal(through.toordinal() + 1)), database.transaction() as session:
        closing.close_through(session, actor, through)


def entry_of(session: Session, source: EntrySource, source_id: int) -> JournalEntry:
    return session.scalars(
        select(JournalEntry).where(
            JournalEntry.source == source, JournalEntry.source_id == source_id
        )
    ).one()


def lines_by_account(entry: JournalEntry) -> dict[str, tuple[int, int]]:
    """account -> (debit, credit) summed over the entry's lines."""
    found: dict[str, tuple[int, int]] = {}
    for line in entry.lines:
        debit, credit = found.get(line.account, (0, 0))
        found[line.account] = (debit + line.debit_cents, credit + line.credit_cents)
    return found


def balance(session: Session, account: str, **where: object) -> int:
    """Debit minus credit of an account over every entry (or the lines matching ``where``)."""
    statement = select(JournalLine.debit_cents - JournalLine.credit_cents).where(
        JournalLine.account == account
    )
    for name, value in where.items():
        statement = statement.where(getattr(JournalLine, name) == value)
    return sum(session.scalars(statement))


@dataclass(frozen=True)
class Year:
    """What :func:`a_year` did: the invoices, credit notes and payments of 2026."""

    member_ids: list[int]
    invoice_ids: list[int]
    payment_ids: list[int]
    reversed_payment_id: int
    credit_note_id: int


def a_year(database: Database, actor: Actor, *, closing: bool = True) -> Year:
    """2026 at a small service: three members billed, paid by transfer, cheque and card,
    a bounced cheque, a credit note, a debt written off; the books closed on 5 January
    2027 through 31 December 2026 (unless not ``closing``)."""
    members, invoices = zip(*(billed(database, actor, si=si) for si in (10, 11, 3)), strict=True)
    first, second, third = members
    paid = [
        pay(database, actor, first, 126000, date(2026, 3, 12)),
        pay(database, actor, second, 46200, date(2026, 3, 20), PaymentMethod.CHEQUE),
        pay(database, actor, second, 46200, date(2026, 5, 16), PaymentMethod.CARD),
    ]
    bounced = pay(database, actor, third, 10000, date(2026, 4, 2), PaymentMethod.CHEQUE)
    with on(date(2026, 4, 9)), database.transaction() as session:
        payments.reverse_payment(session, actor, bounced, "Chèque sans provision")
    with on(date(2026, 6, 2)), database.transaction() as session:
        note = credit_notes.issue_credit_note(
            session, actor, invoices[1], "Un salarié sorti avant l'année", amount_ht_cents=10500
        )
    with on(date(2026, 11, 20)), database.transaction() as session:
        write_offs.write_off_invoice(session, actor, invoices[2], "Liquidation judiciaire")
    if closing:
        close(database, actor, date(2026, 12, 31), on_day=date(2027, 1, 5))
    return Year(list(members), list(invoices), [*paid, bounced], bounced, note.id)
