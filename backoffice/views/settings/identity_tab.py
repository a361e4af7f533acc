"""The service's identity (administrator): names, SIRET and VAT number, head office,
contacts, logo, bank accounts and SEPA creditor identifier — printed on every letter,
invoice, e-mail and file. Checked when saved; a field refused is marked in red."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.identity import Address, BankAccount, ServiceIdentity
from backoffice.ops.context import AppContext
from backoffice.services import identity as identity_service
from backoffice.views import formatting
from backoffice.views.settings.account_dialog import BankAccountDialog
from backoffice.views.settings.tab import SaveWork, SettingsTab
from backoffice.views.widgets.dialogs import confirm, note
from backoffice.views.widgets.operation_dialog import FIELD_ERROR_STYLE
from backoffice.views.widgets.rows_model import Column, RowsModel
from backoffice.views.widgets.table import DataTable

SECTIONS: list[tuple[str, tuple[str, ...]]] = [
    ("identification", ("legal_name", "trade_name", "legal_form", "siret", "vat_number")),
    (
        "head_office",
        (
            "address.line1",
            "address.line2",
            "address.postcode",
            "address.city",
            "address.country_code",
        ),
    ),
    (
        "contacts",
        (
            "phone",
            "email",
            "billing_phone",
            "billing_email",
            "assistance_phone",
            "assistance_email",
            "website",
            "portal_url",
        ),
    ),
    ("sepa", ("creditor_id",)),
]


def section_titles() -> dict[str, str]:
    return {
        "identification": tr("Identification"),
        "head_office": tr("Head office"),
        "contacts": tr("Contacts"),
        "sepa": tr("SEPA creditor"),
    }


def account_columns() -> list[Column[BankAccount]]:
    return [
        Column(tr("Label"), lambda a: a.label),
        Column(tr("IBAN"), lambda a: a.iban_display),
        Column(tr("BIC"), lambda a: a.bic),
        Column(tr("Bank"), lambda a: a.bank_name),
        Column(tr("Invoices"), lambda a: formatting.yes_no(a.for_invoices)),
        Column(tr("Direct debits"), lambda a: formatting.yes_no(a.for_direct_debits)),
    ]


class IdentityTab(SettingsTab):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.opened: ServiceIdentity | None = None
        self.logo: identity_service.Logo | None = None
        labels = identity_service.labels()
        self.inputs: dict[str, QLineEdit] = {}
        titles = section_titles()
        for key, names in SECTIONS:
            box = QGroupBox(titles[key])
            form = QFormLayout(box)
            for name in names:
                self.inputs[name] = QLineEdit()
                form.addRow(labels[name], self.inputs[name])
            self.layout_.addWidget(box)
        self.inputs["vat_number"].setPlaceholderText("FR + 2 chiffres + SIREN")
        self.inputs["portal_url"].setPlaceholderText("https://")
        self.inputs["address.country_code"].setMaxLength(2)
        self.inputs["address.country_code"].setMaximumWidth(50)
        self.fields = dict(self.inputs)
        self.layout_.insertWidget(4, self._logo_box())  # after the contacts
        self.layout_.insertWidget(5, self._accounts_box())
        hint = note(
            tr(
                "The visit centres' addresses, printed on convocations, are kept with the "
                "centres (Appointments › Care network)."
            )
        )
        self.layout_.addWidget(hint)
        self.layout_.addStretch()

    # -- logo -----------------------------------------------------------------------------

    def _logo_box(self) -> QGroupBox:
        box = QGroupBox(tr("Logo"))
        row = QHBoxLayout(box)
        self.logo_preview = QLabel()
        self.logo_preview.setFixedSize(180, 70)
        self.logo_preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.logo_preview.setStyleSheet("border: 1px dashed #b8c2cc")
        self.choose_logo = QPushButton(tr("Choose an image…"))
        self.choose_logo.clicked.connect(self.pick_logo)
        self.remove_logo = QPushButton(tr("No logo"))
        self.remove_logo.clicked.connect(lambda: self.set_logo(None))
        row.addWidget(self.logo_preview)
        row.addWidget(self.choose_logo)
        row.addWidget(self.remove_logo)
        row.addStretch()
        self.fields["logo"] = self.logo_preview
        return box

    def pick_logo(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, tr("Logo"), "", tr("Images (*.png *.jpg *.jpeg)")
        )
        if name:
            self.set_logo(identity_service.logo_from_file(Path(name).read_bytes()))

    def set_logo(self, logo: identity_service.Logo | None) -> None:
        self.logo = logo
        pixmap = QPixmap()
        if logo is not None and pixmap.loadFromData(logo.content):
            self.logo_preview.setPixmap(
                pixmap.scaled(
                    self.logo_preview.size(),
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.logo_preview.setPixmap(QPixmap())
            self.logo_preview.setText(tr("No logo") if logo is None else tr("Unreadable"))

    # -- bank accounts --------------------------------------------------------------------

    def _accounts_box(self) -> QGroupBox:
        box = QGroupBox(tr("Bank accounts"))
        column = QHBoxLayout(box)
        self.accounts: RowsModel[BankAccount] = RowsModel(account_columns())
        self.account_table = DataTable("settings_bank_accounts")
        self.account_table.setSortingEnabled(False)
        self.account_table.setModel(self.accounts)
        self.account_table.restore_layout([170, 250, 90, 200, 70, 90])
        self.account_table.setFixedHeight(130)
        self.account_table.activated_row.connect(self.edit_account)
        buttons = QWidget()
        stack = QHBoxLayout(buttons)
        stack.setDirection(QHBoxLayout.Direction.TopToBottom)
        self.add_account_button = QPushButton(tr("Add…"))
        self.add_account_button.clicked.connect(lambda: self.edit_account(None))
        self.edit_account_button = QPushButton(tr("Edit…"))
        self.edit_account_button.clicked.connect(
            lambda: self.edit_account(self.account_table.current_source_row())
        )
        self.remove_account_button = QPushButton(tr("Retire"))
        self.remove_account_button.clicked.connect(self.remove_account)
        for button in (
            self.add_account_button,
            self.edit_account_button,
            self.remove_account_button,
        ):
            stack.addWidget(button)
        stack.addStretch()
        column.addWidget(self.account_table, 1, Qt.AlignmentFlag.AlignTop)
        column.addWidget(buttons)
        self.fields["bank_accounts"] = self.account_table
        return box

    def edit_account(self, row: int | None) -> None:
        rows = list(self.accounts.rows)
        dialog = BankAccountDialog(self, rows[row] if row is not None else None)
        if not dialog.exec() or dialog.result_account is None:
            return
        account = dialog.result_account
        if row is None:
            rows.append(account)
        else:
            rows[row] = account
        self.accounts.set_rows(_single_use(rows, account))

    def remove_account(self) -> None:
        row = self.account_table.current_source_row()
        if row is None:
            return
        account = self.accounts.rows[row]
        if confirm(
            self,
            tr("Retire a bank account"),
            tr(
                "Retire the account {label} ({iban})? It leaves the service's accounts when "
                "the settings are saved; what was paid into it stays linked to it.",
                label=account.label,
                iban=account.iban_display,
            ),
            tr("Retire"),
        ):
            self.accounts.set_rows(
                [a for index, a in enumerate(self.accounts.rows) if index != row]
            )

    # -- loading, saving ------------------------------------------------------------------

    @classmethod
    def read(cls, session: Session) -> ServiceIdentity:
        return identity_service.load(session)

    def show_values(self, values: ServiceIdentity) -> None:
        self.opened = values
        for name, line in self.inputs.items():
            line.setText(_part(values, name))
        self.accounts.set_rows(list(values.bank_accounts))
        self.set_logo(values.logo)

    def typed(self) -> ServiceIdentity:
        text = {name: line.text().strip() for name, line in self.inputs.items()}
        address = Address(
            **{name.split(".")[1]: value for name, value in text.items() if "." in name}
        )
        return ServiceIdentity(
            **{name: value for name, value in text.items() if "." not in name},
            address=address,
            bank_accounts=tuple(self.accounts.rows),
            logo=self.logo,
        )

    def save_work(self) -> SaveWork | None:
        if not self.loaded:
            return None
        wanted, opened = self.typed(), self.opened
        return lambda session, actor: identity_service.save(session, actor, wanted, opened=opened)

    def set_editable(self, editable: bool) -> None:
        super().set_editable(editable)
        for button in (
            self.choose_logo,
            self.remove_logo,
            self.add_account_button,
            self.edit_account_button,
            self.remove_account_button,
        ):
            button.setEnabled(editable)

    def mark(self, names: Collection[str]) -> None:
        accounts = any(name.startswith("bank_accounts") for name in names)
        super().mark(set(names) | ({"bank_accounts"} if accounts else set()))
        self.logo_preview.setStyleSheet(
            FIELD_ERROR_STYLE if "logo" in names else "border: 1px dashed #b8c2cc"
        )


def _part(identity: ServiceIdentity, name: str) -> str:
    """A dotted name's value: ``address.city`` is the address's city."""
    holder: object = identity
    for part in name.split("."):
        holder = getattr(holder, part)
    return str(holder)


def _single_use(rows: list[BankAccount], chosen: BankAccount) -> list[BankAccount]:
    """One account for the invoices and one for the debits: ticking it on ``chosen``
    unticks it on the others."""
    return [
        account
        if account is chosen
        else replace(
            account,
            for_invoices=account.for_invoices and not chosen.for_invoices,
            for_direct_debits=account.for_direct_debits and not chosen.for_direct_debits,
        )
        for account in rows
    ]
