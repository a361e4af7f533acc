"""The pre-notification of a direct debit (*avis de prélèvement*): a letter (PDF) or the
text of an email, per member, with the amounts, the dates, the RUM and the ICS.

French documents sent to members: their text is French, written here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from backoffice.money import format_eur
from backoffice.reports import pdf
from backoffice.reports.pdf import PostalAddress, ServiceIdentity


@dataclass(frozen=True)
class NoticeLine:
    invoice_number: str
    position: int
    due_on: date
    amount_cents: int


@dataclass(frozen=True)
class Notice:
    prenotification_id: int
    member_code: str
    member_name: str
    address: PostalAddress
    email: str | None
    channel: str  # "letter" or "email"
    collection_date: date
    notified_on: date
    total_cents: int
    lines: tuple[NoticeLine, ...]
    rum: str
    mandate_signed_on: date
    masked_iban: str
    bic: str
    creditor_name: str
    creditor_id: str  # ICS
    outbox_id: int | None = None  # queued in the outbox (else an .eml file when by email)


def mask_iban(iban: str) -> str:
    """``FR76 **** **** **** **** ***0 189``: enough for the member to know the account."""
    compact = iban.replace(" ", "")
    masked = compact[:4] + "*" * max(len(compact) - 8, 0) + compact[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def subject(notice: Notice) -> str:
    return (
        f"Avis de prélèvement SEPA du {pdf.french_date(notice.collection_date)} – "
        f"adhérent {notice.member_code}"
    )


def _lines_table_rows(notice: Notice) -> list[list[str]]:
    rows = [["Facture", "Échéance", "Date d'exigibilité", "Montant"]]
    rows += [
        [
            line.invoice_number,
            str(line.position),
            pdf.french_date(line.due_on),
            format_eur(line.amount_cents),
        ]
        for line in notice.lines
    ]
    rows.append(["Total prélevé", "", "", format_eur(notice.total_cents)])
    return rows


def letter_story(notice: Notice, identity: ServiceIdentity) -> list[Flowable]:
    body = pdf.styles()["body"]
    day = pdf.french_date(notice.collection_date)
    story = pdf.letter_opening(
        notice.address,
        f"{identity.address.city}, le {pdf.long_french_date(notice.notified_on)}",
        [
            "<b>Objet : avis de prélèvement SEPA</b>",
            f"N° d'adhérent : {pdf.escape(notice.member_code)}",
            f"Référence unique du mandat (RUM) : {pdf.escape(notice.rum)}",
            f"Identifiant créancier SEPA (ICS) : {pdf.escape(notice.creditor_id)}",
        ],
    )
    story += [
        Paragraph("Madame, Monsieur,", body),
        Spacer(1, 3 * mm),
        Paragraph(
            "Conformément au mandat de prélèvement SEPA signé le "
            f"{pdf.french_date(notice.mandate_signed_on)}, nous vous informons que la somme "
            f"de <b>{format_eur(notice.total_cents)}</b> sera prélevée le <b>{day}</b> sur le "
            f"compte {pdf.escape(notice.masked_iban)} (BIC {pdf.escape(notice.bic)}), au "
            "titre des échéances suivantes :",
            body,
        ),
        Spacer(1, 4 * mm),
        pdf.table(
            _lines_table_rows(notice),
            [55 * mm, 25 * mm, 40 * mm, 35 * mm],
            right_columns=(3,),
            total_row=True,
        ),
        Spacer(1, 5 * mm),
        Paragraph(
            "Le prélèvement apparaîtra sur votre relevé au nom de "
            f"{pdf.escape(notice.creditor_name)}, avec le numéro de la facture. "
            "Merci de veiller à ce que votre compte soit approvisionné à cette date.",
            body,
        ),
        Spacer(1, 3 * mm),
        Paragraph(
            "Pour toute question ou erreur, contactez notre service comptabilité avant le "
            f"{day} : {pdf.escape(' · '.join(identity.billing_contact))}.",
            body,
        ),
        Spacer(1, 5 * mm),
        Paragraph(
            "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations "
            "distinguées.",
            body,
        ),
        Spacer(1, 8 * mm),
        Paragraph("Le service comptabilité", pdf.styles()["bold"]),
    ]
    return story


def letters_pdf(
    identity: ServiceIdentity,
    notices: Sequence[Notice],
    on_each: Callable[[int], None] | None = None,
) -> bytes:
    """All the letters in one PDF, one member per page, for printing in one go."""
    return pdf.render_many(
        identity,
        "Avis de prélèvement SEPA",
        [letter_story(notice, identity) for notice in notices],
        on_each,
    )


def email_lines(notice: Notice) -> str:
    """The instalments debited, one per line (the e-mail template's ``{lines}``)."""
    return "\n".join(
        f"- facture {line.invoice_number}, échéance {line.position} du "
        f"{pdf.french_date(line.due_on)} : {format_eur(line.amount_cents)}"
        for line in notice.lines
    )


def template_values(notice: Notice) -> dict[str, str]:
    """The fields of the outbox's pre-notification template."""
    return {
        "collection_date": pdf.french_date(notice.collection_date),
        "total": format_eur(notice.total_cents),
        "lines": email_lines(notice),
        "rum": notice.rum,
        "ics": notice.creditor_id,
        "masked_iban": notice.masked_iban,
        "bic": notice.bic,
        "mandate_date": pdf.french_date(notice.mandate_signed_on),
    }


def email_text(notice: Notice, identity: ServiceIdentity) -> str:
    rows = "\n".join(
        f"  - facture {line.invoice_number}, échéance {line.position} du "
        f"{pdf.french_date(line.due_on)} : {format_eur(line.amount_cents)}"
        for line in notice.lines
    )
    day = pdf.french_date(notice.collection_date)
    return (
        "Madame, Monsieur,\n\n"
        f"Conformément au mandat de prélèvement SEPA signé le "
        f"{pdf.french_date(notice.mandate_signed_on)}, nous vous informons que la somme de "
        f"{format_eur(notice.total_cents)} sera prélevée le {day} sur le compte "
        f"{notice.masked_iban} (BIC {notice.bic}), au titre des échéances suivantes :\n\n"
        f"{rows}\n\n"
        f"N° d'adhérent : {notice.member_code}\n"
        f"Référence unique du mandat (RUM) : {notice.rum}\n"
        f"Identifiant créancier SEPA (ICS) : {notice.creditor_id}\n"
        f"Créancier : {notice.creditor_name}\n\n"
        "Merci de veiller à ce que votre compte soit approvisionné à cette date. Pour toute "
        f"question ou erreur, contactez notre service comptabilité avant le {day} : "
        f"{' · '.join(identity.billing_contact)}.\n\n"
        "Avec nos salutations distinguées,\n"
        f"Le service comptabilité – {identity.name}\n"
    )


def email_message(notice: Notice, identity: ServiceIdentity) -> bytes:
    """The email as an ``.eml`` file, ready to open and send from a mail program."""
    message = EmailMessage()
    message["Subject"] = subject(notice)
    sender = identity.billing_contact[1]
    message["From"] = formataddr((identity.name, sender))
    message["To"] = formataddr((notice.member_name, notice.email or ""))
    message["Message-ID"] = make_msgid(domain=sender.rsplit("@", 1)[-1] or None)
    message.set_content(email_text(notice, identity))
    return message.as_bytes()
