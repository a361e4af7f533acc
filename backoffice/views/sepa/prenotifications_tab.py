"""Pré-notifications: announce the collection of a date to the members (letters to
print, emails to send), and print or send a notice again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import ntr, tr, trc
from backoffice.ops.context import AppContext, ChangeNotice
from backoffice.reports.sepa.prenotification import Notice
from backoffice.services.permissions import Permission
from backoffice.services.sepa import creditor, prenotifications, queries
from backoffice.services.sepa.prenotifications import Channel, EmailPreview, PrenotificationBatch
from backoffice.services.sepa.queries import PrenotificationRow
from backoffice.views import formatting, labels
from backoffice.views.sepa.common import SEPA_TABLES
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import confirm, inform, note
from backoffice.views.widgets.files import ask_folder, pdf_filter, save_as, write_whole
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.preview import show_pdf
from backoffice.views.widgets.rows_model import Column, RowsModel, date_column, money_column
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable


def notice_columns() -> list[Column[PrenotificationRow]]:
    return [
        Column(tr("Member"), lambda r: r.member_code),
        Column(tr("Company"), lambda r: r.member_name),
        Column(tr("RUM"), lambda r: r.rum),
        Column(trc("channel", "Sent by"), lambda r: labels.channel(r.channel)),
        date_column(tr("Notified on"), lambda r: r.notified_on),
        Column(
            tr("Collection date"),
            lambda r: formatting.day(r.collection_date),
            lambda r: r.collection_date,
        ),
        money_column(tr("Amount"), lambda r: r.total_cents),
        Column(tr("Instalments"), lambda r: str(r.instalments), lambda r: r.instalments),
    ]


class EmailDialog(QDialog):
    """The email of a notice: recipient, subject, text, and a button to copy it."""

    def __init__(self, parent: QWidget | None, preview: EmailPreview) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Email of the pre-notification"))
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(tr("To: {to}", to=preview.recipient or tr("(no address)"))))
        layout.addWidget(QLabel(tr("Subject: {subject}", subject=preview.subject)))
        self.text = QPlainTextEdit(preview.body)
        self.text.setReadOnly(True)
        layout.addWidget(self.text)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = box.addButton(tr("Copy the text"), QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(preview.body))
        box.rejected.connect(self.reject)
        layout.addWidget(box)


class PrenotificationsTab(LiveTab):
    TABLES = SEPA_TABLES

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.notice_days = 14
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(tr("Collection date")))
        self.date = DateInput(clock.today())
        self.date.day_changed.connect(lambda _day: self._date_changed())
        bar.addWidget(self.date)
        self.channel = QComboBox()
        self.channel.addItem(tr("Email when the member has an address, else letter"), Channel.AUTO)
        self.channel.addItem(tr("All by letter"), Channel.LETTER)
        bar.addWidget(self.channel)
        self.notify_button = self.actions.button("notify")
        bar.addWidget(self.notify_button)
        bar.addStretch()
        layout.addLayout(bar)
        self.short_notice = QCheckBox(tr("Shorter notice agreed with the members"))
        layout.addWidget(self.short_notice)  # a row of its own: the tab fits a laptop's screen
        self.rule = note()
        layout.addWidget(self.rule)
        self.search = SearchBox(tr("Filter: member, RUM…"))
        layout.addWidget(self.search)
        self.model: RowsModel[PrenotificationRow] = RowsModel(
            notice_columns(), key=lambda row: row.id
        )
        self.table = DataTable("sepa_prenotifications")
        proxy = searchable(self.table, self.model, 1)
        self.search.search.connect(proxy.search)
        self.table.activated_row.connect(lambda _row: self.actions.run("show_email"))
        layout.addWidget(self.table, 1)
        self.count = QLabel()
        layout.addLayout(
            self.actions.bar("print_again", "save_emails_again", "show_email", count=self.count)
        )
        self.actions.list_menu(self.table, "show_email", "print_again", "save_emails_again")

    def load(self) -> None:
        if not self.date.is_valid():
            return
        actor, day = self.context.actor, self.date.day()
        self.query(
            lambda session: (
                creditor.notice_days(session),
                queries.list_prenotifications(session, actor, collection_date=day),
            ),
            self._show,
        )

    def _date_changed(self) -> None:
        if self.loaded_once:
            self.mark_stale()

    def on_own_change(self, notice: ChangeNotice) -> None:
        """Pre-notifying reloads the list itself, before saying what was done."""

    def _show(self, result: tuple[int, list[PrenotificationRow]]) -> None:
        self.notice_days, rows = result
        day = self.date.day()
        assert day is not None
        latest = day - timedelta(days=self.notice_days)
        self.rule.setText(
            tr(
                "Notice of {days} days: for a collection on {day}, the members must be "
                "notified by {latest}.",
                days=self.notice_days,
                day=formatting.day(day),
                latest=formatting.day(latest),
            )
            + (" " + tr("That day is past.") if latest < clock.today() else "")
        )
        self.model.set_rows(rows)
        self.count.setText(
            ntr("{count} member notified", "{count} members notified", len(rows))
            + " · "
            + formatting.amount(sum(row.total_cents for row in rows))
        )

    # -- notify ---------------------------------------------------------------------------

    @action(lambda: tr("Pre-notify…"), shortcut="Ctrl+Return", permission=Permission.SEPA_MANAGE)
    def notify(self) -> None:
        """Record the pre-notifications of the collection date, then letters and emails."""
        try:
            day = self.date.day()
        except ValueError as error:
            inform(self, tr("Pre-notify"), str(error))
            return
        assert day is not None
        if not confirm(
            self,
            tr("Pre-notify"),
            tr(
                "Record a pre-notification for every member the collection of {day} will "
                "debit, and produce the letters and emails?",
                day=formatting.day(day),
            ),
            tr("Pre-notify"),
        ):
            return
        actor, channel, short = (
            self.context.actor,
            self.channel.currentData(),
            self.short_notice.isChecked(),
        )
        self.write(
            lambda session, progress: prenotifications.prenotify(
                session, actor, day, channel=channel, short_notice=short, progress=progress
            ),
            tr("Pre-notifying the members…"),
            feedback=Feedback.CANCELLABLE,
        ).success(self._notified).run()

    def _notified(self, batch: PrenotificationBatch) -> None:
        self.load()
        message = tr(
            "{count} members pre-notified: {letters} letters to print, {emails} emails to "
            "send; {already} already notified for this date.",
            count=len(batch.notices),
            letters=len(batch.letters),
            emails=len(batch.emails),
            already=batch.already_notified,
        )
        if batch.queued:
            message += "\n" + tr(
                "{count} emails queued in the outbox: they leave by themselves.",
                count=len(batch.queued),
            )
        if batch.skipped:
            message += (
                "\n\n"
                + tr("Left out:")
                + "\n"
                + "\n".join(
                    f"{item.member_code} {item.member_name}: {item.reason}"
                    for item in batch.skipped[:15]
                )
            )
        inform(self, tr("Pre-notify"), message)
        self.deliver(list(batch.notices))

    # -- letters and emails ---------------------------------------------------------------

    def deliver(self, notices: Sequence[Notice]) -> None:
        """Ask where to save the letters (one PDF) and the emails (.eml files)."""
        letters = [notice for notice in notices if notice.channel == Channel.LETTER]
        emails = [
            notice
            for notice in notices
            if notice.channel == Channel.EMAIL and notice.outbox_id is None
        ]
        if letters:
            self._save_letters(letters)
        if emails:
            self._save_emails(emails)

    def _save_letters(self, letters: list[Notice]) -> None:
        save_as(
            self,
            ntr("Save {count} letter (PDF)", "Save {count} letters (PDF)", len(letters)),
            f"avis-prelevement-{letters[0].collection_date:%Y%m%d}.pdf",
            pdf_filter(),
            lambda session: prenotifications.letters_pdf(session, letters),
            kind="sepa-notices",
            private=True,
            done=lambda path, pdf: show_pdf(
                self,
                tr("Pre-notification letters"),
                pdf,
                name=path.name,
                kind="sepa-notices",
                private=True,
                note=tr("Saved in {path}.", path=path),
            ),
        )

    def _save_emails(self, emails: list[Notice]) -> None:
        folder = ask_folder(
            self,
            ntr(
                "Folder for {count} email (.eml)",
                "Folder for {count} emails (.eml)",
                len(emails),
            ),
            kind="sepa-emails",
        )
        if folder is None:
            return
        self.query(
            lambda session: prenotifications.email_files(session, emails),
            lambda files: self._emails_written(folder, files),
            topic="emails",
        )

    def _emails_written(self, folder: Path, files: list[tuple[str, bytes]]) -> None:
        for name, content in files:
            write_whole(folder / name, content, private=True)
        inform(
            self,
            tr("Emails saved"),
            tr(
                "{count} emails saved in {folder}: open them in the mail program to send them.",
                count=len(files),
                folder=folder,
            ),
        )

    def _selected_rows(self) -> list[PrenotificationRow]:
        rows = self.table.selected_source_rows()
        return [self.model.row_at(row) for row in rows] or list(self.model.rows)

    def _again(self, channel: Channel) -> None:
        wanted = [row.id for row in self._selected_rows() if row.channel == channel]
        if not wanted:
            inform(self, tr("Pre-notifications"), tr("No notice of this kind in the selection."))
            return
        actor = self.context.actor
        self.query(
            lambda session: prenotifications.notices_of(session, actor, wanted),
            self.deliver,
            topic="again",
        )

    @action(lambda: tr("Print the letters again…"), permission=Permission.SEPA_MANAGE)
    def print_again(self) -> None:
        """The letters of the selected notices (of every notice when none is selected)."""
        self._again(Channel.LETTER)

    @action(lambda: tr("Save the emails again…"), permission=Permission.SEPA_MANAGE)
    def save_emails_again(self) -> None:
        self._again(Channel.EMAIL)

    @action(lambda: tr("Show the email"), permission=Permission.SEPA_MANAGE)
    def show_email(self) -> None:
        row = self.table.current_of(self.model)
        if row is None:
            return
        notice_id, actor = row.id, self.context.actor
        self.query(
            lambda session: prenotifications.email_preview(session, actor, notice_id),
            lambda preview: EmailDialog(self, preview).exec(),
            topic="email",
        )
