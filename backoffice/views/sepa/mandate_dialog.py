"""Creating a mandate by staff (a paper mandate received by post), and revoking one."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from backoffice import clock
from backoffice.dates import Meaning
from backoffice.i18n import tr, trc
from backoffice.models import SepaMandate
from backoffice.ops.context import AppContext
from backoffice.reports.sepa.charset import transliterated
from backoffice.reports.sepa.pain008 import NAME_LENGTH
from backoffice.services.errors import ValidationFailed
from backoffice.services.limits import max_length
from backoffice.services.sepa import mandates, queries
from backoffice.services.sepa.mandates import DebtorDetails, MandateInfo
from backoffice.views.widgets.dialogs import ReasonDialog, error_label, note, ok_cancel
from backoffice.views.widgets.inputs import DateInput
from backoffice.views.widgets.layouts import Row, add_rows
from backoffice.views.widgets.operations import read, write
from backoffice.views.widgets.search_box import SearchBox


class MandateDialog(QDialog):
    """Member, bank details, signature date and account holder; refused input stays."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.created: MandateInfo | None = None
        self.setWindowTitle(tr("New SEPA mandate"))
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.search = SearchBox(tr("Member code, name, SIRET or city…"))
        self.search.search.connect(self._find)
        self.member = QComboBox()
        self.member.currentIndexChanged.connect(self._member_chosen)
        self.replaces = note()
        self.iban = QLineEdit()
        self.iban.setPlaceholderText("FR76 3000 6000 0112 3456 7890 189")
        self.bic = QLineEdit()
        self.bic.setPlaceholderText("AGRIFRPP")
        self.signed_on = DateInput(clock.today(), meaning=Meaning.MANDATE_SIGNED)
        self.holder = QLineEdit()
        self.holder.setMaxLength(max_length(SepaMandate.debtor_name) or 140)
        self.holder.textChanged.connect(self._show_transliteration)
        self.in_file = note()
        self.street = QLineEdit()
        self.street.setMaxLength(max_length(SepaMandate.debtor_street) or 70)
        self.postcode = QLineEdit()
        self.postcode.setMaxLength(16)
        self.town = QLineEdit()
        self.town.setMaxLength(max_length(SepaMandate.debtor_town) or 35)
        self.country = QLineEdit("FR")
        self.country.setMaxLength(2)
        self.email = QLineEdit()
        self.email.setPlaceholderText(tr("for the pre-notifications (optional)"))
        rows: tuple[Row, ...] = (
            (tr("Find the member"), self.search),
            (tr("Member"), self.member),
            ("", self.replaces),
            (tr("IBAN"), self.iban),
            (tr("BIC"), self.bic),
            (tr("Signed on"), self.signed_on),
            (tr("Account holder"), self.holder),
            ("", self.in_file),
            (tr("Street"), self.street),
            (tr("Postcode"), self.postcode),
            (tr("Town"), self.town),
            (tr("Country"), self.country),
            (tr("Email"), self.email),
        )
        add_rows(form, rows)
        self.errors = error_label()
        form.addRow(self.errors)
        form.addRow(ok_cancel(self, self.save))
        self._choices: list[queries.MemberChoice] = []

    def _find(self, text: str) -> None:
        actor = self.context.actor
        read(self, lambda session: queries.find_members(session, actor, text), self._show_members)

    def _show_members(self, choices: list[queries.MemberChoice]) -> None:
        self._choices = choices
        self.member.blockSignals(True)
        self.member.clear()
        for choice in choices:
            self.member.addItem(f"{choice.member_code} – {choice.legal_name}", choice.id)
        self.member.blockSignals(False)
        self._member_chosen(self.member.currentIndex())

    def _member_chosen(self, index: int) -> None:
        if index < 0 or index >= len(self._choices):
            self.replaces.clear()
            return
        choice = self._choices[index]
        for line, value in (
            (self.holder, choice.legal_name),
            (self.street, choice.street[:70]),
            (self.postcode, choice.postcode),
            (self.town, choice.town[:35]),
            (self.country, choice.country),
        ):
            if not line.isModified():  # what the user typed is kept
                line.setText(value)
        self.replaces.setText(
            tr("This member has an active mandate: it will be revoked and replaced.")
            if choice.has_mandate
            else ""
        )
        self.adjustSize()

    def _show_transliteration(self, text: str) -> None:
        in_file = transliterated(text, NAME_LENGTH)
        self.in_file.setText(
            tr("Sent to the bank as « {name} » (SEPA character set).", name=in_file)
            if in_file and text.strip()
            else ""
        )
        self.adjustSize()

    def debtor(self) -> DebtorDetails:
        return DebtorDetails(
            name=self.holder.text().strip(),
            street=self.street.text().strip() or None,
            postcode=self.postcode.text().strip() or None,
            town=self.town.text().strip() or None,
            country=self.country.text().strip().upper(),
        )

    def save(self) -> None:
        member_id = self.member.currentData()
        if member_id is None:
            self.errors.setText(tr("Choose the member first."))
            return
        actor, debtor = self.context.actor, self.debtor()
        iban, bic, email = self.iban.text(), self.bic.text(), self.email.text().strip() or None
        try:
            signed_on = self.signed_on.day()
        except ValueError as error:
            self.errors.setText(str(error))
            return
        self.errors.clear()
        write(
            self,
            lambda session: mandates.create_mandate(
                session,
                actor,
                member_id,
                iban,
                bic,
                signed_on=signed_on,
                email=email,
                debtor=debtor,
            ),
            tr("Creating the mandate…"),
        ).success(self._created).failure(self._refused).run()

    def _created(self, created: MandateInfo) -> None:
        self.created = created
        self.accept()

    def _refused(self, error: BaseException) -> bool:
        if isinstance(error, ValidationFailed):
            self.errors.setText(error.message)
            self.adjustSize()
            return False
        return True


class RevokeDialog(ReasonDialog):
    """The revocation date and its reason (kept in the history)."""

    def __init__(self, parent: QWidget | None, rum: str) -> None:
        super().__init__(
            parent,
            tr("Revoke the mandate"),
            tr("Why is the mandate {rum} revoked (member's letter, closed account...)?", rum=rum),
        )
        self.revoked_on = DateInput(clock.today())
        form = QFormLayout()
        form.addRow(trc("mandate", "Revoked on"), self.revoked_on)
        self.layout().insertLayout(0, form)  # type: ignore[union-attr]

    def _accept(self) -> None:
        if not self.revoked_on.is_valid():
            self.error.setText(tr("Type a date (dd/mm/yyyy)."))
            return
        super()._accept()

    def day(self) -> date:
        day = self.revoked_on.day()
        assert day is not None
        return day
