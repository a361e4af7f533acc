"""An employee typed by staff: added or edited (the portal's fields; its follow-up
category shown as it will be recorded, from the risk factors ticked), its exit recorded
with what it cancels shown first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import FollowUpCategory
from backoffice.ops.context import AppContext
from backoffice.services.changes.fields import CIVILITIES
from backoffice.services.employees import staff_records
from backoffice.services.employees.checks import RiskCatalogue, label
from backoffice.services.employees.staff_records import EmployeeDetail
from backoffice.views import labels
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.operations import read


class EmployeeDialog(OperationDialog):
    """A new employee of ``member_id`` (``detail`` None), or ``detail`` edited. ``result``
    holds the service's ``EmployeeSaved``."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        member_id: int,
        detail: EmployeeDetail | None = None,
    ) -> None:
        title = tr("New employee") if detail is None else tr("Employee")
        super().__init__(context, parent, title)
        self.member_id, self.detail = member_id, detail
        self.risks: RiskCatalogue | None = None
        values = detail.values if detail else {}
        self.civility = QComboBox()
        self.civility.addItem("—", None)
        for civility in CIVILITIES:
            self.civility.addItem(civility, civility)
        self.civility.setCurrentIndex(max(0, self.civility.findData(values.get("civility"))))
        self.last_name = QLineEdit(str(values.get("last_name") or ""))
        self.first_name = QLineEdit(str(values.get("first_name") or ""))
        self.birth_date = DateInput(values.get("birth_date"), optional=True)  # type: ignore[arg-type]
        self.pcs_code = QLineEdit(str(values.get("pcs_code") or ""))
        self.pcs_code.setPlaceholderText(tr("e.g. 621a"))
        self.job_title = QLineEdit(str(values.get("job_title") or ""))
        self.hired_on = DateInput(values.get("hired_on"))  # type: ignore[arg-type]
        self.resize(720, 680)
        self.risk_list = QListWidget()
        self.risk_list.setWordWrap(True)
        self.risk_list.setMinimumHeight(260)
        self.risk_list.itemChanged.connect(lambda _item: self._show_category())
        self.declared = QComboBox()
        for category in FollowUpCategory:
            self.declared.addItem(labels.category(category), category.value)
        self.declared.setCurrentIndex(
            max(0, self.declared.findData(values.get("follow_up_category") or "si"))
        )
        self.declared.currentIndexChanged.connect(lambda _index: self._show_category())
        self.recorded = QLabel()
        inputs = {
            "civility": self.civility,
            "last_name": self.last_name,
            "first_name": self.first_name,
            "birth_date": self.birth_date,
            "pcs_code": self.pcs_code,
            "job_title": self.job_title,
            "hired_on": self.hired_on,
            "risk_factors": self.risk_list,
            "follow_up_category": self.declared,
        }
        for name, widget in inputs.items():
            self.form.addRow(label(name), widget)
        self.form.addRow(tr("Recorded follow-up"), self.recorded)
        self.fields.update(inputs)
        self.set_action(tr("Add the employee") if detail is None else tr("Save"))
        read(self, RiskCatalogue.load, self._show_risks)

    def _show_risks(self, risks: RiskCatalogue) -> None:
        self.risks = risks
        ticked = set((self.detail.values.get("risk_factors") if self.detail else None) or [])
        self.risk_list.blockSignals(True)
        for code, (text, category) in risks.factors.items():
            item = QListWidgetItem(f"{text} ({labels.category(category)})")
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in ticked else Qt.CheckState.Unchecked)
            self.risk_list.addItem(item)
        self.risk_list.blockSignals(False)
        self._show_category()

    def ticked_codes(self) -> list[str]:
        return [
            self.risk_list.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.risk_list.count())
            if self.risk_list.item(row).checkState() == Qt.CheckState.Checked
        ]

    def _show_category(self) -> None:
        if self.risks is None:
            return
        category = self.risks.category(self.declared.currentData(), self.ticked_codes())
        self.recorded.setText(
            tr("{category} (raised by the risk factors)", category=labels.category(category))
            if category.value != self.declared.currentData()
            else labels.category(category)
        )

    def typed(self) -> dict[str, object] | None:
        try:
            birth, hired = self.birth_date.day(), self.hired_on.day()
        except ValueError as error:
            wrong = "birth_date" if not self.birth_date.is_valid() else "hired_on"
            self.show_errors(tr("{field}: {problem}", field=label(wrong), problem=error), [wrong])
            return None
        return {
            "civility": self.civility.currentData(),
            "last_name": self.last_name.text(),
            "first_name": self.first_name.text(),
            "birth_date": birth,
            "pcs_code": self.pcs_code.text(),
            "job_title": self.job_title.text(),
            "hired_on": hired,
            "risk_factors": self.ticked_codes(),
            "follow_up_category": self.declared.currentData(),
        }

    def work(self) -> Callable[[Session], Any] | None:
        values = self.typed()
        if values is None:
            return None
        actor, member_id, detail = self.context.actor, self.member_id, self.detail
        if detail is None:
            return lambda session: staff_records.add_employee(session, actor, member_id, values)
        changed = {k: v for k, v in values.items() if detail.values.get(k) != v}
        return lambda session: staff_records.update_employee(
            session, actor, detail.id, detail.version, changed
        )


class ExitDialog(OperationDialog):
    """The exit of ``detail``: its date and reason; what it cancels is shown as the date
    is typed. ``result`` holds the service's ``EmployeeExited``."""

    def __init__(self, context: AppContext, parent: QWidget | None, detail: EmployeeDetail) -> None:
        super().__init__(context, parent, tr("Record the exit"))
        self.detail = detail
        name = f"{str(detail.values['last_name']).upper()} {detail.values['first_name']}"
        self.add_intro(tr("Exit of {name} from the member's staff.", name=name))
        self.exited_on = DateInput(detail.values.get("exited_on"))  # type: ignore[arg-type]
        self.reason = QLineEdit(str(detail.values.get("exit_reason") or ""))
        self.reason.setPlaceholderText(tr("e.g. resignation, end of contract"))
        self.setMinimumWidth(580)
        self.add_fields(
            (label("exited_on"), self.exited_on, "exited_on"),
            (label("exit_reason"), self.reason, "exit_reason"),
        )
        self.consequences = self.add_consequences(56)
        self.exited_on.day_changed.connect(self._preview)
        self.set_action(tr("Record the exit"))
        self._preview(self.exited_on.day() if self.exited_on.is_valid() else None)

    def _preview(self, day: date | None) -> None:
        if day is None:
            self.consequences.clear()
            return
        actor, employee_id = self.context.actor, self.detail.id
        read(
            self,
            lambda session: staff_records.exit_consequences(session, actor, employee_id, day),
            lambda said: self.consequences.setText("\n".join(said)),
        )

    def work(self) -> Callable[[Session], Any] | None:
        try:
            day = self.exited_on.day()
        except ValueError as error:
            self.show_errors(
                tr("{field}: {problem}", field=label("exited_on"), problem=error), ["exited_on"]
            )
            return None
        actor, detail, reason = self.context.actor, self.detail, self.reason.text()
        return lambda session: staff_records.exit_employee(
            session, actor, detail.id, detail.version, day, reason
        )
