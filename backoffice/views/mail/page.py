"""« Boîte d'envoi »: every e-mail to the members — filtered by status, kind, member and
day —, the selected one as the member will see it, and what staff do with them: send
again, cancel, retry now, mark sent (an uncertain one found in the server's log).

``open({"status": "failed"})`` shows the messages of a status (the dashboard's card).
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from backoffice.dates import format_moment
from backoffice.i18n import ntr, tr, trc
from backoffice.models import MailKind, MailStatus
from backoffice.ops.context import AppContext
from backoffice.services.mail import outbox, queries
from backoffice.services.mail.labels import kind_label, status_label
from backoffice.services.mail.queries import OutboxFilter, OutboxRow, Preview
from backoffice.services.permissions import Permission
from backoffice.views.widgets.actions import Ask, action
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.layouts import pane
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.page import Page
from backoffice.views.widgets.rows_model import Column, RowsModel, count_column
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

STATUS_COLOURS = {
    MailStatus.FAILED: "#fde8e8",
    MailStatus.UNCERTAIN: "#fff4d6",
    MailStatus.CANCELLED: "#eeeeee",
}


def moment(value: Any) -> str:
    return format_moment(value) if value is not None else ""


def preview_html(item: Preview) -> str:
    """The message as the member's mail program shows it: the headers, then its HTML."""
    rows = [
        (trc("header", "From"), item.sender),
        (trc("header", "To"), item.recipients),
        (tr("Subject"), item.subject),
    ]
    if item.reply_to:
        rows.insert(2, (tr("Reply-to"), item.reply_to))
    if item.attachments:
        rows.append((tr("Attachments"), ", ".join(item.attachments)))
    header = "".join(
        f"<tr><td style='color:#667085;padding-right:12px'>{html.escape(name)}</td>"
        f"<td>{html.escape(value)}</td></tr>"
        for name, value in rows
    )
    notes = ""
    if item.last_error:
        notes += f"<p style='color:#b42318'>{html.escape(item.last_error)}</p>"
    footer = html.escape(f"Message-ID: {item.message_id}")
    if item.server_reply:
        footer += "<br>" + html.escape(tr("Server's answer: {reply}", reply=item.server_reply))
    body = item.html or f"<pre>{html.escape(item.text)}</pre>"
    return (
        f"<table style='margin-bottom:8px'>{header}</table>{notes}<hr>{body}<hr>"
        f"<p style='color:#667085;font-size:11px'>{footer}</p>"
    )


def on_message(
    label: Callable[[], str], statuses: tuple[MailStatus, ...], *, ask: Ask | None = None
) -> action:
    """An action on the selected message of the outbox, for the staff who send mail,
    offered while the message is in one of ``statuses``."""
    return action(
        label,
        permission=Permission.MAIL_SEND,
        enabled=lambda view: view._status_is(*statuses),
        ask=ask,
    )


