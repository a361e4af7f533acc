"""The SMTP settings (password in the keyring) and the editable French templates."""

from __future__ import annotations

import keyring
import pytest

from backoffice.db import Database
from backoffice.models import MailKind
from backoffice.services import identity as identity_service
from backoffice.services.errors import PermissionDenied, ValidationFailed
from backoffice.services.mail import settings as smtp
from backoffice.services.mail import templates
from backoffice.services.permissions import Actor


def test_settings_are_stored_and_the_password_goes_to_the_keyring(
    database: Database, actors: dict[str, Actor]
) -> None:
    value = smtp.SmtpSettings(
        host="smtp.example.org",
        port=587,
        security=smtp.Security.STARTTLS,
        user="envoi",
        sender_name="SPSTI",
        sender_address="noreply@example.org",
        per_minute=120,
    )
    with database.transaction() as session:
        smtp.save(session, actors["administrator"], value, password="s3cret")
    with database.session() as session:
        loaded = smtp.load(session)
        stored = session.execute(
            __import__("sqlalchemy").text("SELECT value FROM settings WHERE key = 'mail.smtp'")
        ).scalar_one()
    assert loaded == value
    assert "s3cret" not in str(stored)
    assert keyring.get_password("backoffice", "smtp:envoi@smtp.example.org:587") == "s3cret"
    assert loaded.password() == "s3cret"


def test_bad_settings_are_refused_in_french(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        smtp.save(
            session,
            actors["administrator"],
            smtp.SmtpSettings(host="", port=0, sender_address="pas-une-adresse", per_minute=0),
        )
    fields = {error.field for error in refused.value.errors}
    assert fields == {"host", "port", "sender_address", "per_minute"}
    assert "n'est pas une adresse e-mail" in refused.value.message
    with database.transaction() as session, pytest.raises(PermissionDenied):
        smtp.save(session, actors["billing"], smtp.SmtpSettings(host="h", sender_address="a@b.fr"))


def test_an_unknown_field_in_a_template_is_refused(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        templates.save(
            session, actors["administrator"], MailKind.INVOICE, "Facture {numero}", "Bonjour"
        )
    assert refused.value.errors[0].field == "subject"
    assert "le champ {numero} n'existe pas" in refused.value.message
    assert "{invoice_number}" in refused.value.message  # the fields it may use are listed
    with database.transaction() as session, pytest.raises(ValidationFailed) as refused:
        templates.save(session, actors["administrator"], MailKind.INVOICE, "Facture {", "x")
    assert "accolade" in refused.value.message


def test_an_edited_template_is_used_and_can_be_restored(
    database: Database, actors: dict[str, Actor]
) -> None:
    with database.transaction() as session:
        templates.save(
            session,
            actors["administrator"],
            MailKind.TEST,
            "Essai {service_name}",
            "Bonjour,\n\n- un\n- deux <b>\n\n{sent_by}",
        )
    with database.session() as session:
        template = templates.load(session, MailKind.TEST)
        identity = identity_service.load(session)
    values = {**templates.common_values(identity, "ACME", "100001"), "sent_by": "Élise Dupré"}
    rendered = templates.render(template, values, identity)
    assert rendered.subject == f"Essai {identity.name}"
    assert rendered.text.endswith("Élise Dupré")
    assert "<li>deux &lt;b&gt;</li>" in rendered.html
    with database.transaction() as session:
        restored = templates.restore_default(session, actors["administrator"], MailKind.TEST)
    assert not restored.edited and restored.subject == templates.DEFAULTS[MailKind.TEST][0]


def test_every_default_template_uses_only_its_fields() -> None:
    for kind, (subject, text) in templates.DEFAULTS.items():
        assert templates.template_problems(kind, subject, text) == [], kind
    assert set(templates.DEFAULTS) == set(MailKind)


def test_a_stored_template_naming_an_unknown_field_says_so(database: Database) -> None:
    template = templates.Template(MailKind.TEST, "Essai {inconnu}", "x", edited=True)
    with database.session() as session:
        identity = identity_service.load(session)
    with pytest.raises(templates.TemplateProblem) as problem:
        templates.render(template, {"sent_by": "x"}, identity)
    assert "{inconnu}" in problem.value.message and "n'existe pas" in problem.value.message


def test_amounts_stay_on_one_line_in_the_html(database: Database) -> None:
    """French amounts group thousands with U+202F, which some mail programs break at."""
    with database.session() as session:
        service = identity_service.load(session)
    page = templates.to_html("Facture", "Un montant de 1\u202f332,94\u00a0€.", service)
    assert "1&nbsp;332,94\u00a0€" in page and "\u202f" not in page


def test_a_reminder_subject_agrees_with_the_number_of_invoices() -> None:
    from backoffice.services.mail.documents import invoices_phrase

    assert invoices_phrase(["FA-2027-000001"]) == "facture FA-2027-000001"
    assert invoices_phrase(["FA-2027-000001", "FA-2027-000002"]) == (
        "factures FA-2027-000001, FA-2027-000002"
    )
    subject, _ = templates.DEFAULTS[MailKind.REMINDER]
    assert "{invoices}" in subject and "facture {" not in subject
