"""Queueing messages, and what staff do with them on the outbox screen.

``queue`` is called by the services that produce a document (after they checked their own
permission): it fills the template, picks the recipients and stores the message with its
``Message-ID``. A message that cannot go (no address for its purpose, an invalid address,
a template naming an unknown field, an attachment missing on disk) is stored all the same,
``failed`` with that sentence, so that it shows on the outbox screen and nothing else is
blocked. ``cancel``, ``retry_now``, ``resend`` and ``mark_sent`` are the screen's actions.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    AttachmentSource,
    MailAttachment,
    MailKind,
    MailMessage,
    MailStatus,
    Member,
)
from backoffice.services import audit
from backoffice.services import identity as identity_service
from backoffice.services.errors import Conflict, NotFound
from backoffice.services.mail import recipients as recipients_service
from backoffice.services.mail import settings as smtp_settings
from backoffice.services.mail import templates
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class Attachment:
    """A file joined to a message: its bytes (``content``), or what makes it again when the
    message leaves (``maker`` and ``record_id``, see ``attachments.MAKERS``), or a file on
    disk (``path``)."""

    filename: str
    media_type: str = "application/pdf"
    content: bytes | None = None
    maker: str | None = None
    record_id: int | None = None
    path: str | None = None


@dataclass(frozen=True)
class Queued:
    message_id: int
    status: MailStatus
    problem: str | None  # why it was kept back (French), None when queued


def message_id_for(session: Session) -> str:
    """A new ``Message-ID``, under the sender's domain."""
    sender = smtp_settings.load(session).sender_address
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "backoffice.invalid"
    return f"<{clock.now():%Y%m%d%H%M%S}.{uuid.uuid4().hex}@{domain}>"


def queue(
    session: Session,
    actor: Actor | None,
    kind: MailKind,
    *,
    member: Member | None,
    purpose: recipients_service.Purpose | None = None,
    to: Sequence[str] | None = None,
    values: Mapping[str, str],
    record: tuple[str, int] | None = None,
    attachments: Sequence[Attachment] = (),
    mandate_email: str | None = None,
) -> Queued:
    """Store a message to ``member`` (its contact for ``purpose``) or to ``to``."""
    identity = identity_service.load(session)
    if to is not None:
        chosen = recipients_service.check(list(to), member.legal_name if member else "")
    else:
        assert member is not None and purpose is not None
        chosen = recipients_service.for_member(
            session, member, purpose, mandate_email=mandate_email
        )
    common = templates.common_values(
        identity, member.legal_name if member else "", member.member_code if member else ""
    )
    template = templates.load(session, kind)
    problem = chosen.problem
    try:
        rendered = templates.render(template, {**common, **values}, identity)
        subject, text, html = rendered.subject, rendered.text, rendered.html
    except templates.TemplateProblem as error:
        problem = problem or error.message
        subject, text, html = template.subject[:300], "", None
    for attachment in attachments:
        if attachment.path is not None and not Path(attachment.path).is_file():
            problem = problem or missing_file(attachment.filename, attachment.path)
    message = MailMessage(
        kind=kind,
        member_id=member.id if member else None,
        recipients=list(chosen.addresses),
        subject=subject[:300],
        text=text,
        html=html,
        record_type=record[0] if record else None,
        record_id=record[1] if record else None,
        status=MailStatus.FAILED if problem else MailStatus.QUEUED,
        last_error=problem,
        message_id=message_id_for(session),
        queued_by_id=actor.staff_id if actor else None,
        next_attempt_at=clock.now(),
        queued_at=clock.now(),
    )
    message.attachments = [_attachment_row(attachment) for attachment in attachments]
    session.add(message)
    session.flush()
    return Queued(message.id, message.status, problem)


def missing_file(filename: str, path: str) -> str:
    return tr(
        "The attachment {name} cannot be found on disk ({path}): produce it again, then "
        "retry the message.",
        name=filename,
        path=path,
    )


def _attachment_row(attachment: Attachment) -> MailAttachment:
    if attachment.content is not None:
        source, reference = AttachmentSource.STORED, None
    elif attachment.maker is not None:
        source = AttachmentSource.RECORD
        reference = {"maker": attachment.maker, "id": attachment.record_id}
    else:
        source, reference = AttachmentSource.FILE, {"path": attachment.path}
    return MailAttachment(
        filename=attachment.filename,
        media_type=attachment.media_type,
        source=source,
        content=attachment.content,
        reference=reference,
    )


# -- the outbox screen's actions -----------------------------------------------------------


def _message(session: Session, message_id: int) -> MailMessage:
    message = session.get(MailMessage, message_id, with_for_update=True)
    if message is None:
        raise NotFound(tr("This message no longer exists."))
    return message


