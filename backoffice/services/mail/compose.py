"""A stored message as the e-mail that leaves: headers, text and HTML, attachments.

Attachments stored with the message are joined as they are; the ones made from their
record (an invoice's PDF…) are made again by ``MAKERS``; a file on disk is read. What
cannot be had becomes an ``AttachmentMissing`` with a French sentence.

``message_bytes`` writes the MIME message directly (RFC 2047 headers, quoted-printable
text and HTML, base64 attachments, CRLF): the ``email`` package's ``EmailMessage`` parses
every header it is given and costs ten times the SMTP transaction itself. ``compose``
(the ``EmailMessage``) is kept for the tests and the test message; both say the same.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import encode_rfc2231, format_datetime, formataddr
from pathlib import Path
from typing import Any

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


def attachment_bytes(session: Session, attachment: MailAttachment | Any) -> bytes:
    """The bytes of an attachment (an ORM object or a row of ``mail_attachments``)."""
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


def _header(text: str) -> str:
    """A header value, RFC 2047-encoded when it is not ASCII (base64 words of at most 45
    bytes, whole characters, folded: ``email.header.Header`` costs a millisecond a line)."""
    if text.isascii():
        return text
    words, chunk = [], b""
    for char in text:
        encoded = char.encode("utf-8")
        if len(chunk) + len(encoded) > 45:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word).decode('ascii')}?=" for word in words)


def _address(name: str, address: str) -> str:
    return formataddr((name, address), charset="utf-8") if name else address


def _text_part(content_type: str, text: str) -> bytes:
    body = binascii.b2a_qp(text.replace("\r\n", "\n").encode("utf-8"), istext=True)
    body = body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # soft breaks too
    return (
        (
            f'Content-Type: {content_type}; charset="utf-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode("ascii")
        + body
        + b"\r\n"
    )


def _filename(name: str) -> str:
    if name.isascii() and '"' not in name:
        return f'filename="{name}"'
    return f"filename*={encode_rfc2231(name, 'utf-8')}"


def message_bytes(
    message: MailMessage | Any,  # the ORM object or a row of ``mail_messages``
    attachments: Sequence[tuple[str, str, bytes]],  # (filename, media type, content)
    settings: SmtpSettings,
    identity: ServiceIdentity,
) -> bytes:
    """The e-mail of ``message`` as it goes on the wire (CRLF line ends)."""
    mixed, alternative = f"=_mixed_{uuid.uuid4().hex}", f"=_alt_{uuid.uuid4().hex}"
    headers = [
        f"From: {_address(settings.sender_name or identity.name, settings.sender_address)}",
        f"To: {', '.join(message.recipients)}",
        f"Subject: {_header(message.subject)}",
        f"Date: {format_datetime(clock.now())}",
        f"Message-ID: {message.message_id}",
        "MIME-Version: 1.0",
        "Content-Language: fr",
    ]
    if settings.reply_to:
        headers.append(f"Reply-To: {settings.reply_to}")
    texts = _text_part("text/plain", message.text)
    if message.html:
        texts = (
            f'Content-Type: multipart/alternative; boundary="{alternative}"\r\n\r\n'
            f"--{alternative}\r\n".encode("ascii")
            + texts
            + f"--{alternative}\r\n".encode("ascii")
            + _text_part("text/html", message.html)
            + f"--{alternative}--\r\n".encode("ascii")
        )
    if not attachments:
        return "\r\n".join(headers).encode("ascii") + b"\r\n" + texts
    parts = [
        "\r\n".join([*headers, f'Content-Type: multipart/mixed; boundary="{mixed}"']).encode(
            "ascii"
        )
        + b"\r\n\r\n",
        f"--{mixed}\r\n".encode("ascii"),
        texts,
    ]
    for filename, media_type, content in attachments:
        parts.append(
            f"--{mixed}\r\nContent-Type: {media_type}\r\n"
            f"Content-Disposition: attachment; {_filename(filename)}\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n".encode("ascii")
        )
        parts.append(base64.encodebytes(content).replace(b"\n", b"\r\n"))
    parts.append(f"--{mixed}--\r\n".encode("ascii"))
    return b"".join(parts)
