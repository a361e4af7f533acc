"""The French texts of the e-mails, which the administrator may edit.

Each kind of message has a subject and a text with ``{field}`` placeholders; the fields a
kind may use are listed in ``FIELDS`` (with what each holds, shown beside the editor). A
template that names another field is refused when saved, and a stored one that does
(written by hand in the database) keeps its message out of the queue with that sentence.
The HTML part is made from the text (paragraphs, lists), under the service's name.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from backoffice.i18n import tr, trc
from backoffice.identity import ServiceIdentity
from backoffice.models import MailKind, MailTemplate
from backoffice.services import audit
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

COMMON_FIELDS = {
    "member_name": "la raison sociale de l'adhérent",
    "member_code": "le numéro d'adhérent",
    "service_name": "le nom du service",
    "service_contact": "le téléphone et l'adresse e-mail du service",
    "portal_url": "l'adresse de l'espace adhérent",
}

FIELDS: dict[MailKind, dict[str, str]] = {
    MailKind.PRENOTIFICATION: {
        "collection_date": "la date du prélèvement",
        "total": "le montant prélevé",
        "lines": "les échéances prélevées, une par ligne",
        "rum": "la référence unique du mandat",
        "ics": "l'identifiant créancier SEPA",
        "masked_iban": "l'IBAN débité, masqué",
        "bic": "le BIC débité",
        "mandate_date": "la date de signature du mandat",
        "billing_contact": "le contact du service comptabilité",
    },
    MailKind.INVOICE: {
        "invoice_number": "le numéro de la facture",
        "invoice_date": "la date de la facture",
        "total": "le montant TTC",
        "schedule": "les échéances, une par ligne",
        "billing_contact": "le contact du service comptabilité",
    },
    MailKind.REMINDER: {
        "invoice_number": "les numéros des factures",
        "invoices": "« facture » ou « factures » suivi de leurs numéros",
        "lines": "les échéances impayées, une par ligne",
        "due_date": "la plus ancienne date d'exigibilité",
        "amount_due": "le montant restant dû",
        "level": "le niveau de relance (1re relance, 2e relance, mise en demeure)",
        "billing_contact": "le contact du service comptabilité",
    },
    MailKind.CONVOCATION: {
        "employee_name": "le nom du salarié convoqué",
        "visit_type": "le type de visite",
        "visit_date": "le jour de la visite",
        "visit_time": "l'heure de la visite",
        "centre": "le centre de visite",
        "centre_address": "l'adresse du centre",
        "what_to_bring": "ce que le salarié apporte (Paramètres › Convocations)",
        "how_to_cancel": "comment annuler (Paramètres › Convocations)",
    },
    MailKind.CHANGE_APPROVED: {
        "request_date": "le jour de la demande",
        "change_kind": "la nature de la demande",
        "effective_date": "le jour où la modification prend effet",
        "changes": "les modifications acceptées, une par ligne",
    },
    MailKind.CHANGE_REJECTED: {
        "request_date": "le jour de la demande",
        "change_kind": "la nature de la demande",
        "reason": "le motif du refus",
    },
    MailKind.APPOINTMENT_CONFIRMED: {
        "employee_name": "le nom du salarié",
        "visit_type": "le type de visite",
        "visit_date": "le jour du rendez-vous",
        "visit_time": "l'heure du rendez-vous",
        "centre": "le centre de visite",
        "centre_address": "l'adresse du centre",
    },
    MailKind.APPOINTMENT_REFUSED: {
        "employee_name": "le nom du salarié",
        "visit_type": "le type de visite demandé",
        "request_date": "le jour de la demande",
        "reason": "le motif",
    },
    MailKind.TEST: {"sent_by": "la personne qui envoie le message d'essai"},
}

_SIGNATURE = "\n\nCordialement,\n{service_name}\n{service_contact}\n"

DEFAULTS: dict[MailKind, tuple[str, str]] = {
    MailKind.PRENOTIFICATION: (
        "Avis de prélèvement SEPA du {collection_date} – adhérent {member_code}",
        "Madame, Monsieur,\n\n"
        "Conformément au mandat de prélèvement SEPA signé le {mandate_date}, nous vous "
        "informons que la somme de {total} sera prélevée le {collection_date} sur le compte "
        "{masked_iban} (BIC {bic}), au titre des échéances suivantes :\n\n{lines}\n\n"
        "N° d'adhérent : {member_code}\n"
        "Référence unique du mandat (RUM) : {rum}\n"
        "Identifiant créancier SEPA (ICS) : {ics}\n\n"
        "Merci de veiller à ce que votre compte soit approvisionné à cette date. Pour toute "
        "question ou erreur, contactez notre service comptabilité avant le "
        "{collection_date} : {billing_contact}." + _SIGNATURE,
    ),
    MailKind.INVOICE: (
        "Facture {invoice_number} – {service_name}",
        "Madame, Monsieur,\n\n"
        "Veuillez trouver ci-joint la facture {invoice_number} du {invoice_date}, d'un "
        "montant de {total}.\n\nÉchéancier :\n\n{schedule}\n\n"
        "Pour toute question : {billing_contact}." + _SIGNATURE,
    ),
    MailKind.REMINDER: (
        "{level} – {invoices}",
        "Madame, Monsieur,\n\n"
        "Sauf erreur de notre part, les échéances suivantes restent impayées :\n\n{lines}"
        "\n\nMontant restant dû : {amount_due}.\n\n"
        "Vous trouverez ci-joint le courrier de relance. Si le règlement a été effectué "
        "entre-temps, merci de ne pas tenir compte de ce message.\n\n"
        "Pour toute question : {billing_contact}." + _SIGNATURE,
    ),
    MailKind.CONVOCATION: (
        "Convocation de {employee_name} le {visit_date} à {visit_time}",
        "Madame, Monsieur,\n\n"
        "Nous avons convoqué {employee_name} le {visit_date} à {visit_time} "
        "({visit_type}) :\n\n{centre}\n{centre_address}\n\n"
        "La convocation est jointe ; merci de la remettre au salarié. Elle lui rappelle :"
        "\n\n{what_to_bring}\n\n{how_to_cancel}" + _SIGNATURE,
    ),
    MailKind.CHANGE_APPROVED: (
        "Votre demande du {request_date} est acceptée",
        "Madame, Monsieur,\n\n"
        "Votre demande du {request_date} ({change_kind}) a été acceptée. Elle prend effet "
        "le {effective_date} :\n\n{changes}" + _SIGNATURE,
    ),
    MailKind.CHANGE_REJECTED: (
        "Votre demande du {request_date} n'a pas été acceptée",
        "Madame, Monsieur,\n\n"
        "Votre demande du {request_date} ({change_kind}) n'a pas pu être acceptée, pour le "
        "motif suivant :\n\n{reason}\n\n"
        "Vous pouvez en déposer une nouvelle depuis l'espace adhérent : "
        "{portal_url}" + _SIGNATURE,
    ),
    MailKind.APPOINTMENT_CONFIRMED: (
        "Rendez-vous de {employee_name} le {visit_date} à {visit_time}",
        "Madame, Monsieur,\n\n"
        "Nous confirmons le rendez-vous de {employee_name} pour une {visit_type} le "
        "{visit_date} à {visit_time} :\n\n{centre}\n{centre_address}\n\n"
        "Une convocation vous sera adressée." + _SIGNATURE,
    ),
    MailKind.APPOINTMENT_REFUSED: (
        "Votre demande de rendez-vous pour {employee_name}",
        "Madame, Monsieur,\n\n"
        "Nous ne pouvons pas donner suite à votre demande du {request_date} ({visit_type} "
        "pour {employee_name}) :\n\n{reason}" + _SIGNATURE,
    ),
    MailKind.TEST: (
        "Message d'essai – {service_name}",
        "Bonjour,\n\nCe message d'essai a été envoyé par {sent_by} depuis le back-office "
        "pour vérifier les paramètres d'envoi des e-mails. Il n'appelle aucune réponse."
        + _SIGNATURE,
    ),
}


@dataclass(frozen=True)
class Template:
    kind: MailKind
    subject: str
    text: str
    edited: bool  # False: the default


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


class TemplateProblem(Exception):
    """A stored template cannot be filled in; ``message`` says why, in French."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def allowed_fields(kind: MailKind) -> dict[str, str]:
    return {**COMMON_FIELDS, **FIELDS[kind]}


