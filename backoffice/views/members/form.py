"""The member's record as a form: every field, greyed portal fields marked, and the
values read back typed (dates parsed) for the service."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QWidget,
)

from backoffice.dates import day_problem
from backoffice.i18n import tr
from backoffice.models import DocumentChannel
from backoffice.services.member_fields import MemberField, document_channel_label, member_fields
from backoffice.services.members import Choice, MemberDetail
from backoffice.views import formatting
from backoffice.views.widgets.inputs import DateInput

GREYED_STYLE = "QLabel { color: #6b4f00; }"


def sections() -> list[tuple[str, str]]:
    return [
        ("identity", tr("Identification")),
        ("address", tr("Address and contacts")),
        ("billing", tr("Billing")),
        ("convocation", tr("Convocations")),
        ("assignment", tr("Follow-up")),
    ]


def section_of(name: str) -> str:
    if name.startswith("billing_"):
        return "billing"
    if name.startswith("convocation_"):
        return "convocation"
    if name in (
        "legal_name",
        "trade_name",
        "siret",
        "naf_code",
        "joined_on",
        "activity_started_on",
    ):
        return "identity"
    return "address"


def date_problem(field: MemberField, day: date | None) -> str | None:
    """Why ``day`` cannot be the field's value (the service's own check), or None."""
    if day is None:
        return None
    if field.check is not None:
        problem = field.check(field.label, day)
        if problem:
            return problem
    return day_problem(field.meaning, field.label, day) if field.meaning else None


def display(value: object) -> str:
    if isinstance(value, DocumentChannel):
        return document_channel_label(value)
    if isinstance(value, date):
        return formatting.day(value)
    return "" if value is None else str(value)


class MemberForm(QWidget):
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, MemberField] = member_fields()
        self.inputs: dict[str, QLineEdit] = {}
        self.loaded: MemberDetail | None = None
        grid = QGridLayout(self)
        self.identity = QLabel()
        grid.addWidget(self.identity, 0, 0, 1, 2)
        forms = {}
        self.boxes: dict[str, QGroupBox] = {}
        for position, (key, title) in enumerate(sections()):
            box = QGroupBox(title)
            self.boxes[key] = box
            forms[key] = QFormLayout(box)
            grid.addWidget(box, 1 + position // 2, position % 2)
        self.documents_by = QComboBox()
        self.documents_by.setObjectName("documents_by")
        for channel in DocumentChannel:
            self.documents_by.addItem(document_channel_label(channel), channel.value)
        self.documents_by.setToolTip(
            tr(
                "How the member receives its invoices, reminders, pre-notifications and "
                "convocations; each sending follows it unless staff choose otherwise."
            )
        )
        self.documents_by.currentIndexChanged.connect(lambda _index: self.edited.emit())
        for name, field in self.fields.items():
            widget = self.documents_by if name == "documents_by" else self._input(name, field)
            forms[section_of(name)].addRow(self._label(field), widget)
        self.centre = QComboBox()
        self.referent = QComboBox()
        for combo in (self.centre, self.referent):
            combo.addItem("—", None)
            combo.currentIndexChanged.connect(lambda _index: self.edited.emit())
        forms["assignment"].addRow(tr("Visit centre"), self.centre)
        forms["assignment"].addRow(tr("Referent doctor"), self.referent)
        legend = QLabel(tr("◆ greyed on the portal: members cannot change these fields."))
        legend.setStyleSheet("color: #6b4f00")
        grid.addWidget(legend, 1 + (len(sections()) + 1) // 2, 0, 1, 2)
        grid.setRowStretch(grid.rowCount(), 1)

    def _label(self, field: MemberField) -> QLabel:
        label = QLabel(field.label + ("" if field.portal_editable else " ◆"))
        if not field.portal_editable:
            label.setStyleSheet(GREYED_STYLE)
            label.setToolTip(tr("Greyed on the portal: only the service can change it."))
        return label

    def _input(self, name: str, field: MemberField) -> QLineEdit:
        # A day is typed in the one date input (its calendar, its red mark when impossible).
        line = (
            DateInput(None, optional=True, meaning=field.meaning)
            if field.kind is date
            else QLineEdit()
        )
        line.setObjectName(name)
        if field.input_length:
            line.setMaxLength(field.input_length)  # the column's length (services.limits)
        line.textEdited.connect(lambda _text: self.edited.emit())
        if isinstance(line, DateInput):
            line.day_changed.connect(lambda _day: self.edited.emit())
        self.inputs[name] = line
        return line

    def set_choices(self, centres: list[Choice], professionals: list[Choice]) -> None:
        for combo, choices in ((self.centre, centres), (self.referent, professionals)):
            combo.blockSignals(True)
            for choice in choices:
                combo.addItem(choice.label, choice.id)
            combo.blockSignals(False)
        if self.loaded is not None:
            self._select_assignments(self.loaded)

    def load(self, detail: MemberDetail) -> None:
        self.loaded = detail
        status = (
            tr("active")
            if detail.status.value == "active"
            else tr("ceased on {date}", date=formatting.day(detail.ceased_on))
        )
        mandate = (
            tr(" · direct debit, mandate {rum}", rum=detail.mandate.rum) if detail.mandate else ""
        )
        self.identity.setText(f"<b>{detail.member_code}</b> · {status}{mandate}")
        for name, line in self.inputs.items():
            line.setText(display(detail.values.get(name)))
            line.setStyleSheet("")
        self.set_documents_by(detail.values.get("documents_by"))
        self.documents_by.setStyleSheet("")
        # Need to know: the fields the role may not see are absent from the record read
        # (the billing ones for a medical assistant): their section is not shown.
        for key, box in self.boxes.items():
            names = [name for name in self.fields if section_of(name) == key]
            if names:
                box.setVisible(any(name in detail.values for name in names))
        self._select_assignments(detail)

    def set_documents_by(self, channel: object) -> None:
        self.documents_by.blockSignals(True)
        self.documents_by.setCurrentIndex(
            max(0, self.documents_by.findData(str(channel or DocumentChannel.EMAIL)))
        )
        self.documents_by.blockSignals(False)

    def _select_assignments(self, detail: MemberDetail) -> None:
        for combo, value in (
            (self.centre, detail.visit_centre_id),
            (self.referent, detail.referent_professional_id),
        ):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.blockSignals(False)

    def values(self) -> tuple[dict[str, object], list[str]]:
        """The typed values, and the date fields whose text is not a plausible day."""
        values, problems = self.checked_values()
        return values, list(problems)

    def checked_values(self) -> tuple[dict[str, object], dict[str, str]]:
        """The typed values, and a French sentence for each date field whose text is not
        a day or a day outside its bounds (``dates.Meaning``: the service's own check)."""
        values: dict[str, object] = {}
        problems: dict[str, str] = {}
        for name, line in self.inputs.items():
            text = line.text().strip()
            field = self.fields[name]
            if field.kind is not date:
                values[name] = text or None
                continue
            try:
                day = formatting.parse_day(text)
            except ValueError:
                problems[name] = tr("{field}: not a date (dd/mm/yyyy).", field=field.label)
                continue
            stored = self.loaded.values.get(name) if self.loaded is not None else None
            problem = None if day == stored else date_problem(field, day)  # as it was: kept
            if problem:
                problems[name] = problem
            else:
                values[name] = day
        values["documents_by"] = DocumentChannel(self.documents_by.currentData())
        values["visit_centre_id"] = self.centre.currentData()
        values["referent_professional_id"] = self.referent.currentData()
        return values, problems

    def date_problems(self) -> str:
        """What is wrong with the dates typed, one sentence a line (empty: nothing)."""
        return "\n".join(self.checked_values()[1].values())

    def bad_dates(self) -> list[str]:
        """The date fields whose text is not a plausible day."""
        return self.values()[1]

    def changed_values(self) -> dict[str, object]:
        """Only what differs from the loaded record (what the save sends)."""
        if self.loaded is None:
            return {}
        values, _bad = self.values()
        original = dict(self.loaded.values)
        original["visit_centre_id"] = self.loaded.visit_centre_id
        original["referent_professional_id"] = self.loaded.referent_professional_id
        return {
            name: value
            for name, value in values.items()
            if (original.get(name) or None) != (value or None)
        }

    def mark_errors(self, names: list[str]) -> None:
        for name, line in self.inputs.items():
            line.setStyleSheet("QLineEdit { border: 2px solid #b00020; }" if name in names else "")
        self.documents_by.setStyleSheet(
            "QComboBox { border: 2px solid #b00020; }" if "documents_by" in names else ""
        )
        if names and names[0] in self.inputs:
            self.inputs[names[0]].setFocus()

    def label_of(self, name: str) -> str:
        if name in self.fields:
            return self.fields[name].label
        return tr("Visit centre") if name == "visit_centre_id" else tr("Referent doctor")
