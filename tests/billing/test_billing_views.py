"""The billing page driven like a user: campaign, invoices, payments, credit notes,
re-planning, overdue reminders, declarations and tariffs (pytest-qt, offscreen)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from sqlalchemy import func, select

from backoffice.db import Database
from backoffice.models import (
    CreditNote,
    DocumentChannel,
    Invoice,
    InvoiceKind,
    MailKind,
    MailMessage,
    MailStatus,
    Payment,
    PaymentReminder,
    Role,
    Tariff,
    WorkforceDeclaration,
)
from backoffice.ops.context import AppContext
from backoffice.services.actors import actor_of
from backoffice.services.billing import campaign_issue, credit_notes
from backoffice.services.billing.invoice_lists import MemberRef, Settlement
from backoffice.services.mail import sender
from backoffice.services.mail.documents import Delivery
from backoffice.views.billing import campaign_tab, invoice_mailing, invoices_tab, overdue_tab
from backoffice.views.billing.credit_note_dialog import CreditNoteDialog
from backoffice.views.billing.declarations_tab import DeclarationDialog
from backoffice.views.billing.page import BillingPage
from backoffice.views.billing.payment_dialog import PaymentDialog
from backoffice.views.billing.replan_dialog import ReplanDialog
from backoffice.views.billing.single_invoice_dialogs import SingleInvoiceDialog
from backoffice.views.widgets import delivery as delivery_widgets
from backoffice.views.widgets.invoice_dialog import InvoiceRef
from backoffice.views.widgets.lists import SearchProxy
from tests import factories
from tests.billing.builders import (
    billed_member,
    declare,
    flat,
    instalments_of,
    long_overdue,
    pdf_text,
)
from tests.mail.conftest import configure
from tests.mail.smtp_server import SmtpServer
from tests.view_fixtures import finished

pytestmark = [pytest.mark.gui, pytest.mark.usefixtures("no_error_dialog")]


@pytest.fixture
def context(billing_context: AppContext) -> AppContext:
    return billing_context


@pytest.fixture
def page(billing_page: BillingPage) -> BillingPage:
    return billing_page


def count(database: Database, model: type, *conditions: object) -> int:
    with database.session() as session:
        return session.scalar(select(func.count()).select_from(model).where(*conditions))


def test_the_dashboard_card_opens_the_overdue_tab(
    context: AppContext, page: BillingPage, qtbot, qtmodeltester
) -> None:
    member_id, _invoice = long_overdue(context.database, context.actor)
    page.open({"tab": "overdue"})
    assert page.current_tab() is page.overdue
    qtbot.waitUntil(lambda: page.overdue.model.rowCount() == 3, timeout=10000)
    qtmodeltester.check(page.overdue.model)
    qtmodeltester.check(page.overdue.proxy)
    assert "1 260,00" in page.overdue.summary.text().replace("\u202f", " ")
    page.overdue.search.setText("nothing-matches-this")
    page.overdue.search._fire()
    assert page.overdue.proxy.rowCount() == 0
    page.overdue.search.setText("")
    page.overdue.search._fire()
    page.overdue.minimum_days.setValue(300)
    assert page.overdue.proxy.rowCount() == 1  # only 15/03/2026 is 332 days late
    assert member_id


def test_reminder_letters_for_a_selection(
    context: AppContext, page: BillingPage, qtbot, tmp_path: Path, monkeypatch
) -> None:
    long_overdue(context.database, context.actor)
    target = tmp_path / "relances.pdf"
    monkeypatch.setattr(overdue_tab, "ask_save_path", lambda *args: target)
    monkeypatch.setattr(overdue_tab, "inform", lambda *args: None)
    page.open({"tab": "overdue"})
    qtbot.waitUntil(lambda: page.overdue.model.rowCount() == 3, timeout=10000)
    page.overdue.table.selectAll()
    page.overdue.send_reminders()
    finished(qtbot, context)
    assert "Relance" in pdf_text(target.read_bytes())[0]
    qtbot.waitUntil(lambda: count(context.database, PaymentReminder) == 3, timeout=10000)


def test_reminders_all_by_email_print_nothing(
    context: AppContext, page: BillingPage, qtbot, tmp_path: Path, monkeypatch
) -> None:
    """With a mail server set and members taking their mail by e-mail, the reminders are
    queued in the outbox: no empty PDF is written or shown, the count is said."""
    from backoffice.services.mail import settings as smtp

    with context.database.transaction() as session:
        admin = actor_of(factories.staff(session, Role.ADMINISTRATOR, login="chef"))
        smtp.save(
            session,
            admin,
            smtp.SmtpSettings(host="127.0.0.1", port=2525, sender_address="envoi@spsti.test"),
        )
    long_overdue(context.database, context.actor)
    target = tmp_path / "relances.pdf"
    said: list[str] = []
    asked: list[str] = []
    monkeypatch.setattr(
        delivery_widgets,
        "ask_delivery",
        lambda _parent, _title, question: asked.append(question) or Delivery.PREFERENCE,
    )
    monkeypatch.setattr(overdue_tab, "ask_save_path", lambda *args: target)
    monkeypatch.setattr(overdue_tab, "inform", lambda _parent, _title, text: said.append(text))
    page.open({"tab": "overdue"})
    qtbot.waitUntil(lambda: page.overdue.model.rowCount() == 3, timeout=10000)
    page.overdue.table.selectAll()
    page.overdue.send_reminders()
    finished(qtbot, context)
    qtbot.waitUntil(lambda: bool(said), timeout=10000)
    assert asked[0].startswith("1 adhérent, 3 échéances : comment les relances")
    assert said == [
        "1 relance placée dans la boîte d'envoi (par e-mail), 0 relance à imprimer (par courrier)."
    ]
    assert not target.exists()


def test_preview_then_issue_the_campaign(
    context: AppContext, page: BillingPage, qtbot, qtmodeltester, monkeypatch
) -> None:
    with context.database.transaction() as session:
        factories.tariff(session, 2027)
        for headcount in (3, 8):
            declare(session, factories.member(session), 2027, headcount)
        factories.member(session)  # not declared
    asked = []
    monkeypatch.setattr(
        campaign_tab,
        "confirm",
        lambda _parent, title, *_rest: asked.append(title) or (len(asked) == 1),
    )
    page.open({"tab": "campaign"})
    page.campaign.year.setValue(2027)
    page.campaign.run_preview()
    qtbot.waitUntil(lambda: page.campaign.planned.rowCount() == 2, timeout=10000)
    qtmodeltester.check(page.campaign.planned)
    qtmodeltester.check(page.campaign.anomalies)
    assert page.campaign.anomalies.rowCount() == 1
    assert "2 factures à émettre</b> le " in page.campaign.summary.text()
    assert "(11 salariés, " in page.campaign.summary.text()
    page.campaign.issue()
    qtbot.waitUntil(lambda: count(context.database, Invoice) == 2, timeout=10000)
    qtbot.waitUntil(lambda: page.campaign.runs.rowCount() == 1, timeout=10000)
    assert asked == ["Émettre la campagne 2027", "Campagne émise"]  # then declined to print
    assert page.campaign.planned.rowCount() == 0


def test_a_payment_recorded_from_the_invoice(
    context: AppContext, page: BillingPage, qtbot, qtmodeltester, monkeypatch
) -> None:
    member_id, invoice_id = billed_member(context.database, context.actor, si=10)
    page.invoices.year.setCurrentIndex(page.invoices.year.findData(2027))
    page.open({"tab": "invoices"})
    qtbot.waitUntil(lambda: page.invoices.model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(page.invoices.model)
    page.invoices.table.selectRow(0)
    qtbot.waitUntil(lambda: page.invoices.detail.detail is not None, timeout=10000)
    assert page.invoices.detail.schedule.rowCount() == 3
    credit_notes_model = page.invoices.detail.credit_notes
    headers = [
        credit_notes_model.headerData(column, Qt.Orientation.Horizontal)
        for column in range(credit_notes_model.columnCount())
    ]
    assert "Avoir total" in headers and "Total" not in headers  # « Total : Non » misread
    dialog = PaymentDialog(
        context,
        page,
        MemberRef(member_id, "M", "M"),
        126000,
        InvoiceRef(invoice_id, "FA-2027-000001"),
    )
    qtbot.addWidget(dialog)
    dialog.amount.setText("1 300,00")
    confirmations = []
    monkeypatch.setattr(
        "backoffice.views.bank.overpayment.confirm",
        lambda *args: confirmations.append(args[2]) or True,
    )
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert "dépasse ce qui est dû" in confirmations[0]
    assert dialog.result.credit_cents == 4000
    qtbot.waitUntil(
        lambda: (
            page.invoices.model.rowCount() == 1
            and page.invoices.model.row_at(0).remaining_cents == 0
        ),
        timeout=10000,
    )
    assert count(context.database, Payment) == 1


def test_refused_input_stays_in_the_form(context: AppContext, qtbot) -> None:
    member_id, invoice_id = billed_member(context.database, context.actor, si=10)
    dialog = PaymentDialog(
        context, None, MemberRef(member_id, "M", "M"), 126000, InvoiceRef(invoice_id, "FA")
    )
    qtbot.addWidget(dialog)
    dialog.amount.setText("douze euros")
    dialog.submit()
    assert "n'est pas un montant" in dialog.errors.text()
    assert dialog.amount.text() == "douze euros"
    dialog.amount.setText("-5")
    dialog.submit()
    qtbot.waitUntil(lambda: "positif" in dialog.errors.text(), timeout=10000)
    assert count(context.database, Payment) == 0


def test_credit_note_and_replan_dialogs(context: AppContext, qtbot) -> None:
    _member, invoice_id = billed_member(context.database, context.actor, si=10)
    with context.database.session() as session:
        left = credit_notes.creditable(session, session.get(Invoice, invoice_id))
    dialog = CreditNoteDialog(context, None, InvoiceRef(invoice_id, "FA-2027-000001"), 2000, left)
    qtbot.addWidget(dialog)
    dialog.partial.setChecked(True)
    qtbot.keyClicks(dialog.amount, "250")
    effect = dialog.effect.text().replace("\u202f", " ").replace("\u00a0", " ")
    assert effect == "TVA 50,00 €, avoir de 300,00 € TTC"
    dialog.submit()
    qtbot.waitUntil(lambda: "Motif" in dialog.errors.text(), timeout=10000)
    dialog.reason.setText("Salarié parti")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert count(context.database, CreditNote) == 1
    replan = ReplanDialog(context, None, InvoiceRef(invoice_id, "FA-2027-000001"), 126000 - 30000)
    qtbot.addWidget(replan)
    replan.dates.set_dates([date(2027, 4, 1), date(2027, 6, 1)])
    assert "01/04/2027 : 480,00" in replan.split.text().replace("\u202f", " ")
    replan.submit()
    qtbot.waitUntil(lambda: replan.result is not None, timeout=10000)
    with context.database.session() as session:
        live = instalments_of(session, invoice_id)
    assert [item.due_on for item in live] == [
        date(2027, 3, 15),  # partly credited: keeps its credited part
        date(2027, 4, 1),
        date(2027, 6, 1),
    ]


def test_a_regularisation_from_its_dialog(context: AppContext, qtbot) -> None:
    member_id, _invoice = billed_member(context.database, context.actor, si=2)
    with context.database.session() as session:
        member = MemberRef(member_id, session.get(factories.Member, member_id).member_code, "X")
    dialog = SingleInvoiceDialog(context, None, InvoiceKind.REGULARISATION, member)
    qtbot.addWidget(dialog)
    dialog.year.setValue(2027)
    dialog.counts[next(iter(dialog.counts))].setValue(2)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert dialog.result.number == "FA-2027-000002"
    assert count(context.database, Invoice, Invoice.kind == InvoiceKind.REGULARISATION) == 1


def test_export_the_year_and_print_an_invoice(
    context: AppContext, page: BillingPage, qtbot, tmp_path: Path, monkeypatch
) -> None:
    billed_member(context.database, context.actor, si=10)
    saved = iter([tmp_path / "echeanciers.xlsx", tmp_path / "facture.pdf"])
    monkeypatch.setattr(invoices_tab, "ask_save_path", lambda *args: next(saved))
    monkeypatch.setattr(invoices_tab, "confirm", lambda *args: True)
    monkeypatch.setattr(invoices_tab, "inform", lambda *args: None)
    page.invoices.year.setCurrentIndex(page.invoices.year.findData(2027))
    page.open({"tab": "invoices"})
    qtbot.waitUntil(lambda: page.invoices.model.rowCount() == 1, timeout=10000)
    page.invoices.export()
    finished(qtbot, context)
    assert load_workbook(tmp_path / "echeanciers.xlsx").active["C2"].value == "FA-2027-000001"
    page.invoices.table.selectRow(0)
    page.invoices.invoice_pdf()
    finished(qtbot, context)
    assert "FA-2027-000001" in pdf_text((tmp_path / "facture.pdf").read_bytes())[0]


def test_unpaid_filter_and_search(context: AppContext, page: BillingPage, qtbot) -> None:
    billed_member(context.database, context.actor, si=10)
    billed_member(context.database, context.actor, si=3)
    page.invoices.year.setCurrentIndex(page.invoices.year.findData(2027))
    page.invoices.settlement.setCurrentIndex(page.invoices.settlement.findData(Settlement.PAID))
    page.open({"tab": "invoices"})
    qtbot.waitUntil(lambda: page.invoices.count.text() == "0 facture", timeout=10000)
    page.invoices.settlement.setCurrentIndex(page.invoices.settlement.findData(Settlement.UNPAID))
    qtbot.waitUntil(lambda: page.invoices.model.rowCount() == 2, timeout=10000)
    page.open({"invoice": "FA-2027-000002"})
    qtbot.waitUntil(
        lambda: (
            page.invoices.current() is not None
            and page.invoices.current().number == "FA-2027-000002"
        ),
        timeout=10000,
    )


def test_declarations_entered_by_staff(
    context: AppContext, page: BillingPage, qtbot, qtmodeltester
) -> None:
    with context.database.transaction() as session:
        member = factories.member(session, legal_name="SANS DÉCLARATION")
        member_id = member.id
    page.open({"tab": "declarations"})
    page.declarations.year.setValue(2027)
    page.declarations.mode.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.declarations.undeclared.rowCount() == 1, timeout=10000)
    qtmodeltester.check(page.declarations.undeclared)
    qtmodeltester.check(page.declarations.proxies[1])
    dialog = DeclarationDialog(context, page, MemberRef(member_id, "", "SANS DÉCLARATION"), 2027)
    qtbot.addWidget(dialog)
    dialog.counts[0].setValue(7)
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=10000)
    assert count(context.database, WorkforceDeclaration) == 1
    qtbot.waitUntil(lambda: page.declarations.undeclared.rowCount() == 0, timeout=10000)


def test_tariff_warning_as_typed_and_locked_once_used(
    context: AppContext, page: BillingPage, qtbot, qtmodeltester
) -> None:
    billed_member(context.database, context.actor, si=2)  # the 2027 tariff is used
    page.open({"tab": "tariffs"})
    qtbot.waitUntil(lambda: page.tariffs.model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(page.tariffs.model)
    assert page.tariffs.current is not None and page.tariffs.current.locked
    assert not page.tariffs.save_button.isEnabled()
    assert page.tariffs.form.amounts["price_si_cents"].isReadOnly()
    page.tariffs._propose(replace(page.tariffs.current.values, year=2028))
    price = page.tariffs.form.amounts["price_si_cents"]
    assert not price.isReadOnly()
    price.clear()
    qtbot.keyClicks(price, "200,00")
    assert "SI" in page.tariffs.form.warnings.text()
    page.tariffs.save()
    qtbot.waitUntil(lambda: count(context.database, Tariff) == 2, timeout=10000)
    with context.database.session() as session:
        assert session.scalar(select(Tariff.price_si_cents).where(Tariff.year == 2028)) == 20000


def test_the_search_proxy_ignores_accents_and_case(qtmodeltester) -> None:
    from backoffice.views.widgets.rows_model import Column, RowsModel

    model: RowsModel[str] = RowsModel([Column("Nom", lambda row: row)])
    model.set_rows(["Société Générale", "Crédit Mutuel", "ÉLECTRICITÉ"])
    proxy = SearchProxy()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.search("societe")
    assert proxy.rowCount() == 1
    proxy.search("electricite")
    assert proxy.index(0, 0).data() == "ÉLECTRICITÉ"
    proxy.search("")
    assert proxy.rowCount() == 3


# -- by e-mail or by post (issue 17, 3) ---------------------------------------------------


@pytest.fixture
def smtp_server(context: AppContext, tmp_path: Path) -> Iterator[SmtpServer]:
    """A real SMTP server, set in Paramètres › E-mails."""
    server = SmtpServer(tmp_path, "none").start()
    with context.database.transaction() as session:
        admin = actor_of(factories.staff(session, Role.ADMINISTRATOR, login="chef"))
    configure(context.database, admin, server)
    yield server
    server.stop()


def outbox(database: Database) -> list[tuple[MailKind, int | None, MailStatus]]:
    with database.session() as session:
        return [
            (message.kind, message.record_id, message.status)
            for message in session.scalars(select(MailMessage).order_by(MailMessage.id))
        ]


def test_one_invoice_sent_by_email_from_the_invoices_tab(
    context: AppContext, page: BillingPage, qtbot, qtmodeltester, monkeypatch, smtp_server
) -> None:
    _member, invoice_id = billed_member(context.database, context.actor, si=10)
    said: list[str] = []
    monkeypatch.setattr(invoice_mailing, "inform", lambda _p, _t, text: said.append(text))
    page.invoices.year.setCurrentIndex(page.invoices.year.findData(2027))
    page.open({"tab": "invoices"})
    qtbot.waitUntil(lambda: page.invoices.model.rowCount() == 1, timeout=10000)
    qtmodeltester.check(page.invoices.model)
    button = page.invoices.findChild(QPushButton, "action_email_invoices")
    assert button.text() == "Envoyer par e-mail… (Ctrl+Maj+E)" and button.isVisible()
    page.invoices.table.selectRow(0)
    button.click()  # one invoice: by e-mail, no question
    qtbot.waitUntil(lambda: bool(said), timeout=10000)
    assert said[0].startswith("1 facture placée dans la boîte d'envoi (par e-mail), 0 facture")
    assert outbox(context.database) == [(MailKind.INVOICE, invoice_id, MailStatus.QUEUED)]
    button.click()  # never twice
    qtbot.waitUntil(lambda: len(said) == 2, timeout=10000)
    assert "1 facture déjà dans la boîte d'envoi" in said[1]
    assert sender.send_queued(context.database, context.actor).sent == 1
    [received] = smtp_server.received
    [attachment] = list(received.message.iter_attachments())
    assert attachment.get_filename() == "facture-FA-2027-000001.pdf"
    finished(qtbot, context)


def test_a_campaign_run_by_email_as_each_member_prefers(
    context: AppContext, page: BillingPage, qtbot, monkeypatch, tmp_path: Path, smtp_server
) -> None:
    """The members by post get their invoice printed (offered in one PDF); a member
    without an address has its message kept back, said, and its invoice printed too."""
    with context.database.transaction() as session:
        factories.tariff(session, 2027)
        members = [factories.member(session) for _ in range(3)]
        for member in members:
            declare(session, member, 2027, 4)
        members[1].documents_by = DocumentChannel.POST
        members[2].email = None
        ids = [member.id for member in members]
    with context.database.transaction() as session:
        campaign_issue.issue(session, context.actor, 2027)
    with context.database.session() as session:
        numbers = {
            invoice.member_id: (invoice.id, invoice.number)
            for invoice in session.scalars(select(Invoice))
        }
    questions: list[str] = []
    monkeypatch.setattr(
        invoice_mailing,
        "ask_delivery",
        lambda _parent, _title, question: questions.append(question) or Delivery.PREFERENCE,
    )
    confirmed: list[str] = []
    monkeypatch.setattr(
        invoice_mailing, "confirm", lambda _p, _t, text, _a: confirmed.append(text) or True
    )
    target = tmp_path / "par-courrier.pdf"
    monkeypatch.setattr(invoice_mailing, "ask_save_path", lambda *args: target)
    shown: list[bytes] = []
    monkeypatch.setattr(invoice_mailing, "show_pdf", lambda _p, _t, pdf, **_k: shown.append(pdf))
    page.open({"tab": "campaign"})
    page.campaign.year.setValue(2027)
    qtbot.waitUntil(lambda: page.campaign.runs.rowCount() == 1, timeout=10000)
    page.campaign.run_table.selectRow(0)
    page.campaign.findChild(QPushButton, "action_email_run").click()
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert questions[0].startswith("3 factures : chacune avec son PDF")
    assert confirmed[0].startswith(
        "1 facture placée dans la boîte d'envoi (par e-mail), 2 factures à imprimer (par courrier)."
    )
    assert "1 message retenu, imprimé à la place" in confirmed[0]
    assert "n'a pas d'adresse e-mail pour" in confirmed[0]
    printed = flat(" ".join(pdf_text(shown[0])))
    assert numbers[ids[1]][1] in printed and numbers[ids[2]][1] in printed
    assert numbers[ids[0]][1] not in printed
    assert sorted(outbox(context.database)) == sorted(
        [
            (MailKind.INVOICE, numbers[ids[0]][0], MailStatus.QUEUED),
            (MailKind.INVOICE, numbers[ids[2]][0], MailStatus.FAILED),
        ]
    )
    finished(qtbot, context)


def test_the_delivery_choice_defaults_to_each_member_s_preference(qtbot) -> None:
    dialog = delivery_widgets.DeliveryDialog(None, "Relances", "Comment ?")
    qtbot.addWidget(dialog)
    labels = [button.text() for button in dialog.choices.values()]
    assert labels == [
        "Selon la préférence de chaque adhérent",
        "Par e-mail",
        "Par courrier (impression)",
    ]
    assert dialog.delivery() == Delivery.PREFERENCE
    dialog.choices[Delivery.POST].click()
    assert dialog.delivery() == Delivery.POST


def test_without_a_mail_server_reminders_are_printed_without_a_question(
    context: AppContext, page: BillingPage, qtbot, tmp_path: Path, monkeypatch
) -> None:
    long_overdue(context.database, context.actor)
    monkeypatch.setattr(delivery_widgets, "ask_delivery", None)  # never asked
    target = tmp_path / "relances.pdf"
    monkeypatch.setattr(overdue_tab, "ask_save_path", lambda *args: target)
    notes: list[str] = []
    monkeypatch.setattr(overdue_tab, "show_pdf", lambda *_a, note, **_k: notes.append(note))
    page.open({"tab": "overdue"})
    qtbot.waitUntil(lambda: page.overdue.model.rowCount() == 3, timeout=10000)
    page.overdue.table.selectAll()
    page.overdue.findChild(QPushButton, "action_send_reminders").click()
    qtbot.waitUntil(lambda: bool(notes), timeout=10000)
    assert notes[0].startswith(
        "0 relance placée dans la boîte d'envoi (par e-mail), 1 relance à imprimer (par courrier)."
    )
    assert target.exists() and outbox(context.database) == []


def test_after_issuing_the_campaign_its_invoices_are_offered_by_email(
    context: AppContext, page: BillingPage, qtbot, monkeypatch, smtp_server
) -> None:
    with context.database.transaction() as session:
        factories.tariff(session, 2027)
        for headcount in (3, 8):
            declare(session, factories.member(session), 2027, headcount)
    asked: list[str] = []
    monkeypatch.setattr(
        campaign_tab, "confirm", lambda _parent, title, *_rest: asked.append(title) or True
    )
    monkeypatch.setattr(invoice_mailing, "ask_delivery", lambda *_args: Delivery.PREFERENCE)
    said: list[str] = []
    monkeypatch.setattr(invoice_mailing, "inform", lambda _p, _t, text: said.append(text))
    page.open({"tab": "campaign"})
    page.campaign.year.setValue(2027)
    page.campaign.run_preview()
    qtbot.waitUntil(lambda: page.campaign.planned.rowCount() == 2, timeout=10000)
    page.campaign.issue()
    qtbot.waitUntil(lambda: bool(said), timeout=20000)
    assert asked == ["Émettre la campagne 2027", "Campagne émise"]
    assert said == [
        "2 factures placées dans la boîte d'envoi (par e-mail), 0 facture à imprimer "
        "(par courrier)."
    ]
    assert [kind for kind, _id, _status in outbox(context.database)] == [MailKind.INVOICE] * 2
    finished(qtbot, context)
