"""Tarifs: the yearly tariffs, and the form of one (prices, fees, rates, instalment plan),
with the 80–120 % warning as prices are typed, and read-only once an invoice uses it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation, run_query
from backoffice.services.billing import tariffs
from backoffice.services.billing.tariffs import AMOUNT_FIELDS, TariffInfo, TariffValues
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.billing.widgets import (
    WARNING_STYLE,
    DatesEditor,
    LazyTab,
    MoneyEdit,
    RateEdit,
    heading,
    show_rows,
    year_spin,
)
from backoffice.views.widgets.dialogs import error_label
from backoffice.views.widgets.operation_dialog import shown_in
from backoffice.views.widgets.rows_model import Column, RowsModel, money_column
from backoffice.views.widgets.table import DataTable

RATE_FIELDS = ("vat_rate_bp", "sepa_discount_bp")


class TariffForm(QWidget):
    """The fields of a tariff; ``values()`` raises ValidationFailed on what cannot be read."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.year = year_spin()
        form.addRow(tariffs.field_label("year"), self.year)
        self.amounts = {name: MoneyEdit() for name in AMOUNT_FIELDS}
        self.rates = {name: RateEdit() for name in RATE_FIELDS}
        for name in AMOUNT_FIELDS:
            form.addRow(tariffs.field_label(name), self.amounts[name])
            self.amounts[name].textEdited.connect(self._show_warnings)
        for name in RATE_FIELDS:
            form.addRow(tariffs.field_label(name) + " (%)", self.rates[name])
        self.dates = DatesEditor()
        form.addRow(tariffs.field_label("due_dates"), self.dates)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        form.addRow(self.warnings)

    def load(self, values: TariffValues) -> None:
        self.year.setValue(values.year)
        for name, edit in self.amounts.items():
            edit.set_cents(getattr(values, name))
        for name, edit in self.rates.items():
            edit.set_basis_points(getattr(values, name))
        self.dates.set_dates(values.due_dates)
        self._show_warnings()

    def values(self) -> TariffValues:
        read: dict[str, int] = {}
        errors = []
        for name, edit in [*self.amounts.items(), *self.rates.items()]:
            try:
                read[name] = edit.cents() if isinstance(edit, MoneyEdit) else edit.basis_points()
            except ValueError:
                errors.append(
                    FieldError(
                        name,
                        tr(
                            "{field}: {text} is not an amount.",
                            field=tariffs.field_label(name),
                            text=edit.text(),
                        ),
                    )
                )
        if errors:
            raise ValidationFailed(errors)
        return TariffValues(year=self.year.value(), due_dates=tuple(self.dates.dates()), **read)

    def set_read_only(self, read_only: bool) -> None:
        self.year.setEnabled(not read_only)
        for edit in [*self.amounts.values(), *self.rates.values()]:
            edit.setReadOnly(read_only)
        self.dates.setEnabled(not read_only)

    def _show_warnings(self) -> None:
        try:
            warnings = tariffs.price_warnings(self.values())
        except ValidationFailed:
            warnings = []
        self.warnings.setText("\n".join(warnings))


