"""The connection to the SMTP server, and what went wrong said in French.

``connect`` opens one connection (implicit TLS, STARTTLS or plain for a local relay),
logs in with the password from the keyring and returns it; every failure becomes a
``MailServerProblem`` whose ``message`` is one French sentence (unknown host, refused
connection, refused login, certificate not trusted, timeout…) and whose ``temporary``
says whether trying later may work.
"""

from __future__ import annotations

import smtplib
import socket
import ssl

from backoffice.i18n import tr
from backoffice.services.errors import ServiceError
from backoffice.services.mail.settings import Security, SmtpSettings


class MailServerProblem(ServiceError):
    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


def reply_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {' '.join(text.split())}"


def describe(error: BaseException, settings: SmtpSettings) -> MailServerProblem:
    """The French sentence for a failure to reach or use the server."""
    host, port = settings.host, settings.port
    if isinstance(error, MailServerProblem):
        return error
    if isinstance(error, socket.gaierror | UnicodeError):  # unknown, or not a host name
        return MailServerProblem(
            tr("The mail server {host} cannot be found: check its name.", host=host),
            temporary=False,
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return MailServerProblem(
            tr(
                "The certificate of the mail server {host} is not trusted ({reason}).",
                host=host,
                reason=error.verify_message or error.reason,
            ),
            temporary=False,
        )
    if isinstance(error, ssl.SSLError):
        return MailServerProblem(
            tr(
                "The encrypted connection to {host} failed ({reason}): check the security "
                "chosen (STARTTLS or TLS) and the port.",
                host=host,
                reason=error.reason or str(error),
            ),
            temporary=False,
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailServerProblem(
            tr(
                "The mail server refused the login {user} or its password ({reply}).",
                user=settings.user,
                reply=reply_text(error.smtp_code, error.smtp_error),
            ),
            temporary=False,
        )
    timed_out = isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(
        error.__context__, TimeoutError
    )  # smtplib turns a read that timed out into "connection closed"
    if timed_out or isinstance(error, TimeoutError | socket.timeout):
        return MailServerProblem(
            tr(
                "The mail server {host}:{port} does not answer (no reply within {seconds} s).",
                host=host,
                port=port,
                seconds=settings.timeout_seconds,
            ),
            temporary=True,
        )
    if isinstance(error, ConnectionRefusedError):
        return MailServerProblem(
            tr(
                "The mail server {host}:{port} refuses the connection: check the port, or "
                "that the server is running.",
                host=host,
                port=port,
            ),
            temporary=True,
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailServerProblem(
            tr(
                "The mail server {host} does not offer what the settings ask ({what}): check "
                "the security and the login.",
                host=host,
                what=str(error),
            ),
            temporary=False,
        )
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError):
        return MailServerProblem(
            tr("The mail server {host} closed the connection.", host=host), temporary=True
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return MailServerProblem(
            tr(
                "The mail server answered: {reply}.",
                reply=reply_text(error.smtp_code, error.smtp_error),
            ),
            temporary=400 <= error.smtp_code < 500,
        )
    if isinstance(error, OSError):
        return MailServerProblem(
            tr(
                "The mail server {host}:{port} cannot be reached ({reason}).",
                host=host,
                port=port,
                reason=error.strerror or str(error),
            ),
            temporary=True,
        )
    return MailServerProblem(
        tr("Sending failed: {reason}", reason=str(error) or type(error).__name__),
        temporary=True,
    )


def connect(
    settings: SmtpSettings,
    *,
    tls_context: ssl.SSLContext | None = None,
    password: str | None = None,
) -> smtplib.SMTP:
    """An open, logged-in connection (``MailServerProblem`` otherwise); ``password``
    (typed in the settings, not saved yet) instead of the keyring's."""
    if not settings.configured:
        raise MailServerProblem(
            tr(
                "No mail server is set: an administrator sets it in Paramètres › E-mails "
                "(or with backoffice mail configure)."
            ),
            temporary=False,
        )
    password = password or settings.password()
    if settings.user and not password:
        raise MailServerProblem(
            tr(
                "The password of {user} for {host} is not in the system keyring: type it in "
                "Paramètres › E-mails, or keyring set backoffice {key}.",
                user=settings.user,
                host=settings.host,
                key=settings.keyring_user,
            ),
            temporary=False,
        )
    context = tls_context or ssl.create_default_context()
    connection: smtplib.SMTP | None = None
    try:
        if settings.security == Security.TLS:
            connection = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout_seconds, context=context
            )
        else:
            connection = smtplib.SMTP(
                settings.host, settings.port, timeout=settings.timeout_seconds
            )
        connection.ehlo()
        if settings.security == Security.STARTTLS:
            if not connection.has_extn("starttls"):
                raise MailServerProblem(
                    tr(
                        "The mail server {host} does not offer STARTTLS: choose TLS or check "
                        "the port.",
                        host=settings.host,
                    ),
                    temporary=False,
                )
            connection.starttls(context=context)
            connection.ehlo()
        if settings.user:
            connection.login(settings.user, password or "")
        return connection
    except BaseException as error:
        if connection is not None:
            close(connection)
        if isinstance(error, KeyboardInterrupt | SystemExit):
            raise
        raise describe(error, settings) from error


def close(connection: smtplib.SMTP) -> None:
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()
