"""A new member recorded by staff (a company that joins by post or at the front desk):
its record, then, in the same step if asked, the joining-fee invoice and the first portal
access with its letter. Its code comes from the numbering rule (Settings › Members)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLabel, QScrollArea, QWidget
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.dates import format_day
from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.reports.accounts_letter import access_letter_pdf
from backoffice.services import members as member_service
from backoffice.services.membership.creation import MemberCreated, NewMember, create_member
from backoffice.views.members.form import MemberForm
from backoffice.views.widgets.inputs import count_spin
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.operations import read

Created = tuple[MemberCreated, bytes | None]  # the member, and its access letter's PDF


def create_with_letter(session: Session, actor: Any, new: NewMember) -> Created:
    """Create the member; its access letter rendered in the same worker thread."""
    created = create_member(session, actor, new)
    return created, access_letter_pdf(created.access.letter) if created.access else None


class NewMemberDialog(OperationDialog):
    """``result`` holds (MemberCreated, letter PDF or None) once created."""

    def __init__(self, context: AppContext, parent: QWidget | None) -> None:
        super().__init__(context, parent, tr("New member"))
        self.resize(980, 760)
        self.add_intro(
            tr(
                "A company that joins by post or at the front desk. Its member code, which "
                "is also its portal login, is given when it is saved."
            )
        )
        self.record = MemberForm()
        self.record.inputs["joined_on"].setText(format_day(clock.today()))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.record)
        self.layout_.insertWidget(1, scroll, 1)
        self.fields.update(self.record.inputs)
        self.fields.update(
            {
                "visit_centre_id": self.record.centre,
                "referent_professional_id": self.record.referent,
            }
        )
        self.layout_.addWidget(self._joining_box())
        self.set_action(tr("Record the member"))
        read(self, _choices, self._show_choices)

    def _joining_box(self) -> QGroupBox:
        box = QGroupBox(tr("At joining"))
        row = QHBoxLayout(box)
        self.joining_fee = QCheckBox(tr("Issue the joining-fee invoice for"))
        self.joining_fee.setChecked(True)
        self.fee_employees = count_spin(1, maximum=100_000)
        self.fee_employees.setMinimum(1)
        self.joining_fee.toggled.connect(self.fee_employees.setEnabled)
        self.first_access = QCheckBox(tr("Create its portal access and print the welcome letter"))
        self.first_access.setChecked(True)
        row.addWidget(self.joining_fee)
        row.addWidget(self.fee_employees)
        row.addWidget(QLabel(tr("employees")))
        row.addSpacing(24)
        row.addWidget(self.first_access)
        row.addStretch()
        self.fields["joining_fee_employees"] = self.fee_employees
        return box

    def _show_choices(self, choices: tuple[list, list]) -> None:
        self.record.set_choices(*choices)

    def work(self) -> Callable[[Session], Any] | None:
        values, bad_dates = self.record.values()
        if bad_dates:
            self.show_errors(self.record.date_problems(), bad_dates)
            return None
        new = NewMember(
            {name: value for name, value in values.items() if value is not None},
            joining_fee_employees=self.fee_employees.value() if self.joining_fee.isChecked() else 0,
            first_access=self.first_access.isChecked(),
        )
        actor = self.context.actor
        return lambda session: create_with_letter(session, actor, new)

    def busy_label(self) -> str:
        return tr("Recording the member…")


def _choices(session: Session) -> tuple[list, list]:
    return member_service.centre_choices(session), member_service.professional_choices(session)


def record_new_member(context: AppContext, parent: QWidget) -> int | None:
    """Run the dialog; then the letter to print (it holds the temporary password) and what
    was done. Returns the new member's id, or None when cancelled."""
    from backoffice.views.accounts.letter_dialog import LetterDialog
    from backoffice.views.widgets.dialogs import inform

    dialog = NewMemberDialog(context, parent)
    if not dialog.exec() or dialog.result is None:
        return None
    created, letter = dialog.result
    if created.access is not None and letter is not None:
        LetterDialog(parent, created.access, letter).exec()
    done = [tr("Member {code} recorded.", code=created.member_code)]
    if created.invoice_number:
        done.append(tr("Joining-fee invoice {number} issued.", number=created.invoice_number))
    inform(parent, tr("New member"), " ".join(done))
    return created.member_id
