"""E-mail or paper: the choice offered by every action that sends documents to members
(each member's preference, all by e-mail, all by post), and the French sentence that
says what happened (queued in the outbox, to print, kept back and why)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QButtonGroup, QDialog, QLabel, QRadioButton, QVBoxLayout, QWidget

from backoffice.i18n import ntr, tr
from backoffice.services.mail import documents as mail_documents
from backoffice.services.mail.documents import Delivery, delivery_label
from backoffice.views.widgets.dialogs import ok_cancel
from backoffice.views.widgets.operations import read

SHOWN_PROBLEMS = 8  # more are counted, not listed (the outbox lists them all)


class DeliveryDialog(QDialog):
    """« Selon la préférence de chaque adhérent » (the default), « Par e-mail »,
    « Par courrier (impression) »."""

    def __init__(self, parent: QWidget | None, title: str, question: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)  # the question on a few lines, not a narrow column
        layout = QVBoxLayout(self)
        text = QLabel(question)
        text.setWordWrap(True)
        layout.addWidget(text)
        self.group = QButtonGroup(self)
        self.choices: dict[Delivery, QRadioButton] = {}
        for delivery in Delivery:
            button = QRadioButton(delivery_label(delivery))
            button.setObjectName(f"delivery_{delivery.value}")
            self.group.addButton(button)
            self.choices[delivery] = button
            layout.addWidget(button)
        self.choices[Delivery.PREFERENCE].setChecked(True)
        layout.addWidget(ok_cancel(self, ok_text=tr("Send")))

    def delivery(self) -> Delivery:
        return next(choice for choice, button in self.choices.items() if button.isChecked())


def ask_delivery(parent: QWidget | None, title: str, question: str) -> Delivery | None:
    """The choice, or None when cancelled."""
    dialog = DeliveryDialog(parent, title, question)
    return dialog.delivery() if dialog.exec() == QDialog.DialogCode.Accepted else None


def choose_delivery(
    parent: QWidget, title: str, question: str, then: Callable[[Delivery], None]
) -> None:
    """Ask the choice when a mail server is set (else everything is printed: ``then``
    gets ``Delivery.POST`` without a question); nothing when cancelled."""

    def asked(enabled: bool) -> None:
        delivery = ask_delivery(parent, title, question) if enabled else Delivery.POST
        if delivery is not None:
            then(delivery)

    read(parent, mail_documents.mail_enabled, asked)


def delivery_outcome(
    noun: Callable[[int], str],
    emailed: int,
    printed: int,
    problems: Sequence[str],
    already: int = 0,
) -> str:
    """« 12 factures placées dans la boîte d'envoi (par e-mail), 3 factures à imprimer (par
    courrier). 1 message retenu, imprimé à la place : … » (``noun``: « 3 factures »)."""
    parts = [
        ntr(
            "{documents} queued in the outbox (by e-mail)",
            "{documents} queued in the outbox (by e-mail)",
            emailed,
            documents=noun(emailed),
        ),
        ntr(
            "{documents} to print (by post)",
            "{documents} to print (by post)",
            printed,
            documents=noun(printed),
        ),
    ]
    if already:
        parts.append(
            ntr(
                "{documents} already in the outbox (not queued again)",
                "{documents} already in the outbox (not queued again)",
                already,
                documents=noun(already),
            )
        )
    text = ", ".join(parts) + "."
    if problems:
        text += "\n\n" + ntr(
            "{count} message kept back, printed instead:",
            "{count} messages kept back, printed instead:",
            len(problems),
        )
        said = mail_documents.grouped_problems(problems)
        text += "".join(f"\n• {problem}" for problem in said[:SHOWN_PROBLEMS])
        if len(said) > SHOWN_PROBLEMS:
            text += "\n" + tr(
                "… and {count} more (Boîte d'envoi, failed messages).",
                count=len(said) - SHOWN_PROBLEMS,
            )
    return text