def named_fields(text: str) -> list[str]:
    """The ``{field}`` names a text uses (ValueError for a misplaced brace)."""
    names = []
    for _literal, name, _spec, _conversion in string.Formatter().parse(text):
        if name is not None:
            names.append(name)
    return names


def template_problems(kind: MailKind, subject: str, text: str) -> list[FieldError]:
    allowed = allowed_fields(kind)
    errors = []
    for field, label, value in (
        ("subject", tr("Subject"), subject),
        ("text", trc("mail", "Text"), text),
    ):
        try:
            names = named_fields(value)
        except ValueError:
            errors.append(
                FieldError(
                    field,
                    tr(
                        "{part}: a brace is not closed; write the fields as {{field}}.",
                        part=label,
                    ),
                )
            )
            continue
        unknown = sorted({name for name in names if name not in allowed})
        if unknown:
            errors.append(
                FieldError(
                    field,
                    tr(
                        "{part}: the field {{{name}}} does not exist for this message; the "
                        "fields are {fields}.",
                        part=label,
                        name=unknown[0],
                        fields=", ".join(f"{{{name}}}" for name in allowed),
                    ),
                )
            )
    if not subject.strip():
        errors.append(FieldError("subject", tr("Subject: it cannot be empty.")))
    if not text.strip():
        errors.append(FieldError("text", tr("Text: it cannot be empty.")))
    return errors


