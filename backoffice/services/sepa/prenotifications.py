"""Pre-notifications: before each collection, a notice per member with the amounts, the
dates, the RUM and the ICS, at least ``sepa.prenotification_days`` days ahead.

A notice covers the instalments the collection of that date will take for the member;
it is recorded (``sepa_prenotifications``) and the instalments point to it, so that the
export can check that each debit was announced in time. It goes by email when the member
gave an address for its direct debits (or a billing address) and did not ask for post
(``members.documents_by``), by letter otherwise. An email is queued in the outbox when a
mail server is set (``services/mail``); without one it is written as an ``.eml`` file to
send by hand.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.identity import ServiceIdentity
from backoffice.models import (
    DocumentChannel,
    Instalment,
    Invoice,
    Member,
    SepaMandate,
    SepaPrenotification,
    SepaState,
)
from backoffice.reports.pdf import PostalAddress
from backoffice.reports.sepa import pain008
from backoffice.reports.sepa import prenotification as report
from backoffice.reports.sepa.prenotification import Notice, NoticeLine
from backoffice.services import audit
from backoffice.services import identity as identity_service
from backoffice.services.errors import NotFound, ValidationFailed
from backoffice.services.identity import Purpose
from backoffice.services.mail import documents as mail_documents
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent
from backoffice.services.sepa import creditor
from backoffice.services.sepa.selection import (
    OVERRIDDEN_BY_LATE_NOTICE,
    ReviewLine,
    build_review,
    check_date,
)
from backoffice.services.tracking import mark_touched


class Channel(StrEnum):
    AUTO = "auto"  # email when the member has an address for it, else letter
    LETTER = "letter"
    EMAIL = "email"


@dataclass(frozen=True)
class Skipped:
    member_code: str
    member_name: str
    reason: str


@dataclass(frozen=True)
class PrenotificationBatch:
    collection_date: date
    notices: tuple[Notice, ...]
    skipped: tuple[Skipped, ...]
    already_notified: int  # members notified before for this date, left alone

    @property
    def letters(self) -> list[Notice]:
        return [notice for notice in self.notices if notice.channel == Channel.LETTER]

    @property
    def emails(self) -> list[Notice]:
        """The emails to write as ``.eml`` files (no mail server set)."""
        return [
            notice
            for notice in self.notices
            if notice.channel == Channel.EMAIL and notice.outbox_id is None
        ]

    @property
    def queued(self) -> list[Notice]:
        """The emails queued in the outbox."""
        return [notice for notice in self.notices if notice.outbox_id is not None]


def earliest_date(session: Session) -> date:
    """The first collection date members can still be notified for today."""
    from backoffice.services.sepa.business_days import next_business_day

    return next_business_day(clock.today() + timedelta(days=creditor.notice_days(session)))


def _check_notice_period(session: Session, collection_date: date, short_notice: bool) -> None:
    days = creditor.notice_days(session)
    latest = collection_date - timedelta(days=days)
    if clock.today() > latest and not short_notice:
        raise ValidationFailed.single(
            "collection_date",
            tr(
                "Collection date: {day} is less than {days} days away (the notice had to "
                "leave by {latest}). Choose {earliest} or later, or confirm a shorter notice "
                "agreed with the members.",
                day=format_day(collection_date),
                days=days,
                latest=format_day(latest),
                earliest=format_day(earliest_date(session)),
            ),
        )


def _blocking_reason(line: ReviewLine) -> str | None:
    """Why no debit will be announced for this line (notice anomalies aside)."""
    for anomaly in line.anomalies:
        if anomaly.blocking and anomaly.kind not in OVERRIDDEN_BY_LATE_NOTICE:
            return anomaly.message
    return None


def _recipient(member: Member, mandate: SepaMandate) -> str | None:
    return mandate.email or member.billing_email or None


def _address(member: Member) -> PostalAddress:
    if member.billing_address_line1 and member.billing_postcode and member.billing_city:
        street = [member.billing_address_line1, member.billing_address_line2]
        town = f"{member.billing_postcode} {member.billing_city}"
    else:
        street = [member.address_line1, member.address_line2]
        town = f"{member.postcode} {member.city}"
    name = member.billing_name or member.legal_name
    return PostalAddress(tuple(line for line in (name, *street, town) if line))


def _notice(
    prenotification: SepaPrenotification,
    member: Member,
    mandate: SepaMandate,
    lines: Sequence[NoticeLine],
    creditor_name: str,
    creditor_id: str,
) -> Notice:
    return Notice(
        prenotification_id=prenotification.id,
        member_code=member.member_code,
        member_name=member.legal_name,
        address=_address(member),
        email=_recipient(member, mandate),
        channel=prenotification.channel,
        collection_date=prenotification.collection_date,
        notified_on=prenotification.notified_on,
        total_cents=prenotification.total_cents,
        lines=tuple(lines),
        rum=mandate.rum,
        mandate_signed_on=mandate.signed_on,
        masked_iban=report.mask_iban(mandate.iban),
        bic=mandate.bic,
        creditor_name=creditor_name,
        creditor_id=creditor_id,
    )


def prenotify(
    session: Session,
    actor: Actor,
    collection_date: date,
    *,
    channel: Channel = Channel.AUTO,
    member_ids: Sequence[int] | None = None,
    short_notice: bool = False,
    again: bool = False,
    progress: Progress | None = None,
) -> PrenotificationBatch:
    """Notify the members the collection of ``collection_date`` will debit.

    Members already notified for that date are left alone unless ``again``; a date less
    than the notice period away needs ``short_notice`` (agreed with the members).
    """
    require(session, actor, Permission.SEPA_MANAGE)
    progress = progress or silent()
    check_date(collection_date)  # a past or closed day is said as such, before the notice
    the_creditor = creditor.load(session)
    _check_notice_period(session, collection_date, short_notice)
    review = build_review(session, collection_date, late_notice=True, lock=True)
    by_member: dict[int, list[ReviewLine]] = defaultdict(list)
    reasons: dict[int, Skipped] = {}
    for line in review.lines:
        if member_ids is not None and line.member_id not in member_ids:
            continue
        reason = _blocking_reason(line)
        if reason is None:
            by_member[line.member_id].append(line)
        else:
            reasons.setdefault(line.member_id, Skipped(line.member_code, line.member_name, reason))
    skipped = [item for member_id, item in reasons.items() if member_id not in by_member]
    already = 0
    notices = []
    for done, lines in enumerate(by_member.values()):
        progress.step(done, len(by_member), tr("Pre-notifying the members…"))
        if not again and all(_notified_for(session, line, collection_date) for line in lines):
            already += 1
            continue
        notices.append(
            _notify_member(session, actor, lines, collection_date, channel, the_creditor)
        )
    return PrenotificationBatch(collection_date, tuple(notices), tuple(skipped), already)


def _notified_for(session: Session, line: ReviewLine, collection_date: date) -> bool:
    if line.prenotification_id is None:
        return False
    notice = session.get(SepaPrenotification, line.prenotification_id)
    return notice is not None and notice.collection_date == collection_date


def _channel_for(channel: Channel, recipient: str | None, member: Member) -> Channel:
    if channel == Channel.LETTER or recipient is None:
        return Channel.LETTER  # without an address to write to, the letter goes
    if channel == Channel.AUTO and member.documents_by == DocumentChannel.POST:
        return Channel.LETTER  # the member asked for its documents by post
    return Channel.EMAIL


def _notify_member(
    session: Session,
    actor: Actor,
    lines: list[ReviewLine],
    collection_date: date,
    channel: Channel,
    the_creditor: pain008.Creditor,
) -> Notice:
    member = session.get(Member, lines[0].member_id)
    mandate = session.get(SepaMandate, lines[0].mandate_id)
    assert member is not None and mandate is not None
    record = SepaPrenotification(
        member_id=member.id,
        mandate_id=mandate.id,
        collection_date=collection_date,
        notified_on=clock.today(),
        channel=_channel_for(channel, _recipient(member, mandate), member).value,
        total_cents=sum(line.amount_cents for line in lines),
        created_by_id=actor.staff_id,
    )
    session.add(record)
    session.flush()
    _point_instalments(session, record.id, lines)
    audit.record(
        session,
        actor,
        "sepa.prenotify",
        "sepa_prenotification",
        record.id,
        member_id=member.id,
        summary=tr(
            "Direct debit of {day} announced ({channel})",
            day=format_day(collection_date),
            channel=record.channel,
        ),
        after={
            "collection_date": collection_date,
            "total_cents": record.total_cents,
            "instalments": [line.instalment_id for line in lines],
            "channel": record.channel,
        },
    )
    notice_lines = [
        NoticeLine(line.invoice_number, line.position, line.due_on, line.amount_cents)
        for line in lines
    ]
    notice = _notice(
        record, member, mandate, notice_lines, the_creditor.name, the_creditor.creditor_id
    )
    if record.channel == Channel.EMAIL and mail_documents.mail_enabled(session):
        queued = mail_documents.prenotification(
            session,
            actor,
            member,
            prenotification_id=record.id,
            mandate_email=mandate.email,
            values=report.template_values(notice),
        )
        notice = replace(notice, outbox_id=queued.message_id)
    return notice


def _point_instalments(session: Session, notice_id: int, lines: list[ReviewLine]) -> None:
    """The instalments now refer to the notice; a sent one keeps its state."""
    table = Instalment.__table__
    ids = [line.instalment_id for line in lines]
    session.connection().execute(
        update(table)
        .where(table.c.id.in_(ids))
        .values(
            prenotification_id=notice_id,
            sepa_state=case(
                (table.c.sepa_state == SepaState.SENT.value, table.c.sepa_state),
                else_=SepaState.PRENOTIFIED.value,
            ),
            version=table.c.version + 1,
        )
    )
    mark_touched(session, "instalments", set(ids))


def notices_of(session: Session, actor: Actor, prenotification_ids: Sequence[int]) -> list[Notice]:
    """The notices recorded earlier, to print or send them again."""
    require(session, actor, Permission.SEPA_MANAGE)
    the_creditor = creditor.load(session)
    records = session.scalars(
        select(SepaPrenotification)
        .where(SepaPrenotification.id.in_(list(prenotification_ids)))
        .order_by(SepaPrenotification.id)
    ).all()
    if len(records) != len(set(prenotification_ids)):
        raise NotFound(tr("This pre-notification no longer exists."))
    notices = []
    for record in records:
        member = session.get(Member, record.member_id)
        mandate = session.get(SepaMandate, record.mandate_id)
        assert member is not None and mandate is not None
        rows = session.execute(
            select(Invoice.number, Instalment.position, Instalment.due_on, Instalment.amount_cents)
            .join(Invoice)
            .where(Instalment.prenotification_id == record.id)
            .order_by(Instalment.due_on, Invoice.number)
        )
        lines = [
            NoticeLine(number, position, due_on, amount)
            for number, position, due_on, amount in rows
        ]
        notices.append(
            _notice(record, member, mandate, lines, the_creditor.name, the_creditor.creditor_id)
        )
    return notices


def identity(session: Session) -> ServiceIdentity:
    return identity_service.load_for(session, Purpose.LETTERS)


def letters_pdf(session: Session, notices: Sequence[Notice]) -> bytes:
    return report.letters_pdf(identity(session), notices)


def email_files(session: Session, notices: Sequence[Notice]) -> list[tuple[str, bytes]]:
    """(file name, ``.eml`` bytes) for each notice sent by email."""
    sender = identity(session)
    return [
        (
            f"avis-prelevement-{notice.collection_date:%Y%m%d}-{notice.member_code}.eml",
            report.email_message(notice, sender),
        )
        for notice in notices
    ]


@dataclass(frozen=True)
class EmailPreview:
    recipient: str | None
    subject: str
    body: str


def email_preview(session: Session, actor: Actor, prenotification_id: int) -> EmailPreview:
    """The text of a notice as an email, to read it or copy it into a mail program."""
    (notice,) = notices_of(session, actor, [prenotification_id])
    return EmailPreview(
        notice.email, report.subject(notice), report.email_text(notice, identity(session))
    )
