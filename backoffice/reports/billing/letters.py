"""Letters of the billing staff to members (French documents): payment reminders — first,
second, then formal notice — and the reminder to send the annual workforce declaration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from backoffice import references
from backoffice.reports import pdf
from backoffice.reports.billing.documents import PaymentDetails, iban_display
from backoffice.reports.billing.formats import day, eur
from backoffice.reports.billing.invoice_pdf import RECOVERY_INDEMNITY
from backoffice.reports.pdf import PostalAddress, ServiceIdentity

FORMAL_NOTICE = 3
SUBJECTS = {
    1: "Relance — échéance(s) impayée(s)",
    2: "Deuxième relance — échéance(s) impayée(s)",
    FORMAL_NOTICE: "Mise en demeure de payer",
}


@dataclass(frozen=True)
class OverdueLine:
    invoice_number: str
    issued_on: date
    due_on: date
    amount_cents: int
    remaining_cents: int
    days_late: int
    creditor_reference: str = ""  # ISO 11649 (RF…), to give with a transfer


@dataclass(frozen=True)
class PaymentReminderLetter:
    member_code: str
    address: tuple[str, ...]
    level: int  # 1, 2, 3 (formal notice)
    sent_on: date
    lines: tuple[OverdueLine, ...]

    @property
    def total_due_cents(self) -> int:
        return sum(line.remaining_cents for line in self.lines)


@dataclass(frozen=True)
class DeclarationReminderLetter:
    member_code: str
    address: tuple[str, ...]
    year: int
    sent_on: date


def _opening(
    identity: ServiceIdentity, address: tuple[str, ...], sent_on: date, subject: str, code: str
) -> list[Flowable]:
    return pdf.letter_opening(
        PostalAddress(address),
        f"{identity.address.city}, le {pdf.long_french_date(sent_on)}",
        [
            f"<b>Objet :</b> {pdf.escape(subject)}",
            f"<b>N° d'adhérent :</b> {pdf.escape(code)}",
        ],
    )


def _paragraphs(texts: list[str], style: str = "body") -> list[Flowable]:
    story: list[Flowable] = []
    for text in texts:
        story += [Paragraph(pdf.escape(text), pdf.styles()[style]), Spacer(1, 2.5 * mm)]
    return story


def _signature(identity: ServiceIdentity) -> list[Flowable]:
    return [
        Spacer(1, 6 * mm),
        Paragraph(pdf.escape(f"Le service comptabilité de {identity.name}"), pdf.styles()["body"]),
    ]


def payment_reminder_story(
    letter: PaymentReminderLetter, identity: ServiceIdentity, payment: PaymentDetails
) -> list[Flowable]:
    level = min(letter.level, FORMAL_NOTICE)
    story = _opening(identity, letter.address, letter.sent_on, SUBJECTS[level], letter.member_code)
    opening = (
        "Malgré nos précédentes relances, les échéances suivantes restent impayées :"
        if level == FORMAL_NOTICE
        else "Sauf erreur ou omission de notre part, les échéances suivantes restent "
        "impayées à ce jour :"
    )
    story += _paragraphs(["Madame, Monsieur,", opening])
    rows = [["Facture", "Émise le", "Échéance", "Montant", "Reste dû", "Jours de retard"]]
    rows += [
        [
            _invoice_cell(line),
            day(line.issued_on),
            day(line.due_on),
            eur(line.amount_cents),
            eur(line.remaining_cents),
            str(line.days_late),
        ]
        for line in letter.lines
    ]
    rows.append(["Total dû", "", "", "", eur(letter.total_due_cents), ""])
    story.append(
        pdf.table(
            rows,
            [38 * mm, 22 * mm, 22 * mm, 30 * mm, 30 * mm, 32 * mm],
            right_columns=(3, 4, 5),
            total_row=True,
        )
    )
    story.append(Spacer(1, 4 * mm))
    story += _paragraphs(_reminder_body(level, letter, payment))
    story += _signature(identity)
    return story


def _invoice_cell(line: OverdueLine) -> str:
    """The invoice's number, and under it the reference to give with a transfer."""
    if not line.creditor_reference:
        return line.invoice_number
    return f"{line.invoice_number}\n{references.display(line.creditor_reference)}"


def _reminder_body(level: int, letter: PaymentReminderLetter, payment: PaymentDetails) -> list[str]:
    recall = (
        "en indiquant la référence de paiement de chaque facture (RF…, ci-dessus)"
        if all(line.creditor_reference for line in letter.lines)
        else "en rappelant le numéro de facture"
    )
    pay = (
        f"par virement à {payment.payee} (IBAN {iban_display(payment.iban)}, BIC {payment.bic}) "
        f"{recall}, par chèque, ou par carte bancaire depuis votre espace adhérent"
    )
    if level == FORMAL_NOTICE:
        demand = (
            f"Nous vous mettons en demeure de régler la somme de {eur(letter.total_due_cents)} "
            f"sous quinze jours à compter de la réception de ce courrier, {pay}. À défaut, "
            "nous engagerons sans autre avis une procédure de recouvrement."
        )
    else:
        demand = (
            f"Nous vous remercions de bien vouloir régler la somme de "
            f"{eur(letter.total_due_cents)} dans les meilleurs délais, {pay}."
        )
    return [
        demand,
        "Conformément à l'article L441-10 du Code de commerce, tout retard de paiement "
        f"entraîne de plein droit des pénalités au {payment.late_interest}. " + RECOVERY_INDEMNITY,
        "Si votre règlement nous est parvenu entre-temps, nous vous prions de ne pas tenir "
        "compte de ce courrier.",
        "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.",
    ]


def declaration_reminder_story(
    letter: DeclarationReminderLetter, identity: ServiceIdentity
) -> list[Flowable]:
    subject = f"Déclaration annuelle des effectifs {letter.year}"
    story = _opening(identity, letter.address, letter.sent_on, subject, letter.member_code)
    story += _paragraphs(
        [
            "Madame, Monsieur,",
            "Sauf erreur de notre part, nous n'avons pas reçu votre déclaration annuelle "
            f"des effectifs pour l'année {letter.year}. Elle indique le nombre de salariés "
            "que nous suivons (personnes physiques), par catégorie de suivi (SI, SIA, SIR), "
            "et sert au calcul de votre cotisation annuelle.",
            f"Vous pouvez la faire en quelques minutes sur votre espace adhérent "
            f"({identity.portal_url}), rubrique « Mes salariés », avec votre numéro "
            f"d'adhérent {letter.member_code} et votre mot de passe.",
            "Sans déclaration de votre part, votre cotisation ne peut être établie et le "
            "suivi de vos salariés risque d'en être affecté.",
            f"Pour toute aide : {identity.assistance_email} ou {identity.assistance_phone}, "
            "en vous munissant de votre numéro d'adhérent.",
            "Veuillez agréer, Madame, Monsieur, nos salutations distinguées.",
        ]
    )
    story += _signature(identity)
    return story
