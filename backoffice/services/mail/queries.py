"""What the outbox screen reads: the messages by status, kind, member and day, and one
message as the member will see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import ChangeRequest, MailKind, MailMessage, MailStatus, Member
from backoffice.services import identity as identity_service
from backoffice.services import visibility
from backoffice.services.errors import NotFound
from backoffice.services.mail import settings as smtp_settings
from backoffice.services.mail.compose import sender_header
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.visibility import Visibility, group_of_change
from backoffice.text import fold

LIMIT = 1000


@dataclass(frozen=True)
class OutboxFilter:
    status: MailStatus | None = None
    kind: MailKind | None = None
    member: str = ""  # code or name, folded
    day_from: date | None = None
    day_to: date | None = None


@dataclass(frozen=True)
class OutboxRow:
    id: int
    kind: MailKind
    status: MailStatus
    member_id: int | None
    member_code: str
    member_name: str
    recipients: str
    subject: str
    attempts: int
    last_error: str
    queued_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime


def outbox_rows(
    session: Session, actor: Actor, wanted: OutboxFilter, limit: int = LIMIT
) -> list[OutboxRow]:
    """The newest messages matching ``wanted`` (at most ``limit``)."""
    require(session, actor, Permission.MAIL_VIEW)
    statement = (
        select(MailMessage, Member.member_code, Member.legal_name)
        .outerjoin(Member, Member.id == MailMessage.member_id)
        .order_by(MailMessage.queued_at.desc(), MailMessage.id.desc())
        .limit(limit)
    )
    if wanted.status is not None:
        statement = statement.where(MailMessage.status == wanted.status)
    if wanted.kind is not None:
        statement = statement.where(MailMessage.kind == wanted.kind)
    if wanted.member.strip():
        text = fold(wanted.member.strip())
        statement = statement.where(
            or_(Member.search_text.like(f"%{text}%"), func.lower(Member.member_code) == text)
        )
    if wanted.day_from is not None:
        statement = statement.where(
            MailMessage.queued_at >= clock.start_of_local_day(wanted.day_from)
        )
    if wanted.day_to is not None:
        statement = statement.where(MailMessage.queued_at < clock.end_of_local_day(wanted.day_to))
    return [
        OutboxRow(
            message.id,
            message.kind,
            message.status,
            message.member_id,
            code or "",
            name or "",
            ", ".join(message.recipients),
            message.subject,
            message.attempts,
            message.last_error or "",
            message.queued_at,
            message.sent_at,
            message.next_attempt_at,
        )
        for message, code, name in session.execute(statement)
    ]


@dataclass(frozen=True)
class Preview:
    id: int
    status: MailStatus
    sender: str
    recipients: str
    reply_to: str
    subject: str
    html: str
    text: str
    attachments: tuple[str, ...]
    message_id: str
    last_error: str
    server_reply: str


def preview(session: Session, actor: Actor, message_id: int) -> Preview:
    """The message as the member will see it (headers, HTML, attachments' names)."""
    require(session, actor, Permission.MAIL_VIEW)
    message = session.scalar(
        select(MailMessage)
        .where(MailMessage.id == message_id)
        .options(selectinload(MailMessage.attachments))
    )
    if message is None:
        raise NotFound(tr("This message no longer exists."))
    settings = smtp_settings.load(session)
    identity = identity_service.load(session)
    # Need to know: a role that may not read what the text tells (a convocation to billing
    # staff) gets the envelope only.
    readable = _may_read(session, visibility.of(session, actor), message)
    return Preview(
        message.id,
        message.status,
        sender_header(settings, identity) if settings.sender_address else identity.name,
        ", ".join(message.recipients),
        settings.reply_to,
        message.subject,
        (message.html or "") if readable else "",
        message.text if readable else tr("The text of this message is not shown to your role."),
        tuple(attachment.filename for attachment in message.attachments) if readable else (),
        message.message_id,
        message.last_error or "",
        message.server_reply or "",
    )


def _may_read(session: Session, seen: Visibility, message: MailMessage) -> bool:
    """Whether the role may read what the message's text tells (``visibility``)."""
    if not seen.sees_mail(message.kind):
        return False
    if message.record_type == "change_request" and message.record_id is not None:
        kind = session.scalar(
            select(ChangeRequest.kind).where(ChangeRequest.id == message.record_id)
        )
        return kind is None or seen.sees(group_of_change(kind))
    return True
