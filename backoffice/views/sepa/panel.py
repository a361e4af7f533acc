"""``SepaPanel``: the direct-debit work of the billing staff in one widget (the
"Prélèvements SEPA" tab of Facturation): the creditor identity on top, then mandates,
pre-notifications, collections (prepare → review → export), files and returns."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Permission
from backoffice.services.sepa import creditor, selection
from backoffice.services.sepa.creditor import CreditorSummary
from backoffice.views.sepa.collection_tab import CollectionTab
from backoffice.views.sepa.common import formatted_iban
from backoffice.views.sepa.files_tab import FilesTab
from backoffice.views.sepa.mandates_tab import MandatesTab
from backoffice.views.sepa.prenotifications_tab import PrenotificationsTab
from backoffice.views.sepa.returns_tab import ReturnsTab
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import note
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.page import Tabs

TAB_KEYS = ("mandates", "prenotifications", "collection", "files", "returns")


class SepaPanel(LiveTab):
    """Shows the creditor (it follows the settings); each tab is a live tab of its own.
    The pre-notifications and the collection share one date, proposed once as the next
    collection date."""

    TABLES = ("settings", "service_bank_accounts")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._creditor_bar())
        self.tabs = Tabs()
        add = self.tabs.add
        self.mandates = add("mandates", MandatesTab(context), tr("Mandates"))
        self.prenotifications = add(
            "prenotifications", PrenotificationsTab(context), tr("Pre-notifications")
        )
        self.collection = add("collection", CollectionTab(context), tr("Collection"))
        self.files = add("files", FilesTab(context), tr("Files"))
        self.returns = add("returns", ReturnsTab(context), tr("Returns"))
        layout.addWidget(self.tabs, 1)
        # The two tabs about one collection date show the same date.
        self.collection.date.day_changed.connect(
            lambda day: self._follow(self.prenotifications.date, day)
        )
        self.prenotifications.date.day_changed.connect(
            lambda day: self._follow(self.collection.date, day)
        )
        self._date_chosen = False
        for edit in (self.collection.date, self.prenotifications.date):
            edit.day_changed.connect(self._chosen)

    def _creditor_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.creditor = note()
        bar.addWidget(self.creditor, 1)
        bar.addWidget(self.actions.button("edit_creditor"))
        return bar

    # -- what the billing page forwards ---------------------------------------------------

    def refresh(self) -> None:
        """F5: read the creditor and the current tab again."""
        self.reload()
        self.tabs.refresh()

    def focus_search(self) -> None:
        self.tabs.focus_search()

    def show_tab(self, key: str) -> None:
        self.tabs.show_key(key)

    def set_collection_date(self, day: date) -> None:
        self.collection.date.change_day(day)

    # -- internals ------------------------------------------------------------------------

    def _chosen(self, _day: object) -> None:
        self._date_chosen = True

    def _follow(self, edit: DateInput, day: object) -> None:
        if isinstance(day, date) and edit.is_valid() and edit.day() != day:
            edit.change_day(day)

    def load(self) -> None:
        """The creditor; the first time, the next collection date for both tabs."""
        actor, propose = self.context.actor, not self.loaded_once or not self._date_chosen
        self.query(
            lambda session: (
                creditor.summary(session, actor),
                selection.suggested_collection_date(session, actor) if propose else None,
            ),
            self._show,
        )

    def _show(self, answer: tuple[CreditorSummary, date | None]) -> None:
        summary, suggested = answer
        self._show_creditor(summary)
        if suggested is not None and not self._date_chosen:  # never over the user's choice
            for edit in (self.collection.date, self.prenotifications.date):
                edit.set_day(suggested)
            self.prenotifications.mark_stale()
            self._date_chosen = True

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

    @action(
        lambda: tr("Creditor identity…"),
        permission=Permission.SETTINGS_MANAGE,
        tip=lambda: tr("Name, ICS, account and address of the service (Settings)"),
    )
    def edit_creditor(self) -> None:
        from backoffice.views.settings.dialog import SettingsDialog

        SettingsDialog(self.context, self, tab="identity").exec()  # its change reloads this
