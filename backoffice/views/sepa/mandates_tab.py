"""Mandats: the list (search, status, about to lapse), new mandate, revoke, lapse."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import MandateStatus
from backoffice.ops.context import AppContext
from backoffice.services.permissions import Permission
from backoffice.services.sepa import mandates, queries
from backoffice.services.sepa.mandates import MandateInfo
from backoffice.services.sepa.queries import MandateRow
from backoffice.views import formatting, labels
from backoffice.views.sepa.common import SEPA_TABLES, formatted_iban
from backoffice.views.sepa.mandate_dialog import MandateDialog, RevokeDialog
from backoffice.views.widgets.actions import Ask, action
from backoffice.views.widgets.dialogs import inform
from backoffice.views.widgets.layouts import choices, hbox
from backoffice.views.widgets.lists import searchable
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

LAPSING_DAYS = 60
LAPSING = "lapsing"
INACTIVE = QColor("#eeeeee")
SOON = QColor("#fff3cd")


def mandate_columns() -> list[Column[MandateRow]]:
    return [
        Column(tr("Member"), lambda r: r.member_code),
        Column(tr("Company"), lambda r: r.member_name),
        Column(tr("RUM"), lambda r: r.rum),
        Column(tr("IBAN"), lambda r: formatted_iban(r.iban)),
        Column(tr("BIC"), lambda r: r.bic),
        Column(tr("Signed on"), lambda r: formatting.day(r.signed_on), lambda r: r.signed_on),
        Column(tr("Status"), lambda r: labels.label(r.status)),
        Column(
            tr("Last debit"),
            lambda r: formatting.day(r.last_collected_on),
            lambda r: r.last_collected_on or "",
        ),
        Column(
            tr("Lapses on"),
            lambda r: formatting.day(r.lapses_on),
            lambda r: r.lapses_on or "",
        ),
        Column(tr("Account holder"), lambda r: r.debtor_name),
    ]


class MandatesTab(LiveTab):
    TABLES = SEPA_TABLES

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.search = SearchBox(tr("Member, RUM or IBAN…"))
        self.search.search.connect(lambda _text: self.load())
        self.status = choices(
            (
                (tr("Active mandates"), MandateStatus.ACTIVE),
                (tr("Lapsing within {days} days", days=LAPSING_DAYS), LAPSING),
                (tr("Revoked"), MandateStatus.REVOKED),
                (tr("Lapsed"), MandateStatus.LAPSED),
                (tr("All mandates"), None),
            )
        )
        self.status.currentIndexChanged.connect(lambda _index: self.load())
        layout = QVBoxLayout(self)
        layout.addLayout(hbox((self.search, 3), (self.status, 1)))
        self.model: RowsModel[MandateRow] = RowsModel(
            mandate_columns(), background=self._colour, key=lambda row: row.id
        )
        self.table = DataTable("sepa_mandates")
        searchable(self.table, self.model, 1)
        layout.addWidget(self.table)
        self.count = QLabel()
        layout.addLayout(self.actions.bar("create", "revoke", "lapse", count=self.count))
        self.actions.list_menu(self.table, "revoke")

    def _colour(self, row: MandateRow) -> QColor | None:
        if row.status != MandateStatus.ACTIVE:
            return INACTIVE
        if row.lapses_on is not None and (row.lapses_on - clock.today()).days <= LAPSING_DAYS:
            return SOON
        return None

    def load(self) -> None:
        actor, text, choice = self.context.actor, self.search.text(), self.status.currentData()
        self.query(
            lambda session: queries.list_mandates(
                session,
                actor,
                text=text,
                status=None if choice in (None, LAPSING) else choice,
                lapsing_within_days=LAPSING_DAYS if choice == LAPSING else None,
            ),
            self._show,
        )

    def _show(self, rows: list[MandateRow]) -> None:
        self.model.set_rows(rows)
        self.count.setText(ntr("{count} mandate", "{count} mandates", len(rows)))

    def selected(self) -> MandateRow | None:
        return self.table.current_of(self.model)

    @action(lambda: tr("New mandate…"), shortcut="Ctrl+N", permission=Permission.SEPA_MANAGE)
    def create(self) -> None:
        """A mandate signed by a member (IBAN, BIC, signature date); its RUM is given."""
        dialog = MandateDialog(self.context, self)
        if dialog.exec() and dialog.created is not None:
            self._created(dialog.created)

    def _created(self, created: MandateInfo) -> None:
        message = tr("Mandate {rum} created.", rum=created.rum)
        if created.name_in_file:
            message += "\n" + tr(
                "The bank will receive the account holder as « {name} » (SEPA character set).",
                name=created.name_in_file,
            )
        inform(self, tr("New SEPA mandate"), message)

    @action(lambda: tr("Revoke…"), permission=Permission.SEPA_MANAGE)
    def revoke(self) -> None:
        """The member withdrew the selected mandate."""
        row = self.selected()
        if row is None or row.status != MandateStatus.ACTIVE:
            return
        dialog = RevokeDialog(self, row.rum)
        if not dialog.exec():
            return
        actor, reason, day = self.context.actor, dialog.reason(), dialog.day()
        self.write(
            lambda session: mandates.revoke_mandate(
                session, actor, row.id, revoked_on=day, reason=reason, expected_version=row.version
            ),
            tr("Revoking the mandate…"),
        ).conflict(self.reload).run()

    @action(
        lambda: tr("Mark the unused mandates lapsed…"),
        permission=Permission.SEPA_MANAGE,
        ask=Ask(
            lambda: tr(
                "Mark lapsed every active mandate with no debit presented for 36 months? "
                "Their members will need to sign a new mandate."
            ),
            title=lambda: tr("Lapsed mandates"),
            go=lambda: tr("Mark lapsed"),
            row=None,
        ),
    )
    def lapse(self) -> None:
        """Mandates with no debit presented for 36 months lapse (SEPA rulebook)."""
        actor = self.context.actor
        self.write(
            lambda session: mandates.lapse_mandates(session, actor),
            tr("Looking for unused mandates…"),
        ).success(self._lapsed).run()

    def _lapsed(self, lapsed: list[MandateInfo]) -> None:
        inform(
            self,
            tr("Lapsed mandates"),
            ntr("{count} mandate marked lapsed.", "{count} mandates marked lapsed.", len(lapsed))
            + ("\n" + ", ".join(item.rum for item in lapsed) if lapsed else ""),
        )
