"""What goes out: one function per kind of document, called by the service that makes it
(in its transaction, after it checked its own permission), which fills the template's
fields and queues the message for the member's contact of that purpose.

``Delivery`` is the choice offered on each action that produces a letter: follow each
member's preference (``members.documents_by``), or e-mail, or post for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    DocumentChannel,
    Instalment,
    Invoice,
    MailKind,
    Member,
)
from backoffice.money import format_eur
from backoffice.services import identity as identity_service
from backoffice.services.mail import settings as smtp_settings
from backoffice.services.mail.outbox import Attachment, Queued, queue
from backoffice.services.mail.recipients import Purpose
from backoffice.services.permissions import Actor


class Delivery(StrEnum):
    PREFERENCE = "preference"  # each member's choice
    EMAIL = "email"
    POST = "post"


def delivery_label(delivery: Delivery) -> str:
    return {
        Delivery.PREFERENCE: tr("As each member prefers"),
        Delivery.EMAIL: tr("By e-mail"),
        Delivery.POST: tr("By post (print)"),
    }[delivery]


def grouped_problems(problems: Sequence[str]) -> list[str]:
    """Each sentence once, in order, with how many messages it kept back when more than
    one (a member convened three times has one missing address, said once)."""
    counts: dict[str, int] = {}
    for problem in problems:
        counts[problem] = counts.get(problem, 0) + 1
    return [
        problem if count == 1 else tr("{problem} ({count} messages)", problem=problem, count=count)
        for problem, count in counts.items()
    ]


def by_email(member: Member, delivery: Delivery) -> bool:
    if delivery == Delivery.PREFERENCE:
        return member.documents_by == DocumentChannel.EMAIL
    return delivery == Delivery.EMAIL


def mail_enabled(session: Session) -> bool:
    """A server is set: e-mails are queued (else, where there is one, the fallback)."""
    return smtp_settings.load(session).configured


def day(value: date | datetime) -> str:
    return f"{value:%d/%m/%Y}"


def _billing_contact(session: Session) -> str:
    return " · ".join(part for part in identity_service.load(session).billing_contact if part)


# -- billing ---------------------------------------------------------------------------------


def prenotification(
    session: Session,
    actor: Actor | None,
    member: Member,
    *,
    prenotification_id: int,
    mandate_email: str | None,
    values: dict[str, str],
) -> Queued:
    return queue(
        session,
        actor,
        MailKind.PRENOTIFICATION,
        member=member,
        purpose=Purpose.DIRECT_DEBIT,
        mandate_email=mandate_email,
        values={**values, "billing_contact": _billing_contact(session)},
        record=("sepa_prenotification", prenotification_id),
    )


def invoice(session: Session, actor: Actor | None, invoice_id: int) -> Queued:
    """The invoice with its PDF (made again from the invoice when it leaves)."""
    found = session.get(Invoice, invoice_id)
    assert found is not None
    member = session.get(Member, found.member_id)
    instalments = session.scalars(
        select(Instalment)
        .where(Instalment.invoice_id == invoice_id, Instalment.superseded_at.is_(None))
        .order_by(Instalment.due_on, Instalment.position)
    ).all()
    schedule = "\n".join(
        f"- {day(item.due_on)} : {format_eur(item.amount_cents)}" for item in instalments
    )
    return queue(
        session,
        actor,
        MailKind.INVOICE,
        member=member,
        purpose=Purpose.BILLING,
        values={
            "invoice_number": found.number,
            "invoice_date": day(found.issued_on),
            "total": format_eur(found.total_ttc_cents),
            "schedule": schedule or "- " + format_eur(found.total_ttc_cents),
            "billing_contact": _billing_contact(session),
        },
        record=("invoice", invoice_id),
        attachments=[
            Attachment(f"facture-{found.number}.pdf", maker="invoice_pdf", record_id=invoice_id)
        ],
    )


def _reminder_name(member: Member) -> str:
    return f"relance-{member.member_code}-{clock.today():%Y%m%d}.pdf"


REMINDER_LEVELS = {1: "1re relance", 2: "2e relance", 3: "Mise en demeure"}


def invoices_phrase(numbers: Sequence[str]) -> str:
    """« facture FA-1 » or « factures FA-1, FA-2 »: a reminder's subject may name several."""
    word = "factures" if len(numbers) > 1 else "facture"
    return f"{word} {', '.join(numbers)}"


def reminder(
    session: Session,
    actor: Actor | None,
    member: Member,
    *,
    level: int,
    lines: Sequence[tuple[str, date, int]],  # invoice number, due day, remaining cents
    letter_pdf: bytes,
) -> Queued:
    """A reminder with its letter (stored: the letter of that day, as it was sent)."""
    numbers = list(dict.fromkeys(line[0] for line in lines))
    return queue(
        session,
        actor,
        MailKind.REMINDER,
        member=member,
        purpose=Purpose.BILLING,
        values={
            "invoice_number": ", ".join(numbers),
            "invoices": invoices_phrase(numbers),
            "lines": "\n".join(
                f"- facture {number}, échéance du {day(due)} : {format_eur(cents)}"
                for number, due, cents in lines
            ),
            "due_date": day(min(line[1] for line in lines)),
            "amount_due": format_eur(sum(line[2] for line in lines)),
            "level": REMINDER_LEVELS.get(level, REMINDER_LEVELS[3]),
            "billing_contact": _billing_contact(session),
        },
        record=("member", member.id),
        attachments=[
            Attachment(
                f"relance-{member.member_code}-{clock.today():%Y%m%d}.pdf", content=letter_pdf
            )
        ],
    )


# -- appointments -------------------------------------------------------------------------


def convocation(
    session: Session,
    actor: Actor | None,
    member: Member,
    *,
    appointment_id: int,
    values: dict[str, str],
    letter_pdf: bytes,
) -> Queued:
    return queue(
        session,
        actor,
        MailKind.CONVOCATION,
        member=member,
        purpose=Purpose.CONVOCATION,
        values=values,
        record=("appointment", appointment_id),
        attachments=[Attachment(f"convocation-RDV-{appointment_id:06d}.pdf", content=letter_pdf)],
    )


def appointment_answer(
    session: Session,
    actor: Actor | None,
    member: Member,
    *,
    request_id: int,
    confirmed: bool,
    values: dict[str, str],
) -> Queued:
    return queue(
        session,
        actor,
        MailKind.APPOINTMENT_CONFIRMED if confirmed else MailKind.APPOINTMENT_REFUSED,
        member=member,
        purpose=Purpose.CONVOCATION,
        values=values,
        record=("appointment_request", request_id),
    )


# -- portal changes -----------------------------------------------------------------------


def change_decision(
    session: Session,
    actor: Actor | None,
    member: Member,
    *,
    request_id: int,
    approved: bool,
    values: dict[str, str],
) -> Queued:
    return queue(
        session,
        actor,
        MailKind.CHANGE_APPROVED if approved else MailKind.CHANGE_REJECTED,
        member=member,
        purpose=Purpose.GENERAL,
        values=values,
        record=("change_request", request_id),
    )
