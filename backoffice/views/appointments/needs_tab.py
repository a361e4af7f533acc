"""À convoquer: new hires without a hiring visit and employees whose periodic visit is
due, soonest first; one is booked through the slot proposals, a selection in bulk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from backoffice import clock
from backoffice.i18n import ntr, tr
from backoffice.models import FollowUpCategory
from backoffice.ops.context import AppContext
from backoffice.ops.operation import Operation, run_query
from backoffice.services.appointments import booking, needs
from backoffice.services.appointments.booking import SlotChoice
from backoffice.services.appointments.bulk import BulkOutcome, BulkPlan, book_in_bulk
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.needs import NeedKind, NeedList, NeedQuery, NeedRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting, labels
from backoffice.views.appointments.common import (
    WARNING,
    action_bar,
    centre_combo,
    date_edit,
    fill_centres,
    fit_columns,
    growing_combo,
    professional_combo,
    to_date,
    to_qdate,
    write,
)
from backoffice.views.appointments.slot_dialog import SlotRequest, pick_slot
from backoffice.views.widgets.dialogs import ok_cancel
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox
from backoffice.views.widgets.table import DataTable

ASKED = QColor("#e3f4e6")


def need_columns() -> list[Column[NeedRow]]:
    return [
        Column(tr("Employee"), lambda r: r.employee),
        Column(tr("Member"), lambda r: f"{r.member_code} {r.member_name}"),
        Column(tr("Follow-up"), lambda r: labels.category(r.category)),
        Column(tr("Job"), lambda r: r.job_title or ""),
        Column(tr("Hired on"), lambda r: formatting.day(r.hired_on), lambda r: r.hired_on),
        Column(
            tr("Last visit"),
            lambda r: formatting.day(r.last_visit_on) or tr("none"),
            lambda r: r.last_visit_on or r.hired_on,
        ),
        Column(tr("Due on"), lambda r: formatting.day(r.due_on), lambda r: r.due_on),
        Column(tr("Centre"), lambda r: r.centre),
        Column(tr("Referent"), lambda r: r.referent),
        Column(tr("Asked on the portal"), lambda r: tr("yes") if r.request_pending else ""),
    ]


class NeedsTab(QWidget):
    open_member = Signal(int)
    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.choices: NetworkChoices | None = None
        self.can_manage = context.allows(Permission.APPOINTMENTS_MANAGE)
        self._sequence = 0
        self.intervals: dict[str, int] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.model: RowsModel[NeedRow] = RowsModel(
            need_columns(),
            background=lambda r: WARNING if r.overdue else (ASKED if r.request_pending else None),
            key=lambda r: r.employee_id,
        )
        self.table = DataTable("appointment_needs")
        self.table.set_rows_model(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.activated_row.connect(lambda _row: self.book_one())
        layout.addWidget(self.table)
        layout.addLayout(self._buttons())

    def _filters(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.kind = growing_combo()
        self.kind.addItem(tr("New hires without a hiring visit"), NeedKind.HIRING)
        self.kind.addItem(tr("Periodic visits due"), NeedKind.PERIODIC)
        self.centre = growing_combo()
        self.category = growing_combo()
        self.category.addItem(tr("All follow-ups"), None)
        for category in FollowUpCategory:
            self.category.addItem(labels.category(category), category)
        self.limit_label = QLabel()
        self.limit = date_edit(clock.today() - timedelta(days=183))
        self.search = SearchBox(tr("Member, employee…"))
        bar.addWidget(self.kind)
        bar.addWidget(self.centre)
        bar.addWidget(self.category)
        bar.addWidget(self.limit_label)
        bar.addWidget(self.limit)
        bar.addWidget(self.search, 2)
        self.kind.currentIndexChanged.connect(lambda _index: self._kind_changed())
        for combo in (self.centre, self.category):
            combo.currentIndexChanged.connect(lambda _index: self.load())
        self.limit.dateChanged.connect(lambda _date: self.load())
        self.search.search.connect(lambda _text: self.load())
        self._kind_changed(load=False)
        return bar

    def _buttons(self) -> QHBoxLayout:
        bar, self.count = action_bar(
            (
                (tr("Open the member"), self._open_member, False),
                (tr("Book one… (Enter)"), self.book_one, True),
                (tr("Book the selection…"), self.book_selection, True),
            ),
            self.can_manage,
        )
        self.intervals_button = QPushButton()
        self.intervals_button.clicked.connect(self.edit_intervals)
        self.intervals_button.setEnabled(self.context.allows(Permission.SETTINGS_MANAGE))
        bar.insertWidget(2, self.intervals_button)  # after the count and the stretch
        return bar

    def set_choices(self, choices: NetworkChoices) -> None:
        self.choices = choices
        fill_centres(self.centre, choices, everyone=tr("All centres"))

    def _kind_changed(self, *, load: bool = True) -> None:
        self.limit.blockSignals(True)
        if self.kind.currentData() == NeedKind.HIRING:
            self.limit_label.setText(tr("Hired since"))
            self.limit.setDate(to_qdate(clock.today() - timedelta(days=183)))
        else:
            self.limit_label.setText(tr("Due before"))
            self.limit.setDate(to_qdate(clock.today() + timedelta(days=60)))
        self.limit.blockSignals(False)
        if load:
            self.load()

    # -- loading ------------------------------------------------------------------------------

    def query(self) -> NeedQuery:
        kind = NeedKind(self.kind.currentData())
        limit = to_date(self.limit.date())
        return NeedQuery(
            kind,
            due_by=limit if kind == NeedKind.PERIODIC else None,
            hired_since=limit if kind == NeedKind.HIRING else None,
            centre_id=self.centre.currentData(),
            category=self.category.currentData(),
            text=self.search.text(),
        )

    def load(self) -> None:
        self._sequence += 1
        sequence, actor, query = self._sequence, self.context.actor, self.query()
        run_query(
            self.context,
            self,
            lambda session: needs.employees_needing_visit(session, actor, query),
            lambda found: self._show(sequence, found),
        )

    def _show(self, sequence: int, found: NeedList) -> None:
        if sequence != self._sequence:
            return
        self.model.set_rows(found.rows)
        fit_columns(self.table)
        self.intervals = found.intervals
        text = ntr("{count} employee", "{count} employees", found.total)
        if found.total > len(found.rows):
            text += " " + tr("(the {shown} due first are shown)", shown=len(found.rows))
        self.count.setText(text)
        self.intervals_button.setText(
            tr(
                "Periodic visits: SI {si} months, SIA {sia}, SIR {sir}…",
                si=found.intervals["si"],
                sia=found.intervals["sia"],
                sir=found.intervals["sir"],
            )
        )

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def open(self, options: dict[str, Any]) -> None:
        if options.get("kind") in (NeedKind.HIRING, NeedKind.PERIODIC):
            self.kind.setCurrentIndex(self.kind.findData(NeedKind(options["kind"])))

    def selected(self) -> list[NeedRow]:
        return [self.model.row_at(row) for row in self.table.selected_source_rows()]

    def _open_member(self) -> None:
        chosen = self.selected()
        if chosen:
            self.open_member.emit(chosen[0].member_id)

    # -- booking ------------------------------------------------------------------------------

    def book_one(self) -> None:
        chosen = self.selected()
        if not chosen or not self.can_manage or self.choices is None:
            return
        row = chosen[0]
        dialog = pick_slot(
            self.context,
            self,
            self.choices,
            SlotRequest(
                row.employee_id,
                row.visit_type_code,
                tr(
                    "<b>{employee}</b> — {member} ({code}), {category}: due on {due}.",
                    employee=row.employee,
                    member=row.member_name,
                    code=row.member_code,
                    category=labels.category(row.category),
                    due=formatting.day(row.due_on),
                ),
                first_day=clock.today(),
                visit_can_change=True,
            ),
            title=tr("Book a visit"),
            action=tr("Book this slot"),
        )
        if dialog is None or dialog.chosen is None:
            return
        slot, visit, actor = dialog.chosen, dialog.visit_type_code, self.context.actor
        write(
            self.context,
            self,
            lambda session: booking.book_appointment(
                session,
                actor,
                row.employee_id,
                visit,
                SlotChoice(slot.professional_id, slot.centre_id, slot.starts_at),
            ),
            tr("Booking…"),
            lambda _row: self._booked(),
        )

    def _booked(self) -> None:
        self.load()
        self.changed.emit()

    def book_selection(self) -> None:
        chosen = self.selected()
        if not chosen or not self.can_manage or self.choices is None:
            return
        dialog = BulkDialog(self, self.choices, len(chosen))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        plan = BulkPlan(
            [row.employee_id for row in chosen],
            NeedKind(self.kind.currentData()),
            to_date(dialog.first.date()),
            to_date(dialog.last.date()),
            dialog.professional.currentData(),
            dialog.centre.currentData(),
        )
        actor = self.context.actor
        Operation(
            self.context,
            self,
            lambda session, progress: book_in_bulk(session, actor, plan, progress),
            label=tr("Booking the selected employees…"),
            cancellable=True,
        ).success(self._bulk_done).run()

    def _bulk_done(self, outcome: BulkOutcome) -> None:
        lines = [
            ntr("{count} appointment booked.", "{count} appointments booked.", len(outcome.booked))
        ]
        if outcome.unplaced:
            lines.append(
                ntr(
                    "{count} employee could not be booked:",
                    "{count} employees could not be booked:",
                    len(outcome.unplaced),
                )
            )
            lines += [f"• {item.employee} — {item.reason}" for item in outcome.unplaced[:30]]
        QMessageBox.information(self, tr("Bulk booking"), "\n".join(lines))
        self._booked()

    # -- intervals ----------------------------------------------------------------------------

    def edit_intervals(self) -> None:
        dialog = IntervalsDialog(self, self.intervals)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        actor, values = self.context.actor, dialog.values()
        write(
            self.context,
            self,
            lambda session: needs.set_intervals(session, actor, values),
            tr("Saving…"),
            lambda _values: self.load(),
        )


class BulkDialog(QDialog):
    """Where and when to book a selection: each member's referent and centre by default."""

    def __init__(self, parent: QWidget, choices: NetworkChoices, count: int) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Book the selection"))
        form = QFormLayout(self)
        form.addRow(
            QLabel(
                ntr(
                    "Book {count} employee in the first free slots of:",
                    "Book {count} employees, one after the other, in the first free slots of:",
                    count,
                )
            )
        )
        self.professional = professional_combo(choices, everyone=tr("Each member's referent"))
        self.centre = centre_combo(choices, everyone=tr("Each member's centre"))
        self.first = date_edit(clock.today() + timedelta(days=1))
        self.last = date_edit(clock.today() + timedelta(days=30))
        form.addRow(tr("Professional"), self.professional)
        form.addRow(tr("Centre"), self.centre)
        form.addRow(tr("From"), self.first)
        form.addRow(tr("Until"), self.last)
        form.addRow(ok_cancel(self, ok_text=tr("Book")))


class IntervalsDialog(QDialog):
    """Months between periodic visits, per follow-up category (a service-wide setting)."""

    def __init__(self, parent: QWidget, current: dict[str, int]) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Periodic visits"))
        form = QFormLayout(self)
        self.spins: dict[str, QSpinBox] = {}
        for category in FollowUpCategory:
            spin = QSpinBox()
            spin.setRange(1, 120)
            spin.setSuffix(tr(" months"))
            spin.setValue(current.get(category.value, 60))
            self.spins[category.value] = spin
            form.addRow(labels.category(category), spin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, int]:
        return {key: spin.value() for key, spin in self.spins.items()}