class OutboxPage(Page):
    TABLES = ("mail_messages",)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.detail: Preview | None = None
        self.status = QComboBox()
        self.status.addItem(tr("Every status"), None)
        for status in MailStatus:
            self.status.addItem(status_label(status), status)
        self.kind = QComboBox()
        self.kind.addItem(tr("Every kind"), None)
        for kind in MailKind:
            self.kind.addItem(kind_label(kind), kind)
        self.member = SearchBox(tr("Member code or name…"))
        self.day_from = DateInput(optional=True)
        self.day_to = DateInput(optional=True)
        self.day_from.set_day(None)
        self.day_to.set_day(None)
        for combo in (self.status, self.kind):
            combo.currentIndexChanged.connect(lambda _index: self.reload())
        self.member.search.connect(lambda _text: self.reload())
        for day in (self.day_from, self.day_to):
            day.day_changed.connect(lambda _day: self.reload())
        filters = QHBoxLayout()
        filters.addWidget(self.status)
        filters.addWidget(self.kind)
        filters.addWidget(self.member, 2)
        filters.addWidget(QLabel(tr("Queued from")))
        filters.addWidget(self.day_from)
        filters.addWidget(QLabel(tr("to")))
        filters.addWidget(self.day_to)

        self.model: RowsModel[OutboxRow] = RowsModel(
            [
                Column(tr("Queued at"), lambda r: moment(r.queued_at), lambda r: r.queued_at),
                Column(tr("Kind"), lambda r: kind_label(r.kind)),
                Column(tr("Member"), lambda r: f"{r.member_code} {r.member_name}".strip()),
                Column(trc("header", "To"), lambda r: r.recipients),
                Column(tr("Subject"), lambda r: r.subject),
                Column(tr("Status"), lambda r: status_label(r.status)),
                count_column(tr("Attempts"), lambda r: r.attempts),
                Column(tr("Sent at"), lambda r: moment(r.sent_at), lambda r: r.sent_at),
                Column(tr("Last error"), lambda r: r.last_error),
            ],
            background=lambda r: STATUS_COLOURS.get(r.status),
            key=lambda row: row.id,
        )
        self.table = DataTable("mail_outbox")
        show_rows(self.table, self.model, 0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._select())
        self.count = QLabel()
        self.viewer = QTextBrowser()
        self.viewer.setOpenExternalLinks(False)
        self.viewer.setPlaceholderText(tr("Select a message to see it as the member will."))
        self.actions.list_menu(self.table, "retry_now", "resend", "mark_sent", None, "cancel")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(
            pane(
                filters,
                self.table,
                self.actions.bar("retry_now", "resend", "mark_sent", "cancel", count=self.count),
            )
        )
        splitter.addWidget(self.viewer)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.actions.update()

    # -- reading --------------------------------------------------------------------------

    def wanted(self) -> OutboxFilter:
        try:
            day_from, day_to = self.day_from.day(), self.day_to.day()
        except ValueError:
            day_from = day_to = None
        return OutboxFilter(
            self.status.currentData(),
            self.kind.currentData(),
            self.member.text(),
            day_from,
            day_to,
        )

    def load(self) -> None:
        actor, wanted = self.context.actor, self.wanted()
        self.query(lambda session: queries.outbox_rows(session, actor, wanted), self._show)

    def _show(self, rows: list[OutboxRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(ntr("{count} message", "{count} messages", len(rows)))
        self._select()

    def open(self, options: dict[str, Any]) -> None:
        status = options.get("status")
        if status is not None:
            self.status.setCurrentIndex(max(self.status.findData(MailStatus(status)), 0))

    def focus_search(self) -> None:
        self.member.setFocus()

    def selected(self) -> OutboxRow | None:
        rows = self.table.selected_source_rows()
        return self.model.row_at(rows[0]) if rows else None

    def _select(self) -> None:
        row = self.selected()
        self.detail = None
        self.actions.update()
        if row is None:
            self.viewer.clear()
            return
        actor, message_id = self.context.actor, row.id
        self.query(
            lambda session: queries.preview(session, actor, message_id),
            self._show_detail,
            topic="preview",
        )

    def _show_detail(self, item: Preview) -> None:
        self.detail = item
        self.viewer.setHtml(preview_html(item))
        self.actions.update()

    # -- actions --------------------------------------------------------------------------

    def _status_is(self, *statuses: MailStatus) -> bool:
        row = self.selected()
        return row is not None and row.status in statuses

    def _act(self, row: OutboxRow | None, work: Any, label: str) -> None:
        if row is None:
            return
        actor, message_id = self.context.actor, row.id
        self.write(lambda session: work(session, actor, message_id), label).run()

    @on_message(lambda: tr("Retry now"), (MailStatus.QUEUED, MailStatus.FAILED))
    def retry_now(self) -> None:
        """Send the selected message at the sender's next pass (a failed one corrected)."""
        self._act(self.selected(), outbox.retry_now, tr("Retrying…"))

    @on_message(
        lambda: tr("Send again"),
        (MailStatus.SENT, MailStatus.CANCELLED, MailStatus.UNCERTAIN),
        ask=Ask(lambda row: tr("Send this message again to {to}?", to=row.recipients)),
    )
    def resend(self, row: OutboxRow) -> None:
        """Send the selected message again (same Message-ID)."""
        self._act(row, outbox.resend, tr("Queuing…"))

    @on_message(lambda: tr("Mark as sent"), (MailStatus.UNCERTAIN,))
    def mark_sent(self) -> None:
        """An uncertain message found in the mail server's log: it left."""
        self._act(self.selected(), outbox.mark_sent, tr("Saving…"))

    @on_message(
        lambda: tr("Cancel the message"),
        (MailStatus.QUEUED, MailStatus.FAILED, MailStatus.UNCERTAIN),
        ask=Ask(lambda row: tr("This message will not be sent: {subject}", subject=row.subject)),
    )
    def cancel(self, row: OutboxRow) -> None:
        """The selected message will not be sent."""
        self._act(row, outbox.cancel, tr("Cancelling…"))
