"""Render an outbox message to a PNG as the member's mail program shows it (the HTML part
of the e-mail as it leaves, laid out by Qt), to look at it without a mail program.

    python tools/render_mail.py --database URL [--message ID] --out mail.png

Without ``--message``: the latest message of the outbox.
"""

from __future__ import annotations

import argparse
import email
import html
import os
from email import policy

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSizeF
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument
from sqlalchemy import select

from backoffice.db import Database
from backoffice.models import MailAttachment, MailMessage
from backoffice.services import identity as identity_service
from backoffice.services.mail import settings as smtp
from backoffice.services.mail.compose import attachment_bytes, message_bytes
from backoffice.views.app import application


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--message", type=int)
    parser.add_argument("--width", type=int, default=760)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    application()
    database = Database(args.database)
    with database.session() as session:
        statement = select(MailMessage).order_by(MailMessage.id.desc())
        if args.message:
            statement = select(MailMessage).where(MailMessage.id == args.message)
        message = session.scalars(statement.limit(1)).one()
        files = session.scalars(
            select(MailAttachment).where(MailAttachment.message_id == message.id)
        ).all()
        wire = message_bytes(
            message,
            [(f.filename, f.media_type, attachment_bytes(session, f)) for f in files],
            smtp.load(session),
            identity_service.load(session),
        )
    parsed = email.message_from_bytes(wire, policy=policy.default)
    headers = "".join(
        f"<tr><td style='color:#667085'>{name}&nbsp;</td>"
        f"<td>{html.escape(str(parsed[name]))}</td></tr>"
        for name in ("From", "To", "Subject", "Date")
    )
    attached = ", ".join(part.get_filename() for part in parsed.iter_attachments())
    document = QTextDocument()
    document.setHtml(
        f"<table>{headers}<tr><td style='color:#667085'>Pièces jointes&nbsp;</td>"
        f"<td>{html.escape(attached)}</td></tr></table><hr>"
        + parsed.get_body(("html",)).get_content()
    )
    document.setTextWidth(args.width)
    size = document.size()
    image = QImage(int(size.width()), int(size.height()), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    document.drawContents(painter)
    painter.end()
    image.save(args.out)
    print(f"{args.out}: {image.width()}×{image.height()} ({QSizeF(size).height():.0f} px)")


if __name__ == "__main__":
    main()
