"""A real SMTP server for the tests: aiosmtpd in a thread of the test process, on a free
loopback port, with STARTTLS or implicit TLS under a self-signed certificate made here
(``cryptography``) and AUTH LOGIN/PLAIN; it records what it accepted, and can be told to
answer a DATA or a RCPT with a given reply (4xx, 5xx) first."""

from __future__ import annotations

import datetime
import email
import ipaddress
import socket
import ssl
import threading
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

USER = "envoi@spsti.test"
PASSWORD = "mot-de-passe-smtp"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """(certificate, key) for localhost and 127.0.0.1, valid for a day."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "server.crt", folder / "server.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    content: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=policy.default)  # type: ignore[return-value]


class Recorder:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.data_replies: list[str] = []  # answered to the next DATA commands, in order
        self.rcpt_replies: dict[str, str] = {}  # an address always answered this
        self.lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: list[str]
    ) -> str:
        if address in self.rcpt_replies:
            return self.rcpt_replies[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.data_replies:
                return self.data_replies.pop(0)
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content))
            )
            return f"250 2.0.0 Ok: queued as Q{len(self.received):06d}"


def _authenticate(
    server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
) -> AuthResult:
    if isinstance(auth_data, LoginPassword):
        ok = auth_data.login.decode() == USER and auth_data.password.decode() == PASSWORD
        return AuthResult(success=ok, handled=False)  # False: aiosmtpd answers 535
    return AuthResult(success=False, handled=False)


class SmtpServer:
    """``security``: "starttls" (AUTH required after STARTTLS), "tls" (implicit) or "none"
    (no AUTH: a local relay)."""

    def __init__(self, folder: Path, security: str = "starttls", port: int | None = None) -> None:
        self.security = security
        self.port = port or free_port()
        self.recorder = Recorder()
        self.cert, self.key = self_signed_certificate(folder)
        self.controller: Controller | None = None

    def server_context(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        """What a workstation that trusts this server's certificate uses."""
        return ssl.create_default_context(cafile=str(self.cert))

    def start(self) -> SmtpServer:
        options: dict[str, Any] = {"hostname": "127.0.0.1", "port": self.port}
        if self.security == "starttls":
            options.update(
                tls_context=self.server_context(),
                require_starttls=True,
                auth_required=True,
                auth_require_tls=True,
                authenticator=_authenticate,
            )
        elif self.security == "tls":
            options.update(
                ssl_context=self.server_context(),
                auth_required=True,
                auth_require_tls=False,
                authenticator=_authenticate,
            )
        self.controller = Controller(self.recorder, **options)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.recorder.received
