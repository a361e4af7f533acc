"""The outbox: every e-mail the service sends to its members, and the editable templates.

A message is written once, when an action queues it (``queued``); the sender claims it
(``sending``), hands it to the SMTP server and records the answer (``sent``, or back to
``queued`` with a later ``next_attempt_at`` after a temporary failure, or ``failed`` with
the server's answer). A message left ``sending`` past the claim's lease (a sender that
crashed between the server's acceptance and the commit) becomes ``uncertain``: it is never
resent by itself; a person checks its ``Message-ID`` in the mail server's log and marks it
sent or sends it again (with the same ``Message-ID``, so that mail programs show it once).
The rule is in ``backoffice.services.mail.sender``.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice import clock
from backoffice.models.base import BACKOFFICE, Base, JsonDocument, Versioned, enum_column, writers


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNCERTAIN = "uncertain"  # left 'sending' too long: a person checks its Message-ID


class MailKind(enum.StrEnum):
    PRENOTIFICATION = "prenotification"
    INVOICE = "invoice"
    REMINDER = "reminder"
    CONVOCATION = "convocation"
    CHANGE_APPROVED = "change_approved"
    CHANGE_REJECTED = "change_rejected"
    APPOINTMENT_CONFIRMED = "appointment_confirmed"
    APPOINTMENT_REFUSED = "appointment_refused"
    TEST = "test"


class AttachmentSource(enum.StrEnum):
    STORED = "stored"  # the bytes are in ``content``
    RECORD = "record"  # made again from the record when sent (an invoice's PDF...)
    FILE = "file"  # a file on disk, read when sent


class MailMessage(Versioned, Base):
    __tablename__ = "mail_messages"
    __table_args__ = (
        # The sender's claim: the oldest queued messages whose time has come.
        Index("ix_mail_messages_due", "status", "next_attempt_at", "id"),
        Index("ix_mail_messages_record", "record_type", "record_id"),
        writers(BACKOFFICE, "The outbox: e-mails to members, queued, sent or failed."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind, "mail_kind"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    recipients: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str | None] = mapped_column(Text)
    record_type: Mapped[str | None] = mapped_column(String(40))  # "invoice", "appointment"…
    record_id: Mapped[int | None]
    status: Mapped[MailStatus] = mapped_column(
        enum_column(MailStatus, "mail_status"), default=MailStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(250), unique=True)  # the Message-ID header
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(80))  # the sender's token
    queued_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    queued_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    sent_at: Mapped[datetime | None]
    server_reply: Mapped[str | None] = mapped_column(String(500))  # the acceptance

    attachments: Mapped[list[MailAttachment]] = relationship(
        back_populates="message", order_by="MailAttachment.id", cascade="all, delete-orphan"
    )


class MailAttachment(Base):
    __tablename__ = "mail_attachments"
    __table_args__ = (writers(BACKOFFICE, "Files joined to an outbox message."),)

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100), default="application/pdf")
    source: Mapped[AttachmentSource] = mapped_column(
        enum_column(AttachmentSource, "mail_attachment_source")
    )
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    # RECORD: what makes it again ({"maker": "invoice_pdf", "id": 12}); FILE: {"path": ...}
    reference: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)

    message: Mapped[MailMessage] = relationship(back_populates="attachments")


class MailTemplate(Versioned, Base):
    """A template the administrator changed; the others are the defaults in code."""

    __tablename__ = "mail_templates"
    __table_args__ = (
        writers(BACKOFFICE, "E-mail templates edited by the administrator (French)."),
    )

    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind, "mail_kind"), primary_key=True)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
