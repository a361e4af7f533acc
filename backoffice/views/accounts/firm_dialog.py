"""Create an accounting firm (with its account and first letter), or correct its record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLineEdit, QWidget
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.accounts import firms
from backoffice.services.accounts.firms import FirmInput
from backoffice.services.accounts.queries import Holder
from backoffice.views.accounts.letter_dialog import with_letter
from backoffice.views.widgets.operation_dialog import OperationDialog


def _labels() -> list[tuple[str, str]]:
    return [
        ("name", tr("Firm name")),
        ("code", tr("Firm code (portal login)")),
        ("siret", tr("SIRET")),
        ("contact_name", tr("Contact")),
        ("address_line1", tr("Address")),
        ("address_line2", tr("Address (continued)")),
        ("postcode", tr("Postcode")),
        ("city", tr("City")),
        ("email", tr("Email")),
        ("phone", tr("Phone")),
    ]


class FirmDialog(OperationDialog):
    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None,
        firm_id: int | None = None,
        current: Holder | None = None,
    ) -> None:
        creating = firm_id is None
        super().__init__(
            context, parent, tr("New accounting firm") if creating else tr("Accounting firm")
        )
        self.setMinimumWidth(560)
        self.firm_id = firm_id
        self.version = current.firm_version if current else None
        self.inputs: dict[str, QLineEdit] = {}
        for name, label in _labels():
            line = QLineEdit(_initial(current, name))
            self.inputs[name] = self.fields[name] = line
            self.form.addRow(label, line)
        code = self.inputs["code"]
        code.setPlaceholderText(tr("automatic (CAB0001, CAB0002…)"))
        code.setReadOnly(not creating)
        self.set_action(tr("Create and print the letter") if creating else tr("Save"))

    def values(self) -> FirmInput:
        return FirmInput(**{name: line.text() for name, line in self.inputs.items()})

    def work(self) -> Callable[[Session], Any] | None:
        actor, values = self.context.actor, self.values()
        if self.firm_id is None:
            return lambda session: with_letter(firms.create_firm(session, actor, values).access)
        firm_id, version = self.firm_id, self.version or 0
        return lambda session: firms.update_firm(session, actor, firm_id, version, values)


def _initial(current: Holder | None, name: str) -> str:
    if current is None or current.firm is None:
        return ""
    return getattr(current.firm, name) or ""
