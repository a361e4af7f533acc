"""``SepaPanel``: the direct-debit work of the billing staff in one widget (the
"Prélèvements SEPA" tab of Facturation): the creditor identity on top, then mandates,
pre-notifications, collections (prepare → review → export), files and returns."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import QDate
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTabWidget, QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext, concerns
from backoffice.ops.operation import run_query
from backoffice.services.permissions import Permission
from backoffice.services.sepa import creditor
from backoffice.services.sepa.creditor import CreditorSummary
from backoffice.services.tracking import Touched
from backoffice.views.sepa.collection_tab import CollectionTab
from backoffice.views.sepa.common import SepaTab, formatted_iban, set_day
from backoffice.views.sepa.files_tab import FilesTab
from backoffice.views.sepa.mandates_tab import MandatesTab
from backoffice.views.sepa.prenotifications_tab import PrenotificationsTab
from backoffice.views.sepa.returns_tab import ReturnsTab

TAB_KEYS = ("mandates", "prenotifications", "collection", "files", "returns")


class SepaPanel(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._creditor_bar())
        self.mandates = MandatesTab(context)
        self.prenotifications = PrenotificationsTab(context)
        self.collection = CollectionTab(context)
        self.files = FilesTab(context)
        self.returns = ReturnsTab(context)
        self.tabs = QTabWidget()
        for tab, title in (
            (self.mandates, tr("Mandates")),
            (self.prenotifications, tr("Pre-notifications")),
            (self.collection, tr("Collection")),
            (self.files, tr("Files")),
            (self.returns, tr("Returns")),
        ):
            self.tabs.addTab(tab, title)
        self.tabs.currentChanged.connect(lambda _index: self._current().ensure_loaded())
        layout.addWidget(self.tabs, 1)
        # The two tabs about one collection date show the same date.
        self.collection.date.dateChanged.connect(
            lambda day: self._follow(self.prenotifications, day)
        )
        self.prenotifications.date.dateChanged.connect(
            lambda day: self._follow(self.collection, day)
        )
        context.bus.changed.connect(self._on_changed)
        self._creditor_loaded = False

    def _creditor_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.creditor = QLabel()
        self.creditor.setWordWrap(True)
        bar.addWidget(self.creditor, 1)
        edit = QPushButton(tr("Creditor identity…"))
        edit.setToolTip(tr("Name, ICS, account and address of the service (Settings)"))
        edit.clicked.connect(self.edit_creditor)
        edit.setVisible(self.context.allows(Permission.SETTINGS_MANAGE))
        bar.addWidget(edit)
        return bar

    # -- what the billing page forwards ---------------------------------------------------

    def refresh(self) -> None:
        """F5: read the creditor and the current tab again."""
        self.load_creditor()
        tab = self._current()
        if tab.loaded:
            tab.load()
        else:
            tab.ensure_loaded()

    def focus_search(self) -> None:
        self._current().focus_search()

    def show_tab(self, key: str) -> None:
        if key in TAB_KEYS:
            self.tabs.setCurrentIndex(TAB_KEYS.index(key))

    def set_collection_date(self, day: date) -> None:
        set_day(self.collection.date, day)

    # -- internals ------------------------------------------------------------------------

    def _current(self) -> SepaTab:
        widget = self.tabs.currentWidget()
        assert isinstance(widget, SepaTab)
        return widget

    def _follow(self, tab: SepaTab, day: QDate) -> None:
        editor = tab.date  # type: ignore[attr-defined]
        if editor.date() != day:
            editor.setDate(day)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._creditor_loaded:
            self._creditor_loaded = True
            self.load_creditor()
        self._current().ensure_loaded()

    def load_creditor(self) -> None:
        actor = self.context.actor
        run_query(
            self.context,
            self,
            lambda session: creditor.summary(session, actor),
            self._show_creditor,
        )

    def _show_creditor(self, summary: CreditorSummary) -> None:
        text = tr(
            "Creditor: <b>{name}</b> · ICS {ics} · IBAN {iban} · BIC {bic} · {address} · "
            "format {schema} · notice {days} days",
            name=escape(summary.name),
            ics=escape(summary.creditor_id),
            iban=escape(formatted_iban(summary.iban)),
            bic=escape(summary.bic),
            address=escape(summary.address),
            schema=summary.schema,
            days=summary.notice_days,
        )
        if summary.problems:
            text += (
                "<br><span style='color:#b00020'>"
                + "<br>".join(map(escape, summary.problems))
                + "</span>"
            )
        self.creditor.setText(text)

    def _on_changed(self, touched: Touched) -> None:
        if self._creditor_loaded and concerns(touched, "settings", "service_bank_accounts"):
            self.load_creditor()

    def edit_creditor(self) -> None:
        from backoffice.views.settings.dialog import SettingsDialog

        SettingsDialog(self.context, self, tab="identity").exec()
        self.load_creditor()