class TariffsTab(LazyTab):
    TABLES = ("tariffs", "tariff_instalment_dates", "invoices")

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.current: TariffInfo | None = None
        self.model: RowsModel[TariffInfo] = RowsModel(
            [
                Column(tr("Year"), lambda r: str(r.values.year), lambda r: r.values.year),
                money_column(tr("SI"), lambda r: r.values.price_si_cents),
                money_column(tr("SIA"), lambda r: r.values.price_sia_cents),
                money_column(tr("SIR"), lambda r: r.values.price_sir_cents),
                money_column(
                    tr("National average"), lambda r: r.values.national_average_cost_cents
                ),
                Column(
                    tr("Due dates"),
                    lambda r: ", ".join(formatting.day(day) for day in r.values.due_dates),
                ),
                Column(
                    tr("Invoices"),
                    lambda r: tr("{count} (locked)", count=r.invoice_count) if r.locked else "0",
                    lambda r: r.invoice_count,
                ),
                Column(tr("Warnings"), lambda r: str(len(r.warnings)) if r.warnings else ""),
            ],
            key=lambda row: row.id,
        )
        self.table = DataTable("billing_tariffs")
        show_rows(self.table, self.model, 0, Qt.SortOrder.DescendingOrder)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._select())
        self.form = TariffForm()
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.errors = error_label()
        self.save_button = QPushButton(tr("Save (Ctrl+S)"))
        self.save_button.clicked.connect(self.save)
        new_button = QPushButton(tr("New year…"))
        new_button.clicked.connect(self.new_year)
        editable = context.allows(Permission.BILLING_TARIFFS)
        self.save_button.setVisible(editable)
        new_button.setVisible(editable)
        QShortcut(QKeySequence.StandardKey.Save, self).activated.connect(self.save)
        right = QWidget()
        column = QVBoxLayout(right)
        column.addWidget(heading(tr("Tariff")))
        column.addWidget(self.state)
        column.addWidget(self.form)
        column.addWidget(self.errors)
        buttons = QHBoxLayout()
        buttons.addWidget(new_button)
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        column.addLayout(buttons)
        column.addStretch()
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        QVBoxLayout(self).addWidget(splitter)
        self._editable = editable
        self._show(None)

    def refresh(self) -> None:
        actor = self.context.actor
        self.latest(lambda s: tariffs.list_tariffs(s, actor), self._listed)

    def _listed(self, rows: list[TariffInfo]) -> None:
        selected = self.current.values.year if self.current else None
        self.model.set_rows(rows)
        for position, row in enumerate(rows):
            if row.values.year == selected or (selected is None and position == 0):
                self.table.selectRow(
                    self.table.model().mapFromSource(self.model.index(position, 0)).row()
                )
                break

    def _select(self) -> None:
        row = self.table.current_source_row()
        if row is not None:
            self._show(self.model.row_at(row))

    def _show(self, info: TariffInfo | None) -> None:
        self.current = info
        self.errors.clear()
        if info is not None:
            self.form.load(info.values)
        locked = info is not None and info.locked
        self.form.set_read_only(locked or not self._editable)
        self.save_button.setEnabled(not locked)
        if info is None:
            self.state.setText(tr("A new tariff: fill it in and save it."))
        elif locked:
            self.state.setText(
                tr(
                    "Used by {count} issued invoices: this tariff can no longer change.",
                    count=info.invoice_count,
                )
            )
        else:
            self.state.setText(tr("No invoice uses this tariff yet: it may still change."))

    def new_year(self) -> None:
        latest = max((row.values.year for row in self.model.rows), default=clock.today().year - 1)
        year, accepted = QInputDialog.getInt(
            self, tr("New tariff"), tr("Year of the new tariff:"), latest + 1, 2000, 2100
        )
        if not accepted:
            return
        actor = self.context.actor
        run_query(self.context, self, lambda s: tariffs.proposal_for(s, actor, year), self._propose)

    def _propose(self, values: TariffValues) -> None:
        self.table.clearSelection()
        self._show(None)
        self.form.load(values)

    def save(self) -> None:
        if not self.save_button.isVisible() or not self.save_button.isEnabled():
            return
        try:
            values = self.form.values()
        except ValidationFailed as error:
            self.errors.setText(error.message)
            return
        actor, current = self.context.actor, self.current
        Operation(
            self.context,
            self,
            lambda session: tariffs.save_tariff(
                session,
                actor,
                values,
                tariff_id=current.id if current else None,
                expected_version=current.version if current else None,
            ),
            label=tr("Saving the tariff…"),
        ).success(self._saved).failure(shown_in(self.errors)).conflict(self.refresh).run()

    def _saved(self, info: TariffInfo) -> None:
        self.current = info
        self.errors.setText("")
        self.refresh()
