"""The service's identity: checked with the identifiers' own rules, stored all or nothing,
read back by every document."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, text

from backoffice.db import Database
from backoffice.demo.identity import demo_identity
from backoffice.identity import Address, BankAccount, Logo, ServiceIdentity
from backoffice.models import AuditEvent, ServiceBankAccount, Setting
from backoffice.services import identity
from backoffice.services.errors import Conflict, PermissionDenied, ValidationFailed
from backoffice.services.identity import Purpose
from backoffice.services.permissions import Actor

CURRENT = BankAccount(None, "Compte courant", "FR7610278030000002012340151", "CMCIFR2A")


def refusal(database: Database, actor: Actor, wanted: ServiceIdentity) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused, database.transaction() as session:
        identity.save(session, actor, wanted)
    return {error.field: error.message for error in refused.value.errors}


def test_the_tests_service_is_the_demo_one(database: Database) -> None:
    with database.session() as session:
        stored = identity.load(session)
    assert stored.legal_name == "Association Santé au Travail Rhin-Vosges"
    assert stored.siren == "879514628" and stored.vat_number == "FR45879514628"
    assert stored.address.lines == ("12 rue de la Sinne", "68100 Mulhouse")
    assert stored.invoice_account.iban == "FR7610278030000002012340151"
    assert stored.direct_debit_account.bic == "AGRIFRPP"
    assert stored.logo is not None and stored.logo.content.startswith(b"\x89PNG")


def test_bad_identifiers_are_refused_each_with_its_sentence(
    database: Database, actors: dict[str, Actor]
) -> None:
    admin = actors["administrator"]
    with database.session() as session:
        good = identity.load(session)
    wrong_key = "FR" + "46" + good.siren  # the key of another SIREN
    errors = refusal(
        database,
        admin,
        replace(
            good,
            vat_number=wrong_key,
            siret="87951462800013",
            address=replace(good.address, postcode="6810"),
            portal_url="portail.example",
            email="contact@",
            creditor_id="FR00ZZZ000000",
        ),
    )
    assert errors == {
        "vat_number": f"Numéro de TVA : {wrong_key} n'est pas un numéro de TVA français valide "
        "(FR, une clé de deux chiffres, le SIREN).",
        "siret": "SIRET : 87951462800013 n'est pas un numéro SIRET valide (14 chiffres, clé "
        "de contrôle).",
        "address.postcode": "Code postal : 6810 n'est pas un code postal français (5 chiffres).",
        "portal_url": "Adresse du portail : portail.example n'est pas une adresse web (https://…).",
        "email": "E-mail : contact@ n'est pas une adresse e-mail.",
        "creditor_id": "Identifiant créancier (ICS) : FR00ZZZ000000 n'est pas un identifiant "
        "créancier SEPA (ICS) valide.",
    }
    # A VAT number valid in itself but of another company.
    errors = refusal(database, admin, replace(good, vat_number="FR40303265045"))
    assert errors == {
        "vat_number": "Numéro de TVA : FR40303265045 n'est pas le numéro de TVA du SIREN 879514628."
    }
    with database.session() as session:
        assert identity.load(session) == good  # nothing written


def test_bank_accounts_are_checked_with_schwifty(
    database: Database, actors: dict[str, Actor]
) -> None:
    admin = actors["administrator"]
    with database.session() as session:
        good = identity.load(session)
    wrong_rib = replace(CURRENT, id=None, iban="FR7610278030000002012340152")
    errors = refusal(
        database,
        admin,
        replace(
            good,
            bank_accounts=(
                replace(good.bank_accounts[0], bic="BNPAFRPP"),
                replace(good.bank_accounts[1], for_invoices=True),
                wrong_rib,
            ),
        ),
    )
    assert set(errors) == {"bank_accounts.0.bic", "bank_accounts.2.iban", "bank_accounts"}
    assert "CMCIFR2A" in errors["bank_accounts.0.bic"]  # the BIC of the IBAN's bank
    assert errors["bank_accounts"] == (
        "Un seul compte bancaire peut être imprimé sur les factures."
    )
    errors = refusal(database, admin, replace(good, bank_accounts=(*good.bank_accounts, CURRENT)))
    assert errors == {
        "bank_accounts.2.iban": "L'IBAN FR7610278030000002012340151 figure deux fois."
    }


def test_a_logo_must_be_a_small_png_or_jpeg(database: Database, actors: dict[str, Actor]) -> None:
    admin = actors["administrator"]
    with database.session() as session:
        good = identity.load(session)
    assert refusal(database, admin, replace(good, logo=Logo("image/png", b"GIF89a..."))) == {
        "logo": "Logo : le fichier n'est pas une image lisible."
    }
    big = Logo("image/png", good.logo.content + b"\0" * identity.LOGO_MAX_BYTES)
    assert "512" in refusal(database, admin, replace(good, logo=big))["logo"]
    assert identity.logo_from_file(good.logo.content).media_type == "image/png"


def test_saving_writes_what_changed_audited_and_retires_removed_accounts(
    database: Database, actors: dict[str, Actor]
) -> None:
    admin = actors["administrator"]
    with database.session() as session:
        opened = identity.load(session)
        events_before = session.scalar(select(func.count()).select_from(AuditEvent))
    debit_account = opened.bank_accounts[1]
    wanted = replace(
        opened,
        trade_name="STRV",
        billing_phone="03 53 48 10 21",
        bank_accounts=(replace(debit_account, for_invoices=True), CURRENT),
        logo=None,
    )
    with database.transaction() as session:
        saved = identity.save(session, admin, wanted, opened=opened)
    assert saved.name == "STRV"
    assert [a.label for a in saved.bank_accounts] == ["Compte des prélèvements", "Compte courant"]
    assert saved.invoice_account.id == debit_account.id and saved.logo is None
    new_current = saved.bank_accounts[1]
    assert new_current.id != opened.bank_accounts[0].id  # a new row: the old one is retired
    with database.session() as session:
        retired = session.get(ServiceBankAccount, opened.bank_accounts[0].id)
        assert retired.retired_at is not None
        actions = session.scalars(
            select(AuditEvent.action).order_by(AuditEvent.id).offset(events_before)
        ).all()
        logo_audit = session.scalar(
            select(AuditEvent.before)
            .where(AuditEvent.summary == "service.logo")
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
    assert sorted(actions) == [
        "service_account.add",
        "service_account.edit",
        "service_account.retire",
        "settings.change",
        "settings.change",
    ]
    assert logo_audit["value"]["content"].endswith("characters>")  # not the image itself


def test_a_save_on_a_stale_form_is_refused(database: Database, actors: dict[str, Actor]) -> None:
    admin = actors["administrator"]
    with database.session() as session:
        opened = identity.load(session)
    with database.transaction() as session:
        identity.save(session, admin, replace(opened, phone="03 53 48 10 01"))
    with pytest.raises(Conflict), database.transaction() as session:
        identity.save(session, admin, replace(opened, email="autre@example.org"), opened=opened)
    with database.session() as session:
        assert identity.load(session).phone == "03 53 48 10 01"


def test_only_an_administrator_changes_it(database: Database, actors: dict[str, Actor]) -> None:
    with database.session() as session:
        opened = identity.load(session)
    with pytest.raises(PermissionDenied), database.transaction() as session:
        identity.save(session, actors["billing"], opened)


def test_documents_say_what_they_lack(database: Database, actors: dict[str, Actor]) -> None:
    with database.transaction() as session:
        session.execute(text("DELETE FROM settings WHERE key = 'service.identity'"))
        session.execute(text("UPDATE service_bank_accounts SET retired_at = CURRENT_TIMESTAMP"))
    with database.session() as session, pytest.raises(ValidationFailed) as refused:
        identity.load_for(session, Purpose.INVOICES)
    assert refused.value.message == (
        "L'identité du service (Paramètres › Identité du service) n'a pas ce qu'exigent les "
        "factures : raison sociale, adresse du siège, SIRET, numéro de TVA, compte bancaire "
        "imprimé sur les factures."
    )
    service = ServiceIdentity(
        legal_name="Service", address=Address("1 rue", "", "68100", "Mulhouse")
    )
    assert identity.missing(service, Purpose.LETTERS) == []
    assert identity.missing(service, Purpose.DIRECT_DEBITS) == [
        "identifiant créancier SEPA (ICS)",
        "compte bancaire crédité par les prélèvements",
    ]


def test_the_invoice_carries_the_services_identity_and_logo(
    database: Database, actors: dict[str, Actor]
) -> None:
    from backoffice.services.billing import documents
    from tests.billing.builders import billed_member, flat, pdf_text

    _member_id, invoice_id = billed_member(database, actors["billing"], si=3)
    with database.session() as session:
        content = documents.invoice_pdf(session, actors["billing"], invoice_id)
    [page] = pdf_text(content)
    text_ = flat(page)
    for expected in (
        "Santé au Travail Rhin-Vosges",
        "12 rue de la Sinne",
        "Tél. 03 53 48 10 00 · contact@sante-travail-rv.fr",
        "Association Santé au Travail Rhin-Vosges · Association inscrite de droit local · "
        "SIRET 87951462800012 · TVA intracommunautaire FR45879514628",
        "FR76 1027 8030 0000 0201 2340 151",  # the account printed on invoices
    ):
        assert expected in text_, expected
    assert "FR76 3000 6000" not in text_  # not the direct-debit account
    [pdf_page] = PdfReader(io.BytesIO(content)).pages
    images = [
        item
        for item in pdf_page["/Resources"]["/XObject"].values()
        if item.get_object()["/Subtype"] == "/Image"
    ]
    assert images  # the logo


def test_old_identity_settings_are_merged_by_the_migration(database: Database) -> None:
    from alembic import command

    config = database.alembic_config()
    with database.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    old_identity = {
        "name": "Santé au Travail Rhin-Vosges",
        "address_line1": "12 rue de la Sinne",
        "address_line2": "",
        "postcode": "68100",
        "city": "Mulhouse",
        "phone": "03 89 36 30 15",
        "email": "contact@sante-travail-rv.fr",
        "website": "www.sante-travail-rv.fr",
        "siret": "77564972400047",
        "vat_number": "FR46775649724",
        "assistance_phone": "03 26 48 42 13",
        "assistance_email": "assistance.portail@sante-travail-rv.fr",
        "portal_url": "https://portail.sante-travail-rv.fr",
    }
    creditor = {
        "name": "SANTE AU TRAVAIL RHIN-VOSGES",
        "creditor_id": "FR72ZZZ123456",
        "iban": "FR76 3000 6000 0112 3456 7890 189",
        "bic": "AGRIFRPP",
        "street": "12 rue de la Sinne",
        "postcode": "68100",
        "town": "Mulhouse",
        "country": "FR",
    }
    with database.transaction() as session:
        session.execute(text("DELETE FROM settings"))
        session.add_all(
            [
                Setting(key="service.identity", value=old_identity),
                Setting(key="sepa.creditor", value=creditor),
            ]
        )
    database.upgrade()
    with database.session() as session:
        merged = identity.load(session)
        assert session.get(Setting, "sepa.creditor") is None
    assert merged.legal_name == "Santé au Travail Rhin-Vosges"
    assert merged.address == Address("12 rue de la Sinne", "", "68100", "Mulhouse", "FR")
    assert merged.website == "https://www.sante-travail-rv.fr"
    assert merged.creditor_id == "FR72ZZZ123456"
    assert merged.bank_accounts == (
        BankAccount(
            merged.bank_accounts[0].id,
            "Compte principal",
            "FR7630006000011234567890189",
            "AGRIFRPP",
            for_invoices=True,
            for_direct_debits=True,
        ),
    )


def test_the_demo_identity_is_valid_and_coherent() -> None:
    service = identity.normalised(demo_identity())
    assert identity.problems(service) == []
    domains = {
        address.rsplit("@", 1)[1]
        for address in (service.email, service.billing_email, service.assistance_email)
    }
    assert domains == {"sante-travail-rv.fr"}
    assert service.portal_url.endswith("sante-travail-rv.fr")
    assert service.vat_number.endswith(service.siren)
    phones = (service.phone, service.billing_phone, service.assistance_phone)
    assert all(phone.startswith("03 53 48") for phone in phones)  # ARCEP's fiction range


def test_the_demo_fills_in_the_whole_identity(database: Database) -> None:
    from backoffice.demo.generate import DemoOptions, generate

    with database.transaction() as session:
        session.execute(text("DELETE FROM settings"))
        session.execute(text("DELETE FROM service_bank_accounts"))
    generate(database, DemoOptions(members=3, seed=1))
    with database.session() as session:
        for purpose in Purpose:
            stored = identity.load_for(session, purpose)
    expected = identity.normalised(demo_identity())
    assert stored == replace(
        expected,
        bank_accounts=tuple(
            replace(account, id=saved.id)
            for account, saved in zip(expected.bank_accounts, stored.bank_accounts, strict=True)
        ),
    )
