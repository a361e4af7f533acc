"""À convoquer: new hires without a hiring visit and employees whose periodic visit is
due, soonest first; one is booked through the slot proposals, a selection in bulk."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
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
from backoffice.i18n import ntr, tr, trc
from backoffice.models import FollowUpCategory
from backoffice.ops.context import AppContext
from backoffice.services.appointments import booking, needs
from backoffice.services.appointments.bulk import BulkOutcome, BulkPlan, book_in_bulk
from backoffice.services.appointments.choices import NetworkChoices
from backoffice.services.appointments.needs import NeedKind, NeedList, NeedQuery, NeedRow
from backoffice.services.permissions import Permission
from backoffice.views import formatting, labels
from backoffice.views.appointments.common import (
    WARNING,
    centre_combo,
    employee_columns,
    fill_centres,
    growing_combo,
    professional_combo,
)
from backoffice.views.appointments.tab import AppointmentTab
from backoffice.views.widgets.actions import action
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.layouts import add_rows
from backoffice.views.widgets.operation_dialog import FormDialog
from backoffice.views.widgets.operations import Feedback
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.search_box import SearchBox

ASKED = QColor("#e3f4e6")


def need_columns() -> list[Column[NeedRow]]:
    return [
        *employee_columns(),
        Column(tr("Hired on"), lambda r: formatting.day(r.hired_on), lambda r: r.hired_on),
        Column(
            tr("Last visit"),
            lambda r: formatting.day(r.last_visit_on) or tr("none"),
            lambda r: r.last_visit_on or r.hired_on,
        ),
        Column(trc("visit", "Due on"), lambda r: formatting.day(r.due_on), lambda r: r.due_on),
        Column(tr("Centre"), lambda r: r.centre),
        Column(tr("Referent"), lambda r: r.referent),
        Column(tr("Asked on the portal"), lambda r: tr("yes") if r.request_pending else ""),
    ]


class NeedsTab(AppointmentTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.intervals: dict[str, int] = {}
        layout = QVBoxLayout(self)
        layout.addLayout(self._filters())
        self.model: RowsModel[NeedRow] = RowsModel(
            need_columns(),
            background=lambda r: WARNING if r.overdue else (ASKED if r.request_pending else None),
            key=lambda r: r.employee_id,
        )
        self.table = self.list_table("appointment_needs", self.model, "book_one")
        layout.addWidget(self.table)
        layout.addLayout(self._buttons())
        self.actions.list_menu(
            self.table, "book_one", "book_selection", None, "open_selected_member"
        )

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
        self.limit = DateInput(clock.today() - timedelta(days=183))
        self.search = SearchBox(tr("Member, employee…"))
        bar.addWidget(self.kind)
        bar.addWidget(self.centre)
        bar.addWidget(self.category)
        bar.addWidget(self.limit_label)
        bar.addWidget(self.limit)
        bar.addWidget(self.search, 2)
        self.kind.currentIndexChanged.connect(lambda _index: self._kind_changed())
        for combo in (self.centre, self.category):
            combo.currentIndexChanged.connect(lambda _index: self.reload())
        self.limit.day_changed.connect(lambda _day: self.reload())
        self.search.search.connect(lambda _text: self.reload())
        self._kind_changed(load=False)
        return bar

    def _buttons(self) -> QHBoxLayout:
        self.count = QLabel()
        bar = self.actions.bar(
            "open_selected_member", "book_one", "book_selection", count=self.count
        )
        self.intervals_button = QPushButton()
        self.intervals_button.clicked.connect(self.edit_intervals)
        self.intervals_button.setEnabled(self.context.allows(Permission.SETTINGS_MANAGE))
        bar.insertWidget(2, self.intervals_button)  # after the count and the stretch
        return bar

    def set_choices(self, choices: NetworkChoices) -> None:
        super().set_choices(choices)
        fill_centres(self.centre, choices, everyone=tr("All centres"))

    def _kind_changed(self, *, load: bool = True) -> None:
        if self.kind.currentData() == NeedKind.HIRING:
            self.limit_label.setText(tr("Hired since"))
            self.limit.set_day(clock.today() - timedelta(days=183))
        else:
            self.limit_label.setText(tr("Due before"))
            self.limit.set_day(clock.today() + timedelta(days=60))
        if load:
            self.reload()

    # -- loading ------------------------------------------------------------------------------

    def current_query(self) -> NeedQuery | None:
        """None while the date typed is not a day."""
        if not self.limit.is_valid():
            return None
        kind = NeedKind(self.kind.currentData())
        limit = self.limit.day()
        return NeedQuery(
            kind,
            due_by=limit if kind == NeedKind.PERIODIC else None,
            hired_since=limit if kind == NeedKind.HIRING else None,
            centre_id=self.centre.currentData(),
            category=self.category.currentData(),
            text=self.search.text(),
        )

    def load(self) -> None:
        actor, query = self.context.actor, self.current_query()
        if query is None:
            return
        self.query(lambda session: needs.employees_needing_visit(session, actor, query), self._show)

    def _show(self, found: NeedList) -> None:
        self.model.set_rows(found.rows)
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

    def open(self, options: dict[str, Any]) -> None:
        if options.get("kind") in (NeedKind.HIRING, NeedKind.PERIODIC):
            self.kind.setCurrentIndex(self.kind.findData(NeedKind(options["kind"])))

    def selected(self) -> list[NeedRow]:
        return [self.model.row_at(row) for row in self.table.selected_source_rows()]

    def selected_member_id(self) -> int | None:
        chosen = self.selected()
        return chosen[0].member_id if chosen else None

    # -- booking ------------------------------------------------------------------------------

    @action(
        lambda: tr("Book one…"),
        shortcut=("Return", "Enter"),
        permission=Permission.APPOINTMENTS_MANAGE,
        on_list=True,
    )
    def book_one(self) -> None:
        """A slot for the selected employee, among the free ones of the referent."""
        chosen = self.selected()
        if not chosen or self.choices is None:
            return
        row = chosen[0]
        heading = tr(
            "<b>{employee}</b> — {member} ({code}), {category}: due on {due}.",
            employee=row.employee,
            member=row.member_name,
            code=row.member_code,
            category=labels.category(row.category),
            due=formatting.day(row.due_on),
        )
        picked = self.book_slot(
            row.employee_id,
            row.visit_type_code,
            heading,
            title=tr("Book a visit"),
            first_day=clock.today(),
        )
        if picked is None:
            return
        (slot, visit), actor = picked, self.context.actor
        self.write(
            lambda session: booking.book_appointment(session, actor, row.employee_id, visit, slot),
            tr("Booking…"),
        ).run()

    @action(lambda: tr("Book the selection…"), permission=Permission.APPOINTMENTS_MANAGE)
    def book_selection(self) -> None:
        """The selected employees one after the other, in the first free slots."""
        chosen = self.selected()
        if not chosen or self.choices is None:
            return
        dialog = BulkDialog(self, self.choices, len(chosen))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        first, last = dialog.first.day(), dialog.last.day()
        assert first is not None and last is not None
        plan = BulkPlan(
            [row.employee_id for row in chosen],
            NeedKind(self.kind.currentData()),
            first,
            last,
            dialog.professional.currentData(),
            dialog.centre.currentData(),
        )
        actor = self.context.actor
        self.write(
            lambda session, progress: book_in_bulk(session, actor, plan, progress),
            tr("Booking the selected employees…"),
            feedback=Feedback.CANCELLABLE,
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

    # -- intervals ----------------------------------------------------------------------------

    def edit_intervals(self) -> None:
        dialog = IntervalsDialog(self, self.intervals)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        actor, values = self.context.actor, dialog.values()
        self.write(lambda session: needs.set_intervals(session, actor, values), tr("Saving…")).run()


class BulkDialog(FormDialog):
    """Where and when to book a selection: each member's referent and centre by default."""

    def __init__(self, parent: QWidget, choices: NetworkChoices, count: int) -> None:
        super().__init__(parent, tr("Book the selection"))
        self.add_intro(
            ntr(
                "Book {count} employee in the first free slots of:",
                "Book {count} employees, one after the other, in the first free slots of:",
                count,
            )
        )
        self.professional = professional_combo(choices, everyone=tr("Each member's referent"))
        self.centre = centre_combo(choices, everyone=tr("Each member's centre"))
        self.first = DateInput(clock.today() + timedelta(days=1))
        self.last = DateInput(clock.today() + timedelta(days=30))
        add_rows(
            self.form,
            (
                (tr("Professional"), self.professional),
                (tr("Centre"), self.centre),
                (tr("From"), self.first),
                (tr("Until"), self.last),
            ),
        )
        self.set_action(tr("Book"))

    def submit(self) -> None:
        for edit in (self.first, self.last):
            try:
                edit.day()
            except ValueError as error:
                self.errors.setText(str(error))
                edit.setFocus()
                return
        self.accept()


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
