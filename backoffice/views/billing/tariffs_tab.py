"""Tarifs: the yearly tariffs, and the form of one (prices, fees, rates, instalment plan),
with the 80–120 % warning as prices are typed, and read-only once an invoice uses it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.billing import tariffs
from backoffice.services.billing.tariffs import AMOUNT_FIELDS, TariffInfo, TariffValues
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Permission
from backoffice.views import formatting
from backoffice.views.billing.widgets import WARNING_STYLE, DatesEditor, heading
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.dialogs import error_label
from backoffice.views.widgets.inputs import MoneyInput, RateInput, typed_cents, year_spin
from backoffice.views.widgets.lists import show_rows
from backoffice.views.widgets.live import LiveTab
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
        self.amounts = {
            name: MoneyInput(ceiling_cents=tariffs.CEILING_CENTS) for name in AMOUNT_FIELDS
        }
        self.rates = {name: RateInput() for name in RATE_FIELDS}
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
            label = tariffs.field_label(name)
            try:
                read[name] = (
                    typed_cents(edit, label)
                    if isinstance(edit, MoneyInput)
                    else edit.basis_points()
                )
            except ValueError as error:
                message = str(error) if isinstance(edit, MoneyInput) else ""
                errors.append(
                    FieldError(
                        name,
                        message
                        or tr("{field}: {text} is not an amount.", field=label, text=edit.text()),
                    )
                )
        try:
            due_dates = tuple(self.dates.dates())
        except ValueError as error:
            errors.append(FieldError("due_dates", str(error)))
        if errors:
            raise ValidationFailed(errors)
        return TariffValues(year=self.year.value(), due_dates=due_dates, **read)

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


class TariffsTab(LiveTab):
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
        new_button, self.save_button = self.actions.buttons("new_year", "save")
        editable = self.actions.allowed("save")
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

    def load(self) -> None:
        actor = self.context.actor
        self.query(lambda s: tariffs.list_tariffs(s, actor), self._listed)

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
        row = self.table.current_of(self.model)
        if row is not None:
            self._show(row)

    def _show(self, info: TariffInfo | None) -> None:
        self.current = info
        self.errors.clear()
        if info is not None:
            self.form.load(info.values)
        locked = info is not None and info.locked
        self.form.set_read_only(locked or not self._editable)
        self.actions.enable("save", not locked)
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

    @action(lambda: tr("New year…"), permission=Permission.BILLING_TARIFFS)
    def new_year(self) -> None:
        """The tariff of a new year, proposed from the last one."""
        latest = max((row.values.year for row in self.model.rows), default=clock.today().year - 1)
        year, accepted = QInputDialog.getInt(
            self, tr("New tariff"), tr("Year of the new tariff:"), latest + 1, 2000, 2100
        )
        if not accepted:
            return
        actor = self.context.actor
        self.query(lambda s: tariffs.proposal_for(s, actor, year), self._propose, topic="new")

    def _propose(self, values: TariffValues) -> None:
        self.table.clearSelection()
        self._show(None)
        self.form.load(values)

    @action(lambda: tr("Save"), shortcut="Ctrl+S", permission=Permission.BILLING_TARIFFS)
    def save(self) -> None:
        """Save the tariff shown (refused once an invoice uses it)."""
        try:
            values = self.form.values()
        except ValidationFailed as error:
            self.errors.setText(error.message)
            return
        actor, current = self.context.actor, self.current
        self.write(
            lambda session: tariffs.save_tariff(
                session,
                actor,
                values,
                tariff_id=current.id if current else None,
                expected_version=current.version if current else None,
            ),
            tr("Saving the tariff…"),
        ).success(self._saved).failure(shown_in(self.errors)).conflict(self.reload).run()

    def _saved(self, info: TariffInfo) -> None:
        """The list reloads for the change (once) and selects the tariff saved."""
        self.current = info
        self.errors.setText("")
