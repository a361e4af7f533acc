"""The access letter to the members' portal: code, temporary password, first-login steps.

Posted to a new member (first access), to a member whose access was reset, or to an
accounting firm. It is the only place the temporary password is written: the PDF is
handed to whoever prints it and never stored. French text, as posted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, ListFlowable, ListItem, Paragraph, Spacer

from backoffice.reports.pdf import (
    FONT,
    FONT_BOLD,
    PostalAddress,
    ServiceIdentity,
    escape,
    french_date,
    letter_opening,
    long_french_date,
    render,
    styles,
    table,
)


class LetterKind(StrEnum):
    FIRST_ACCESS = "first_access"  # a new member (or firm) receives its first access
    RESET = "reset"  # a new temporary password replaces the previous one


@dataclass(frozen=True)
class AccessLetter:
    kind: LetterKind
    identity: ServiceIdentity
    address: PostalAddress
    login: str  # the member code, or the firm's code
    holder: str  # the member's or firm's name
    is_firm: bool
    temporary_password: str = field(repr=False)
    valid_until: date
    written_on: date


def access_letter_pdf(letter: AccessLetter) -> bytes:
    return render(letter.identity, _title(letter), story(letter))


def story(letter: AccessLetter) -> list[Flowable]:
    body = styles()["body"]
    identity = letter.identity
    code_label = "Code cabinet" if letter.is_firm else "N° d'adhérent"
    flowables = letter_opening(
        letter.address,
        f"{identity.address.city}, le {long_french_date(letter.written_on)}",
        [
            f"<b>Objet :</b> {escape(_title(letter))}",
            f"<b>{code_label} :</b> {escape(letter.login)}",
        ],
    )
    flowables += [
        Paragraph("Madame, Monsieur,", body),
        Spacer(1, 2 * mm),
        Paragraph(escape(_introduction(letter)), body),
        Spacer(1, 3 * mm),
        _credentials(letter),
        Paragraph("Lors de votre première connexion", styles()["heading"]),
        _first_login_steps(letter),
        Spacer(1, 2 * mm),
        Paragraph(escape(_validity(letter)), body),
        Spacer(1, 2 * mm),
        _assistance(letter),
        Spacer(1, 4 * mm),
        Paragraph(
            "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations "
            "distinguées.",
            body,
        ),
        Spacer(1, 4 * mm),
        Paragraph(f"Le service administratif<br/>{escape(identity.name)}", body),
    ]
    return flowables


def _title(letter: AccessLetter) -> str:
    if letter.kind == LetterKind.RESET:
        return "Nouveau mot de passe provisoire pour votre espace en ligne"
    if letter.is_firm:
        return "Vos accès à l'espace mandataire / cabinet comptable"
    return "Vos accès à l'espace adhérent"


def _introduction(letter: AccessLetter) -> str:
    service = letter.identity.name
    if letter.kind == LetterKind.RESET:
        return (
            f"À votre demande, nous avons réinitialisé l'accès de {letter.holder} à son espace "
            f"en ligne de {service}. L'ancien mot de passe ne fonctionne plus : connectez-vous "
            "avec le mot de passe provisoire ci-dessous, puis choisissez le vôtre."
        )
    if letter.is_firm:
        return (
            f"Vous agissez pour le compte d'adhérents de {service} en tant que mandataire. "
            "Voici les identifiants de votre espace : vous y retrouverez chaque adhérent qui "
            "vous a donné son accord, pour mettre à jour ses informations, déclarer ses "
            "effectifs, gérer ses salariés, suivre ses factures et demander des rendez-vous."
        )
    return (
        f"Suite à l'adhésion de {letter.holder} à {service}, nous avons le plaisir de vous "
        "communiquer les identifiants de votre espace adhérent. Vous pourrez y mettre à jour "
        "les informations de votre entreprise, déclarer vos effectifs, gérer vos salariés, "
        "suivre vos factures et demander des rendez-vous."
    )


def _credentials(letter: AccessLetter) -> Flowable:
    emphasis = ParagraphStyle(
        "password", parent=styles()["body"], fontName=FONT_BOLD, fontSize=14, leading=18
    )
    code_label = "Code utilisateur (code cabinet)" if letter.is_firm else "Code utilisateur"
    code_note = "" if letter.is_firm else " (votre numéro d'adhérent)"
    code = f'<font name="{FONT_BOLD}" size="14">{escape(letter.login)}</font>{code_note}'
    rows = [
        ["Adresse de l'espace", Paragraph(escape(letter.identity.portal_url), styles()["body"])],
        [code_label, Paragraph(code, ParagraphStyle("code", parent=emphasis, fontName=FONT))],
        ["Mot de passe provisoire", Paragraph(escape(letter.temporary_password), emphasis)],
        ["Valable jusqu'au", f"{french_date(letter.valid_until)} inclus"],
    ]
    credentials = table(rows, [55 * mm, 110 * mm], header=False)
    credentials.setStyle(
        [
            ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#e8eef5")),
            ("TOPPADDING", (0, 0), (-1, -1), 5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ]
    )
    return KeepTogether(
        [
            credentials,
            Spacer(1, 1 * mm),
            Paragraph(
                "Respectez les majuscules et les minuscules. Le mot de passe ne contient ni "
                "zéro ni lettre O, ni chiffre 1 ni lettres I et l.",
                styles()["small"],
            ),
        ]
    )


def _first_login_steps(letter: AccessLetter) -> Flowable:
    body = styles()["body"]
    where = f"Rendez-vous sur {letter.identity.portal_url}"
    if letter.is_firm:
        where += ", choisissez « J'utilise une connexion mandataire / cabinet comptable »"
    who = "votre code cabinet" if letter.is_firm else "votre numéro d'adhérent"
    steps = [
        f"{where} et saisissez {who} comme code utilisateur, puis le mot de passe provisoire "
        "ci-dessus.",
        "Choisissez votre nouveau mot de passe personnel, de 6 caractères au minimum, et "
        "saisissez-le une seconde fois pour le valider.",
        "Indiquez une adresse e-mail valide, deux fois : elle servira à récupérer votre mot "
        "de passe en cas de perte ou d'oubli.",
    ]
    return ListFlowable(
        [ListItem(Paragraph(escape(step), body), leftIndent=14) for step in steps],
        bulletType="1",
        bulletFontName=FONT_BOLD,
        bulletFontSize=9.5,
        leftIndent=14,
    )


def _validity(letter: AccessLetter) -> str:
    return (
        f"Ce mot de passe provisoire est valable jusqu'au {french_date(letter.valid_until)} "
        "inclus. Passé ce délai, ou si votre espace est bloqué après plusieurs erreurs de "
        "saisie, contactez le service administratif : il vous enverra un nouveau courrier. "
        "Nos services ne conservent pas ce mot de passe et ne vous le demanderont jamais ; "
        "détruisez ce courrier après votre première connexion."
    )


def _assistance(letter: AccessLetter) -> Flowable:
    identity = letter.identity
    return Paragraph(
        f"<b>Besoin d'aide ?</b> L'assistance du portail vous répond par e-mail à "
        f"<b>{escape(identity.assistance_email)}</b> (à privilégier) ou par téléphone au "
        f"<b>{escape(identity.assistance_phone)}</b>. Dans tous les cas, munissez-vous de "
        f"votre {'code cabinet' if letter.is_firm else 'numéro d’adhérent'}.",
        styles()["body"],
    )
