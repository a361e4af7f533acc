"""A stored message as the e-mail that leaves: headers, text and HTML, attachments.

Attachments stored with the message are joined as they are; the ones made from their
record (an invoice's PDF…) are made again by ``MAKERS``; a file on disk is read. What
cannot be had becomes an ``AttachmentMissing`` with a French sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.identity import ServiceIdentity
from backoffice.models import AttachmentSource, MailAttachment, MailMessage
from backoffice.services.errors import ServiceError
from backoffice.services.mail.outbox import missing_file
from backoffice.services.mail.settings import SmtpSettings


class AttachmentMissing(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _invoice_pdf(session: Session, invoice_id: int) -> bytes:
    from backoffice.services.billing.documents import invoice_pdf_of

    return invoice_pdf_of(session, invoice_id)


# What makes an attachment again from its record: maker name → (session, record id) → bytes.
MAKERS: dict[str, Callable[[Session, int], bytes]] = {"invoice_pdf": _invoice_pdf}


def attachment_bytes(session: Session, attachment: MailAttachment) -> bytes:
    reference = attachment.reference or {}
    if attachment.source == AttachmentSource.STORED:
        return attachment.content or b""
    if attachment.source == AttachmentSource.FILE:
        path = str(reference.get("path", ""))
        try:
            return Path(path).read_bytes()
        except OSError as error:
            raise AttachmentMissing(missing_file(attachment.filename, path)) from error
    maker = MAKERS.get(str(reference.get("maker")))
    if maker is None:
        raise AttachmentMissing(
            tr("The attachment {name} can no longer be made.", name=attachment.filename)
        )
    try:
        return maker(session, int(reference["id"]))
    except ServiceError as error:
        raise AttachmentMissing(
            tr(
                "The attachment {name} could not be made again: {reason}",
                name=attachment.filename,
                reason=error.message,
            )
        ) from error


def sender_header(settings: SmtpSettings, identity: ServiceIdentity) -> str:
    return formataddr((settings.sender_name or identity.name, settings.sender_address))


def compose(
    session: Session,
    message: MailMessage,
    settings: SmtpSettings,
    identity: ServiceIdentity,
) -> EmailMessage:
    """The e-mail of ``message`` (``AttachmentMissing`` when an attachment cannot be had)."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender_header(settings, identity)
    email["To"] = ", ".join(message.recipients)
    if settings.reply_to:
        email["Reply-To"] = settings.reply_to
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = message.message_id
    email["Content-Language"] = "fr"
    email.set_content(message.text)
    if message.html:
        email.add_alternative(message.html, subtype="html")
    for attachment in message.attachments:
        content = attachment_bytes(session, attachment)
        maintype, _, subtype = attachment.media_type.partition("/")
        email.add_attachment(
            content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment.filename,
        )
    return email
