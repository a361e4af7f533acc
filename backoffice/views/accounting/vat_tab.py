"""Comptabilité › TVA sur encaissements: the VAT due month by month, from the payments
received, beside the VAT-collected account of the journal; exported to Excel."""

from __future__ import annotations

from PySide6.QtWidgets import QVBoxLayout, QWidget

from backoffice.i18n import tr
from backoffice.money import format_eur, format_rate
from backoffice.ops.context import AppContext
from backoffice.services.accounting import vat_receipts
from backoffice.services.accounting.vat_receipts import VatMonth, VatReport
from backoffice.views.accounting.months import month_name
from backoffice.views.accounting.workbooks import save_workbook
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.dialogs import note
from backoffice.views.widgets.inputs import year_spin
from backoffice.views.widgets.layouts import STRETCH, hbox
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.live import LiveTab
from backoffice.views.widgets.rows_model import Column, RowsModel, money_column
from backoffice.views.widgets.table import DataTable

DIFFERENT = "#fde7e9"


def vat_columns() -> list[Column[VatMonth]]:
    return [
        Column(tr("Month"), lambda r: month_name(r.month), lambda r: r.month),
        money_column(tr("Receipts"), lambda r: r.receipts_cents),
        Column(
            tr("VAT rate"),
            lambda r: ", ".join(format_rate(rate.rate_bp) for rate in r.rates if rate.rate_bp),
        ),
        money_column(tr("Base excl. VAT"), lambda r: r.base_cents),
        money_column(tr("VAT due"), lambda r: r.vat_cents),
        money_column(tr("Settling no invoice"), lambda r: r.unsettled_cents),
        money_column(tr("VAT collected (journal)"), lambda r: r.journal_vat_cents),
        money_column(tr("Difference"), lambda r: r.difference_cents),
    ]


class VatTab(LiveTab):
    TABLES = ("journal_entries",)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.year = year_spin()
        self.year.valueChanged.connect(lambda _year: self.reload())
        self.actions = Actions(self, context)
        layout = QVBoxLayout(self)
        layout.addLayout(hbox(tr("Fiscal year"), self.year, STRETCH, self.actions.button("export")))
        self.model: RowsModel[VatMonth] = RowsModel(
            vat_columns(), background=lambda r: DIFFERENT if r.difference_cents else None
        )
        self.table = DataTable("accounting_vat")
        show_rows(self.table, self.model)
        layout.addWidget(self.table, 1)
        self.totals = note()
        self.totals.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.totals)

    def load(self) -> None:
        actor, year = self.context.actor, self.year.value()
        self.query(lambda session: vat_receipts.vat_on_receipts(session, actor, year), self._show)

    def _show(self, report: VatReport) -> None:
        self.model.set_rows(report.months)
        difference = report.total("difference_cents")
        self.totals.setText(
            tr(
                "{year}: receipts {receipts}, base excl. VAT {base}, VAT due {vat}; VAT "
                "collected in the journal {journal} ({verdict}).",
                year=report.fiscal_year,
                receipts=format_eur(report.total("receipts_cents")),
                base=format_eur(report.total("base_cents")),
                vat=format_eur(report.total("vat_cents")),
                journal=format_eur(report.total("journal_vat_cents")),
                verdict=tr("reconciled")
                if difference == 0
                else tr("difference {amount}", amount=format_eur(difference)),
            )
        )

    @action(lambda: tr("Export to Excel…"), shortcut="Ctrl+E")
    def export(self) -> None:
        year = self.year.value()
        actor = self.context.actor
        save_workbook(
            self,
            tr("VAT on receipts"),
            f"tva-encaissements-{year}.xlsx",
            lambda path: lambda session: vat_receipts.export_vat(session, actor, year, path),
            tr("Exporting the VAT on receipts…"),
        )