def _audit(session: Session, actor: Actor, action: str, message: MailMessage, before: str) -> None:
    audit.record(
        session,
        actor,
        f"mail.{action}",
        "mail_message",
        message.id,
        member_id=message.member_id,
        summary=message.subject,
        before={"status": before},
        after={"status": message.status.value},
    )


def cancel(session: Session, actor: Actor, message_id: int) -> MailStatus:
    """A message not sent yet will not be."""
    require(session, actor, Permission.MAIL_SEND)
    message = _message(session, message_id)
    if message.status not in (MailStatus.QUEUED, MailStatus.FAILED, MailStatus.UNCERTAIN):
        raise Conflict(_cannot(tr("cancel"), message.status))
    before = message.status.value
    message.status = MailStatus.CANCELLED
    _audit(session, actor, "cancel", message, before)
    return message.status


def printed_instead(session: Session, actor: Actor | None, message_id: int) -> None:
    """A message kept back whose document went on paper instead (a convocation, a
    reminder): closed as cancelled, its sentence saying so, so that nobody sends it a
    second time from the outbox. The calling service has checked its own permission."""
    message = _message(session, message_id)
    before = message.status.value
    message.status = MailStatus.CANCELLED
    message.last_error = tr("{problem} Printed on paper instead.", problem=message.last_error or "")
    if actor is not None:
        _audit(session, actor, "printed_instead", message, before)


def retry_now(session: Session, actor: Actor, message_id: int) -> MailStatus:
    """A queued message waiting for its next attempt, or a failed one (corrected since),
    goes at the sender's next pass."""
    require(session, actor, Permission.MAIL_SEND)
    message = _message(session, message_id)
    if message.status not in (MailStatus.QUEUED, MailStatus.FAILED):
        raise Conflict(_cannot(tr("retry"), message.status))
    before = message.status.value
    problem = attachment_problem(message)
    if problem:
        message.status, message.last_error = MailStatus.FAILED, problem
        raise Conflict(problem)
    message.status = MailStatus.QUEUED
    message.next_attempt_at = clock.now()
    _audit(session, actor, "retry", message, before)
    return message.status


def resend(session: Session, actor: Actor, message_id: int) -> MailStatus:
    """Send again a message sent, cancelled or uncertain, with the same ``Message-ID`` (a
    mail program shows a message received twice once)."""
    require(session, actor, Permission.MAIL_SEND)
    message = _message(session, message_id)
    if message.status in (MailStatus.SENDING, MailStatus.QUEUED):
        raise Conflict(_cannot(tr("resend"), message.status))
    before = message.status.value
    message.status = MailStatus.QUEUED
    message.next_attempt_at = clock.now()
    message.sent_at = None
    _audit(session, actor, "resend", message, before)
    return message.status


def mark_sent(session: Session, actor: Actor, message_id: int) -> MailStatus:
    """An uncertain message a person found in the server's log: it left."""
    require(session, actor, Permission.MAIL_SEND)
    message = _message(session, message_id)
    if message.status != MailStatus.UNCERTAIN:
        raise Conflict(_cannot(tr("mark as sent"), message.status))
    message.status = MailStatus.SENT
    message.sent_at = message.claimed_at or clock.now()
    _audit(session, actor, "mark_sent", message, MailStatus.UNCERTAIN.value)
    return message.status


def attachment_problem(message: MailMessage) -> str | None:
    for attachment in message.attachments:
        if attachment.source == AttachmentSource.FILE:
            path = (attachment.reference or {}).get("path", "")
            if not Path(path).is_file():
                return missing_file(attachment.filename, path)
    return None


def _cannot(action: str, status: MailStatus) -> str:
    from backoffice.services.mail.labels import status_label

    return tr(
        "This message cannot be {action}: it is {status} now.",
        action=action,
        status=status_label(status),
    )


# -- counts --------------------------------------------------------------------------------


def counts(session: Session) -> dict[MailStatus, int]:
    """Messages by status (every status present, zero when none)."""
    found = dict(
        session.execute(select(MailMessage.status, func.count()).group_by(MailMessage.status)).all()
    )
    return {status: found.get(status, 0) for status in MailStatus}


def failed_count(session: Session) -> int:
    """What the dashboard shows: messages that need a person (failed or uncertain)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(MailMessage)
            .where(MailMessage.status.in_([MailStatus.FAILED, MailStatus.UNCERTAIN]))
        )
        or 0
    )


def retry_delay(attempts: int) -> timedelta:
    """After the n-th temporary failure: 1, 5, 15, 60 minutes, then every 3 hours."""
    minutes = (1, 5, 15, 60)
    return timedelta(minutes=minutes[attempts - 1] if attempts <= len(minutes) else 180)
