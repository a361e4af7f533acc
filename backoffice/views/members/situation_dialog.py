"""A member's cessation, « no more employees » or return, recorded by staff: what it does
is shown (the same sentences as for a portal request) before it is confirmed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.changes.fields import situation_label
from backoffice.services.errors import ValidationFailed
from backoffice.services.members import MemberDetail
from backoffice.services.membership import situation
from backoffice.services.permissions import Permission
from backoffice.views.widgets import layouts
from backoffice.views.widgets.actions import Actions, action
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.operation_dialog import OperationDialog
from backoffice.views.widgets.operations import Feedback, write


def choices(detail: MemberDetail) -> list[tuple[str, str]]:
    """(situation, label) that apply to the member as it is."""
    if detail.status.value == "ceased" or not detail.has_employees:
        return [("return", tr("Return (activity or employees again)"))]
    return [(kind, situation_label(kind)) for kind in ("cessation", "no_employees")]


class SituationDialog(OperationDialog):
    """``result`` holds the service's ``SituationRecorded``."""

    def __init__(self, context: AppContext, parent: QWidget | None, detail: MemberDetail) -> None:
        super().__init__(context, parent, tr("Change of situation"))
        self.setMinimumWidth(560)
        self.detail = detail
        self.add_intro(
            tr(
                "Recorded by the service (a letter, a call): the same consequences as a "
                "change of situation sent on the portal, from the date given."
            )
        )
        self.kind = layouts.choices((text, kind) for kind, text in choices(detail))
        self.on = DateInput()
        self.add_fields(
            (tr("Change"), self.kind, "situation"), (tr("Date of the change"), self.on, "on")
        )
        self.consequences = self.add_consequences(80)
        self.kind.currentIndexChanged.connect(lambda _index: self.preview())
        self.on.day_changed.connect(lambda _day: self.preview())
        self.set_action(tr("Record the change"))
        self.preview()

    def _typed(self) -> tuple[str, date | None] | None:
        try:
            return self.kind.currentData(), self.on.day()
        except ValueError as error:
            self.show_errors(str(error), ["on"])
            return None

    def preview(self) -> None:
        typed = self._typed()
        if typed is None:
            self.consequences.clear()
            return
        kind, day = typed
        actor, member_id = self.context.actor, self.detail.id
        write(
            self,
            lambda session: situation.consequences(session, actor, member_id, kind, day),
            tr("Reading…"),
            writes=False,
            feedback=Feedback.SILENT,
        ).success(self._show).failure(self._unfit).run()

    def _show(self, said: list[str]) -> None:
        self.show_errors("")
        self.consequences.setText("\n".join(f"• {line}" for line in said))

    def _unfit(self, error: BaseException) -> bool:
        if not isinstance(error, ValidationFailed):
            return True
        self.consequences.clear()
        self.refused(error)
        return False

    def work(self) -> Callable[[Session], Any] | None:
        typed = self._typed()
        if typed is None:
            return None
        kind, day = typed
        actor, detail = self.context.actor, self.detail
        return lambda session: situation.record_situation(
            session, actor, detail.id, detail.version, kind, day
        )


class SituationButton(QWidget):
    """The record tab's « Change of situation… »; ``changed`` fires once recorded."""

    changed = Signal()

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        self.detail: MemberDetail | None = None
        self.actions = Actions(self, context)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.actions.button("change_situation"))

    def set_detail(self, detail: MemberDetail) -> None:
        self.detail = detail
        self.actions.update()

    @action(
        lambda: tr("Change of situation…"),
        permission=Permission.MEMBERS_EDIT,
        enabled=lambda button: button.detail is not None,
        tip=lambda: tr("Record a cessation, no more employees, or a return"),
    )
    def change_situation(self) -> None:
        assert self.detail is not None
        dialog = SituationDialog(self.context, self, self.detail)
        if dialog.exec() and dialog.result is not None:
            self.changed.emit()