def load(session: Session, kind: MailKind) -> Template:
    stored = session.get(MailTemplate, kind)
    if stored is None:
        subject, text = DEFAULTS[kind]
        return Template(kind, subject, text, edited=False)
    return Template(kind, stored.subject, stored.text, edited=True)


def save(session: Session, actor: Actor, kind: MailKind, subject: str, text: str) -> Template:
    """Store an edited template (administrator), refused whole when it names a field the
    message does not have."""
    require(session, actor, Permission.SETTINGS_MANAGE)
    errors = template_problems(kind, subject, text)
    if errors:
        raise ValidationFailed(errors)
    stored = session.get(MailTemplate, kind)
    before = load(session, kind)
    if stored is None:
        stored = MailTemplate(kind=kind, subject=subject, text=text)
        session.add(stored)
    stored.subject, stored.text, stored.updated_by_id = subject, text, actor.staff_id
    session.flush()
    audit.record(
        session,
        actor,
        "mail.template",
        "mail_template",
        None,
        summary=kind.value,
        before={"subject": before.subject, "text": before.text},
        after={"subject": subject, "text": text},
    )
    return load(session, kind)


def restore_default(session: Session, actor: Actor, kind: MailKind) -> Template:
    require(session, actor, Permission.SETTINGS_MANAGE)
    stored = session.get(MailTemplate, kind)
    if stored is not None:
        session.delete(stored)
        session.flush()
    return load(session, kind)


def common_values(identity: ServiceIdentity, member_name: str, member_code: str) -> dict[str, str]:
    contact = " · ".join(part for part in (identity.phone, identity.email) if part)
    return {
        "member_name": member_name,
        "member_code": member_code,
        "service_name": identity.name,
        "service_contact": contact,
        "portal_url": identity.portal_url or "",
    }


# What the editor's preview puts in each field (any kind naming it), beside a real member.
SAMPLES: dict[str, str] = {
    "collection_date": "15/03/2027",
    "total": "1 458,22 €",
    "lines": "- Échéance du 15/03/2027 : 486,08 €\n- Échéance du 15/05/2027 : 486,07 €",
    "rum": "SPSTI-200123-01",
    "ics": "FR12ZZZ123456",
    "masked_iban": "FR76 **** **** **** **** ***0 189",
    "bic": "CCBPFRPPMTZ",
    "mandate_date": "02/01/2025",
    "billing_contact": "03 89 00 00 01 · comptabilite@spsti.example",
    "invoice_number": "F2027-000123",
    "invoices": "facture F2027-000123",
    "invoice_date": "15/01/2027",
    "schedule": "- 15/03/2027 : 486,08 €\n- 15/05/2027 : 486,07 €\n- 15/07/2027 : 486,07 €",
    "due_date": "15/03/2027",
    "amount_due": "972,15 €",
    "level": "1re relance",
    "employee_name": "Camille Martin",
    "visit_type": "visite d'information et de prévention",
    "visit_date": "mardi 16/03/2027",
    "visit_time": "09:30",
    "centre": "Centre de Mulhouse",
    "centre_address": "12 rue de la Sinne, 68100 Mulhouse",
    "what_to_bring": "Merci d'apporter vos lunettes et la liste de vos traitements.",
    "how_to_cancel": "Pour annuler, prévenez-nous au moins 48 heures à l'avance.",
    "request_date": "02/03/2027",
    "change_kind": "modification des coordonnées",
    "effective_date": "03/03/2027",
    "changes": "- Téléphone : 03 89 00 00 00 → 03 89 11 22 33",
    "reason": "Le SIRET indiqué ne correspond pas à l'établissement.",
    "sent_by": "Claire Dubois",
}


