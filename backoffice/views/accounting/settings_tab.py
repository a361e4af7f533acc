"""Paramètres › Plan comptable: the account of each role (customers, sales per kind of
invoice, VAT, bank, receipts, losses...), the journals' codes, and the members' auxiliary
accounts. French defaults; a change applies to the entries posted from then on."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from backoffice.i18n import tr
from backoffice.ops.context import AppContext
from backoffice.services.accounting import chart
from backoffice.views.settings.tab import KeysTab
from backoffice.views.widgets.dialogs import note

NUMBER_WIDTH = 80


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setStyleSheet("font-weight: 600; margin-top: 6px;")
    return label


class ChartOfAccountsTab(KeysTab):
    keys = (chart.SETTING,)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        intro = note(
            tr(
                "The accounts the entries are posted to. A change applies to the events "
                "recorded from then on; the entries already posted keep their accounts."
            )
        )
        self.layout_.addWidget(intro)
        content = QWidget()
        grid = QGridLayout(content)
        self.accounts: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        self.journals: dict[str, tuple[QLineEdit, QLineEdit]] = {}
        row = 0
        grid.addWidget(_heading(tr("Accounts")), row, 0)
        for key, role in chart.account_labels().items():
            row += 1
            self.accounts[key] = self._pair(grid, row, role, "account", key)
        row += 1
        grid.addWidget(_heading(tr("Journals")), row, 0)
        for key, name in chart.journal_labels().items():
            row += 1
            self.journals[key] = self._pair(grid, row, name, "journal", key)
        row += 1
        grid.addWidget(_heading(tr("Members")), row, 0)
        row += 1
        self.per_member = QCheckBox(tr("One auxiliary account per member (advised)"))
        grid.addWidget(self.per_member, row, 0)
        self.prefix = QLineEdit()
        self.prefix.setFixedWidth(NUMBER_WIDTH)
        self.prefix.setToolTip(tr("Put before the member code: C + 100245 gives C100245."))
        grid.addWidget(self.prefix, row, 1)
        self.fields["auxiliary.prefix"] = self.prefix
        grid.setColumnStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        self.layout_.addWidget(scroll, 1)

    def _pair(
        self, grid: QGridLayout, row: int, role: str, kind: str, key: str
    ) -> tuple[QLineEdit, QLineEdit]:
        number, label = QLineEdit(), QLineEdit()
        number.setFixedWidth(NUMBER_WIDTH)
        pair = QHBoxLayout()
        pair.addWidget(number)
        pair.addWidget(label, 1)
        grid.addWidget(QLabel(role[:1].upper() + role[1:]), row, 0)
        grid.addLayout(pair, row, 1)
        self.fields[f"{kind}.{key}"] = number
        return number, label

    def show_values(self, values: dict[str, Any]) -> None:
        books = chart.from_value(values[chart.SETTING])
        for key, (number, label) in self.accounts.items():
            account = books.accounts[key]
            number.setText(account.number)
            label.setText(account.label)
        for key, (code, label) in self.journals.items():
            journal = books.journals[key]
            code.setText(journal.code)
            label.setText(journal.label)
        self.per_member.setChecked(books.auxiliary_per_member)
        self.prefix.setText(books.auxiliary_prefix)

    def values(self) -> dict[str, Any]:
        return {
            chart.SETTING: {
                "accounts": {
                    key: {"number": number.text().strip().upper(), "label": label.text().strip()}
                    for key, (number, label) in self.accounts.items()
                },
                "journals": {
                    key: {"code": code.text().strip().upper(), "label": label.text().strip()}
                    for key, (code, label) in self.journals.items()
                },
                "auxiliary": {
                    "per_member": self.per_member.isChecked(),
                    "prefix": self.prefix.text().strip().upper(),
                },
            }
        }
