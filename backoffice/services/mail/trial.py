"""« Envoyer un message de test »: one message through the settings being edited, sent at
once (not through the queue), with what went wrong said in French."""

from __future__ import annotations

import ssl
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import MailKind
from backoffice.services import identity as identity_service
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.mail import templates
from backoffice.services.mail.compose import sender_header
from backoffice.services.mail.outbox import message_id_for
from backoffice.services.mail.recipients import is_address
from backoffice.services.mail.settings import SmtpSettings, problems
from backoffice.services.mail.smtp import MailServerProblem, close, connect, describe
from backoffice.services.permissions import Actor, Permission, require


def send_trial(
    session: Session,
    actor: Actor,
    settings: SmtpSettings,
    to: str,
    *,
    password: str | None = None,
    tls_context: ssl.SSLContext | None = None,
) -> str:
    """Send the test message to ``to``; returns the sentence to show (``MailServerProblem``
    or ``ValidationFailed`` with the French reason otherwise)."""
    require(session, actor, Permission.SETTINGS_MANAGE)
    errors = problems(settings)
    if not is_address(to.strip()):
        errors.append(
            FieldError("test_recipient", tr("{value} is not an e-mail address.", value=to))
        )
    if errors:
        raise ValidationFailed(errors)
    identity = identity_service.load(session)
    template = templates.load(session, MailKind.TEST)
    values = {**templates.common_values(identity, "", ""), "sent_by": actor.full_name}
    rendered = templates.render(template, values, identity)
    email = EmailMessage()
    email["Subject"] = rendered.subject
    email["From"] = sender_header(settings, identity)
    email["To"] = to.strip()
    if settings.reply_to:
        email["Reply-To"] = settings.reply_to
    email["Date"] = format_datetime(clock.now())
    email["Message-ID"] = message_id_for(session)
    email.set_content(rendered.text)
    email.add_alternative(rendered.html, subtype="html")
    connection = connect(settings, tls_context=tls_context, password=password)
    try:
        refused = connection.sendmail(
            settings.sender_address, [to.strip()], email.as_bytes(policy=policy.SMTP)
        )
    except Exception as error:
        raise describe(error, settings) from error
    finally:
        close(connection)
    if refused:
        raise MailServerProblem(
            tr("The mail server refused the address {to}.", to=to), temporary=False
        )
    return tr("The test message was sent to {to}.", to=to.strip())
