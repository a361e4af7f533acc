"""Overdue instalments and the reminder letters (*relances*) for a selection of them.

A member receives one letter for its selected instalments. Each letter goes one step
further than the last one sent for them: first reminder, second reminder, then formal
notice (*mise en demeure*), which stays the last step. A member who takes its documents
by e-mail (``Delivery``, a mail server set) gets its letter as the attachment of an e-mail
queued in the outbox; the others' letters are printed, and so is the letter of a member
whose message was kept back (no billing address…: the sentence says which).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import Instalment, Invoice, Member, PaymentReminder, SepaState
from backoffice.references import creditor_reference
from backoffice.reports.billing import documents as batch
from backoffice.reports.billing.letters import (
    FORMAL_NOTICE,
    OverdueLine,
    PaymentReminderLetter,
    payment_reminder_story,
)
from backoffice.services import audit
from backoffice.services.billing import addresses
from backoffice.services.billing.documents import identity, payment_details
from backoffice.services.billing.search import matches
from backoffice.services.errors import ValidationFailed
from backoffice.services.mail import documents as mail_documents
from backoffice.services.mail import outbox
from backoffice.services.mail.documents import Delivery
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class OverdueRow:
    instalment_id: int
    invoice_id: int
    invoice_number: str
    member_id: int
    member_code: str
    member_name: str
    issued_on: date
    due_on: date
    amount_cents: int
    remaining_cents: int
    days_late: int
    direct_debit: bool
    sepa_state: SepaState
    last_reminder_level: int  # 0: none yet
    last_reminder_on: date | None


@dataclass(frozen=True)
class ReminderBatch:
    pdf: bytes  # the letters to print (empty when every one went by e-mail)
    letters: int  # printed
    instalments: int
    emailed: int = 0  # letters queued in the outbox
    problems: tuple[str, ...] = ()  # messages kept back (then printed), one sentence each


def _overdue_statement(today: date) -> object:
    last = (
        select(
            PaymentReminder.instalment_id,
            func.max(PaymentReminder.level).label("level"),
            func.max(PaymentReminder.sent_on).label("sent_on"),
        )
        .group_by(PaymentReminder.instalment_id)
        .subquery()
    )
    remaining = Instalment.amount_cents - Instalment.paid_cents - Instalment.credited_cents
    return (
        select(
            Instalment,
            Invoice.number,
            Invoice.member_id,
            Invoice.issued_on,
            Invoice.pays_by_direct_debit,
            Member.member_code,
            Member.legal_name,
            func.coalesce(last.c.level, 0),
            last.c.sent_on,
        )
        .join(Invoice, Invoice.id == Instalment.invoice_id)
        .join(Member, Member.id == Invoice.member_id)
        .outerjoin(last, last.c.instalment_id == Instalment.id)
        .where(Instalment.superseded_at.is_(None), Instalment.due_on < today, remaining > 0)
        .order_by(Instalment.due_on, Invoice.number)
    )


def overdue_instalments(
    session: Session, actor: Actor, *, text: str = "", instalment_ids: list[int] | None = None
) -> list[OverdueRow]:
    """Instalments past their due date and not settled, oldest first, with the days late."""
    require(session, actor, Permission.BILLING_VIEW)
    today = clock.today()
    statement = _overdue_statement(today)
    statement = statement.where(*matches(text, Member.search_text, Invoice.number))
    if instalment_ids is not None:
        statement = statement.where(Instalment.id.in_(instalment_ids))
    return [
        OverdueRow(
            item.id,
            item.invoice_id,
            number,
            member_id,
            code,
            name,
            issued_on,
            item.due_on,
            item.amount_cents,
            item.remaining_cents,
            (today - item.due_on).days,
            direct_debit,
            item.sepa_state,
            int(level),
            sent_on,
        )
        for item, number, member_id, issued_on, direct_debit, code, name, level, sent_on in (
            session.execute(statement)
        )
    ]


def send_reminders(
    session: Session,
    actor: Actor,
    instalment_ids: list[int],
    delivery: Delivery = Delivery.PREFERENCE,
) -> ReminderBatch:
    """Record a reminder for each selected overdue instalment; the letters (one per member)
    to print in one PDF, the others queued as e-mails with their letter."""
    require(session, actor, Permission.PAYMENTS_RECORD)
    rows = overdue_instalments(session, actor, instalment_ids=instalment_ids)
    if not rows:
        raise ValidationFailed.single(
            "instalments", tr("None of the selected instalments is overdue any more.")
        )
    today = clock.today()
    by_member: dict[int, list[OverdueRow]] = defaultdict(list)
    for row in rows:
        by_member[row.member_id].append(row)
    service = identity(session)
    payment = payment_details(session, service)
    emailing = mail_documents.mail_enabled(session)
    printed, emailed, problems = [], 0, []
    for member_id, items in by_member.items():
        letter = _letter(session, actor, member_id, items, today)
        member = session.get(Member, member_id)
        assert member is not None
        if emailing and mail_documents.by_email(member, delivery):
            content = batch.render_batch(
                service, tr("Payment reminders"), [payment_reminder_story(letter, service, payment)]
            )
            outcome = mail_documents.reminder(
                session,
                actor,
                member,
                level=letter.level,
                lines=[(row.invoice_number, row.due_on, row.remaining_cents) for row in items],
                letter_pdf=content,
            )
            if outcome.problem is None:
                emailed += 1
                continue
            problems.append(outcome.problem)
            outbox.printed_instead(session, actor, outcome.message_id)
        printed.append(letter)
    content = (
        batch.render_batch(
            service,
            tr("Payment reminders"),
            (payment_reminder_story(letter, service, payment) for letter in printed),
        )
        if printed
        else b""
    )
    return ReminderBatch(content, len(printed), len(rows), emailed, tuple(problems))


def _letter(
    session: Session, actor: Actor, member_id: int, rows: list[OverdueRow], today: date
) -> PaymentReminderLetter:
    level = min(max(row.last_reminder_level for row in rows) + 1, FORMAL_NOTICE)
    member = session.get(Member, member_id)
    assert member is not None
    session.add_all(
        PaymentReminder(
            instalment_id=row.instalment_id,
            level=level,
            sent_on=today,
            sent_by_id=actor.staff_id,
            amount_due_cents=row.remaining_cents,
        )
        for row in rows
    )
    total = sum(row.remaining_cents for row in rows)
    audit.record(
        session,
        actor,
        "payment.reminder",
        "member",
        member_id,
        member_id=member_id,
        summary=tr(
            "Reminder (level {level}) for {count} overdue instalments",
            level=level,
            count=len(rows),
        ),
        after={
            "level": level,
            "instalments": [row.instalment_id for row in rows],
            "amount_due_cents": total,
        },
    )
    return PaymentReminderLetter(
        member.member_code,
        addresses.of_member(member).lines,
        level,
        today,
        tuple(
            OverdueLine(
                row.invoice_number,
                row.issued_on,
                row.due_on,
                row.amount_cents,
                row.remaining_cents,
                row.days_late,
                creditor_reference(row.invoice_number),
            )
            for row in rows
        ),
    )
