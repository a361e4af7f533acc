"""Members: the rule giving new members their code (their portal login)."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QSpinBox, QWidget

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.membership.numbering import RULE_KEY, CodeRule
from backoffice.views.settings.tab import KeysTab


class MembersTab(KeysTab):
    keys = (RULE_KEY,)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.prefix = QLineEdit()
        self.prefix.setMaxLength(8)
        self.prefix.setPlaceholderText(tr("none"))
        self.digits = QSpinBox()
        self.digits.setRange(3, 12)
        self.first = QSpinBox()
        self.first.setRange(1, 2_000_000_000)
        self.example = QLabel()
        for signal in (self.prefix.textChanged, self.digits.valueChanged, self.first.valueChanged):
            signal.connect(self._show_example)
        self.add_fields(
            (tr("Member code prefix"), self.prefix, f"{RULE_KEY}.prefix"),
            (tr("Digits"), self.digits, f"{RULE_KEY}.digits"),
            (tr("First number"), self.first, f"{RULE_KEY}.first"),
            (tr("Next codes look like"), self.example),
            note=tr(
                "A new member takes the next free number after the highest code of the rule "
                "already given; its code is also its portal login."
            ),
        )
        self.layout_.addStretch()

    def show_values(self, values: dict[str, Any]) -> None:
        rule = CodeRule.of(values[RULE_KEY])
        self.prefix.setText(rule.prefix)
        self.digits.setValue(rule.digits)
        self.first.setValue(rule.first)

    def _show_example(self) -> None:
        rule = CodeRule(self.prefix.text().strip().upper(), self.digits.value(), self.first.value())
        self.example.setText(rule.code(rule.first))

    def values(self) -> dict[str, Any]:
        return {
            RULE_KEY: {
                "prefix": self.prefix.text().strip().upper(),
                "digits": self.digits.value(),
                "first": self.first.value(),
            }
        }
