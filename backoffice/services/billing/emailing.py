"""Invoices by e-mail: a single invoice, or every invoice of a campaign, each with its PDF
(made again from the invoice when the message leaves), to the member's billing contact.

An invoice already in the outbox (queued, being sent, sent or uncertain) is not queued
again; a member who takes its documents by post is left for printing, and so is one whose
message was kept back (no billing address…: the sentence says which).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import Invoice, MailKind, MailMessage, MailStatus, Member
from backoffice.services.errors import ValidationFailed
from backoffice.services.mail import documents as mail_documents
from backoffice.services.mail.documents import Delivery
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress

CHUNK = 5000  # ids per query: within every database's limit on bound values
_LIVE = (MailStatus.QUEUED, MailStatus.SENDING, MailStatus.SENT, MailStatus.UNCERTAIN)


@dataclass(frozen=True)
class InvoiceMailing:
    queued: tuple[int, ...]  # invoices queued
    by_post: tuple[int, ...]  # left for printing (the member's preference)
    already: tuple[int, ...]  # in the outbox before
    problems: tuple[str, ...]  # messages kept back (no address…), one sentence each
    kept: tuple[int, ...] = ()  # invoices whose message was kept back: to print

    @property
    def to_print(self) -> tuple[int, ...]:
        """The invoices that leave on paper: by post, and those that could not be sent."""
        return self.by_post + self.kept


def email_invoices(
    session: Session,
    actor: Actor,
    invoice_ids: Sequence[int],
    delivery: Delivery = Delivery.PREFERENCE,
    progress: Progress | None = None,
) -> InvoiceMailing:
    require(session, actor, Permission.BILLING_ISSUE)
    if not mail_documents.mail_enabled(session):
        raise ValidationFailed.single(
            "mail",
            tr(
                "No mail server is set: an administrator sets it in Paramètres › E-mails; "
                "until then, print the invoices."
            ),
        )
    ids = list(dict.fromkeys(invoice_ids))
    already: set[int] = set()
    rows = []
    for start in range(0, len(ids), CHUNK):  # a campaign's ids, a few thousand at a time
        chunk = ids[start : start + CHUNK]
        already.update(
            session.scalars(
                select(MailMessage.record_id).where(
                    MailMessage.kind == MailKind.INVOICE,
                    MailMessage.record_type == "invoice",
                    MailMessage.record_id.in_(chunk),
                    MailMessage.status.in_(_LIVE),
                )
            )
        )
        rows += session.execute(
            select(Invoice.id, Member)
            .join(Member, Member.id == Invoice.member_id)
            .where(Invoice.id.in_(chunk))
        ).all()
    position = {invoice_id: index for index, invoice_id in enumerate(ids)}
    queued, by_post, kept, problems = [], [], [], []
    rows = sorted(rows, key=lambda row: position[row[0]])
    for done, (invoice_id, member) in enumerate(rows):
        if progress is not None and done % 20 == 0:
            progress.step(
                done,
                len(rows),
                tr("Invoice {done} of {total}", done=done + 1, total=len(rows)),
            )
        if invoice_id in already:
            continue
        if not mail_documents.by_email(member, delivery):
            by_post.append(invoice_id)
            continue
        outcome = mail_documents.invoice(session, actor, invoice_id)
        if outcome.problem:
            kept.append(invoice_id)
            problems.append(outcome.problem)
        else:
            queued.append(invoice_id)
    return InvoiceMailing(
        tuple(queued), tuple(by_post), tuple(sorted(already)), tuple(problems), tuple(kept)
    )


def email_campaign(
    session: Session,
    actor: Actor,
    year: int,
    delivery: Delivery = Delivery.PREFERENCE,
    progress: Progress | None = None,
) -> InvoiceMailing:
    """Every invoice of the year's campaign."""
    require(session, actor, Permission.BILLING_ISSUE)
    ids = list(
        session.scalars(
            select(Invoice.id)
            .where(Invoice.campaign_id.is_not(None), Invoice.year == year)
            .order_by(Invoice.number)
        )
    )
    if not ids:
        raise ValidationFailed.single(
            "year", tr("The campaign of {year} issued no invoice.", year=year)
        )
    return email_invoices(session, actor, ids, delivery, progress)