def sample_values(
    kind: MailKind, identity: ServiceIdentity, member_name: str, member_code: str
) -> dict[str, str]:
    """Every field of ``kind`` filled in for a preview: the member's and the service's
    own, and an example of each of the others."""
    return {
        **common_values(identity, member_name, member_code),
        **{name: SAMPLES[name] for name in FIELDS[kind]},
    }


def render(template: Template, values: Mapping[str, str], identity: ServiceIdentity) -> Rendered:
    """The subject, text and HTML of a message (``TemplateProblem`` when the template names
    an unknown field or a value is missing)."""
    allowed = allowed_fields(template.kind)
    for part in (template.subject, template.text):
        try:
            names = named_fields(part)
        except ValueError as error:
            raise TemplateProblem(
                tr("The template of this message has a brace that is not closed.")
            ) from error
        for name in names:
            if name not in allowed:
                raise TemplateProblem(
                    tr(
                        "The template of this message names the field {{{name}}}, which does "
                        "not exist; correct it in Paramètres › Modèles d'e-mails.",
                        name=name,
                    )
                )
            if name not in values:
                raise TemplateProblem(
                    tr("The value of the field {{{name}}} is missing.", name=name)
                )
    subject = " ".join(template.subject.format_map(values).split())
    text = template.text.format_map(values)
    return Rendered(subject, text, to_html(subject, text, identity))


def _escape(line: str) -> str:
    """HTML text; the narrow no-break space of French amounts (``1 332,94 €``) as a plain
    no-break space, which every mail program keeps on one line (some break at U+202F)."""
    return html.escape(line).replace("\u202f", "&nbsp;")


def to_html(subject: str, text: str, identity: ServiceIdentity) -> str:
    """The text as a simple HTML page: paragraphs, lists for lines starting with « - »,
    the service's name above and its address below."""
    blocks = []
    for paragraph in text.strip().split("\n\n"):
        lines = paragraph.split("\n")
        if all(line.strip().startswith("- ") for line in lines if line.strip()):
            items = "".join(
                f"<li>{_escape(line.strip()[2:])}</li>" for line in lines if line.strip()
            )
            blocks.append(f'<ul style="margin:0 0 12px 0">{items}</ul>')
        else:
            body = "<br>".join(_escape(line) for line in lines)
            blocks.append(f'<p style="margin:0 0 12px 0">{body}</p>')
    footer = html.escape(" – ".join((identity.name, *identity.address.lines)))
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>"
        '<body style="margin:0;padding:0;background:#f3f5f7">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
        'style="background:#f3f5f7"><tr><td align="center" style="padding:24px">'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" '
        'style="background:#ffffff;border:1px solid #d9dee3">'
        '<tr><td style="background:#1f5c8b;color:#ffffff;padding:16px 24px;'
        f'font:bold 18px Arial,sans-serif">{html.escape(identity.name)}</td></tr>'
        '<tr><td style="padding:24px;font:14px/1.5 Arial,sans-serif;color:#222222">'
        f"{''.join(blocks)}</td></tr>"
        '<tr><td style="padding:12px 24px;border-top:1px solid #d9dee3;'
        f'font:12px Arial,sans-serif;color:#666666">{footer}</td></tr>'
        "</table></td></tr></table></body></html>"
    )
