"""« Envoyer un message de test » and its French errors against real servers, and the
``backoffice mail`` commands."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from backoffice.cli.main import main
from backoffice.db import Database
from backoffice.models import MailStatus
from backoffice.services.errors import ValidationFailed
from backoffice.services.mail import settings as smtp
from backoffice.services.mail.smtp import MailServerProblem, describe
from backoffice.services.mail.trial import send_trial
from backoffice.services.permissions import Actor
from tests.mail.builders import queue_tests
from tests.mail.conftest import configure
from tests.mail.smtp_server import PASSWORD, SmtpServer


def trial(
    database: Database, admin: Actor, value: smtp.SmtpSettings, server: SmtpServer | None, **kw
) -> str:
    context = server.client_context() if server is not None else None
    with database.session() as session:
        return send_trial(session, admin, value, "moi@spsti.test", tls_context=context, **kw)


def test_the_test_message_arrives(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    value = configure(database, actors["administrator"], smtp_server)
    said = trial(database, actors["administrator"], value, smtp_server)
    assert said == "Le message d'essai a été envoyé à moi@spsti.test."
    [received] = smtp_server.received
    assert received.message["Subject"].startswith("Message d'essai – ")
    assert "Agent administrator" in received.message.get_body(("plain",)).get_content()


def test_implicit_tls_with_a_password_typed_but_not_saved(
    database: Database, actors: dict[str, Actor], tmp_path: Path
) -> None:
    server = SmtpServer(tmp_path, "tls").start()
    try:
        value = configure(database, actors["administrator"], server, password="")
        trial(database, actors["administrator"], value, server, password=PASSWORD)
        assert len(server.received) == 1
    finally:
        server.stop()


def refusal(call) -> str:
    with pytest.raises(MailServerProblem) as problem:
        call()
    return problem.value.message


def test_what_went_wrong_in_french(
    database: Database, actors: dict[str, Actor], smtp_server: SmtpServer
) -> None:
    admin = actors["administrator"]
    value = configure(database, admin, smtp_server)
    wrong = replace(value, user="autre@spsti.test")
    with database.transaction() as session:
        smtp.save(session, admin, wrong, password="faux")
    said = refusal(lambda: trial(database, admin, wrong, smtp_server))
    assert said.startswith(
        "Le serveur de messagerie a refusé l'identifiant autre@spsti.test ou son mot de passe"
    )
    said = refusal(lambda: trial(database, admin, value, None))  # the system's trust only
    assert said.startswith("Le certificat du serveur de messagerie localhost n'est pas reconnu")
    said = refusal(
        lambda: trial(database, admin, replace(value, host="x" * 70 + ".fr"), None, password="x")
    )
    assert "est introuvable : vérifiez son nom" in said
    assert (
        "introuvable" in describe(socket.gaierror(-2, "Name or service not known"), value).message
    )
    with socket.socket() as silent:  # accepts the connection, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        mute = replace(value, port=silent.getsockname()[1], timeout_seconds=1)
        said = refusal(lambda: trial(database, admin, mute, None, password="x"))
    assert said == (
        f"Le serveur de messagerie localhost:{mute.port} ne répond pas (aucune réponse en 1 s)."
    )
    with pytest.raises(ValidationFailed) as refused, database.session() as session:
        send_trial(session, admin, value, "pas-une-adresse")
    assert refused.value.message == "pas-une-adresse n'est pas une adresse e-mail."


# -- the command line ----------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _french_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("BACKOFFICE_LANG", "fr")
    yield


pytestmark = pytest.mark.usefixtures("staff_password")  # --as LOGIN's password


def cli(database: Database, *args: str) -> int:
    url = database.url.render_as_string(hide_password=False)
    return main(["--database", url, "mail", *args])


def test_configure_status_and_send_from_the_command_line(
    database: Database,
    actors: dict[str, Actor],
    tmp_path: Path,
    capsys: pytest.CaptureFixture,
) -> None:
    relay = SmtpServer(tmp_path, "none").start()
    try:
        assert (
            cli(
                database,
                "configure",
                "--host",
                "127.0.0.1",
                "--port",
                str(relay.port),
                "--security",
                "none",
                "--sender",
                "envoi@spsti.test",
                "--as",
                "administrator",
            )
            == 0
        )
        assert "Serveur de messagerie paramétré : 127.0.0.1" in capsys.readouterr().out
        queue_tests(database, actors["billing"], 3)
        assert cli(database, "send", "--limit", "2", "--as", "billing") == 0
        assert "2 envoyés, 0 différés, 0 en échec." in capsys.readouterr().out
        assert cli(database, "status") == 0
        lines = capsys.readouterr().out.splitlines()
        assert any(line.split() == ["en", "attente", "1"] for line in lines), lines
        assert any(line.split() == ["envoyé", "2"] for line in lines), lines
        assert len(relay.received) == 2
    finally:
        relay.stop()
    # the server gone: the command says so and fails; the message stays queued
    assert cli(database, "send", "--as", "billing") == 1
    assert "refuse la connexion" in capsys.readouterr().err
    assert cli(database, "send", "--as", "assistante-inconnue") == 1
    assert cli(database, "send", "--as", "medical_assistant") == 1
    assert "ne vous permet pas de gérer la boîte d'envoi" in capsys.readouterr().err
    assert cli(database, "send") == 1  # the scheduled job: the system account may send
    assert "refuse la connexion" in capsys.readouterr().err
    with database.session() as session:
        from backoffice.services.mail.outbox import counts

        assert counts(session)[MailStatus.QUEUED] == 1


def test_configure_refuses_bad_input_in_one_sentence(
    database: Database, actors: dict[str, Actor], capsys: pytest.CaptureFixture
) -> None:
    code = cli(
        database,
        "configure",
        "--host",
        "smtp.spsti.test",
        "--port",
        "587",
        "--security",
        "starttls",
        "--user",
        "envoi",
        "--sender",
        "pas-une-adresse",
        "--as",
        "administrator",
    )
    assert code == 1
    assert "Expéditeur : pas-une-adresse n'est pas une adresse e-mail." in capsys.readouterr().err
