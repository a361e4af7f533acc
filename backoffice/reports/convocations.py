"""Convocation letters: one page per appointment, sent to the member (the employer), who
hands it to the employee. French text, the service's letterhead, the member's convocation
address in the window of the envelope."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak

from backoffice.dates import format_day
from backoffice.reports.light_flowables import DetailsGrid, TextLines
from backoffice.reports.pdf import (
    AddressBlock,
    PostalAddress,
    ServiceIdentity,
    document_template,
    long_french_date,
    styles,
)

WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
LEGAL_NOTE = (
    "Le temps nécessité par cette visite est pris sur les heures de travail sans retenue de "
    "salaire, ou rémunéré comme du temps de travail ; les frais de transport sont à la charge "
    "de l'employeur (article R. 4624-39 du code du travail)."
)


@dataclass(frozen=True)
class ConvocationLetter:
    """Everything printed on one convocation (already in the service's time zone)."""

    reference: str  # "RDV-000123"
    member_code: str
    recipient: PostalAddress
    employee: str  # "Mme Léa DUPONT"
    birth_date: date | None
    job_title: str | None
    visit: str
    starts_at: datetime  # local wall-clock time
    duration_minutes: int
    centre: str
    centre_address: tuple[str, ...]
    centre_phone: str | None
    access_notes: str | None
    professional: str
    professional_role: str  # "médecin du travail", "infirmière en santé au travail"
    what_to_bring: str
    how_to_cancel: str
    issued_on: date
    issued_at_city: str


def visit_moment(moment: datetime) -> str:
    """``mardi 24 novembre 2026 à 9 h 30``."""
    minutes = f"{moment.minute:02d}" if moment.minute else ""
    day = f"{WEEKDAYS[moment.weekday()]} {long_french_date(moment.date())}"
    return f"{day} à {moment.hour} h {minutes}".rstrip()


def details(letter: ConvocationLetter) -> list[tuple[str, str]]:
    """The table of the letter: label, value (several lines where needed)."""
    employee = letter.employee
    if letter.birth_date:
        employee += f", né(e) le {format_day(letter.birth_date)}"
    rows = [("Salarié(e)", employee)]
    if letter.job_title:
        rows.append(("Poste occupé", letter.job_title))
    rows += [
        ("Visite", letter.visit),
        (
            "Date et heure",
            f"{visit_moment(letter.starts_at)} (durée prévue : {letter.duration_minutes} min)",
        ),
        ("Lieu", "\n".join([letter.centre, *letter.centre_address])),
    ]
    if letter.centre_phone:
        rows.append(("Téléphone du centre", letter.centre_phone))
    if letter.access_notes:
        rows.append(("Accès", letter.access_notes))
    rows.append(("Reçu(e) par", f"{letter.professional}, {letter.professional_role}"))
    return rows


def story(letter: ConvocationLetter) -> list[Flowable]:
    """One letter, on one page: the address in the envelope's window, the references, the
    visit, what to bring and how to cancel."""
    style = styles()
    body = style["body"]
    return [
        AddressBlock(letter.recipient),
        TextLines(
            f"{letter.issued_at_city}, le {long_french_date(letter.issued_on)}",
            style["right"],
            space_before=8 * mm,
        ),
        TextLines(
            "convocation à une visite de santé au travail", body, "Objet : ", space_before=4 * mm
        ),
        TextLines(f"{letter.member_code} · Référence : {letter.reference}", body, "N° adhérent : "),
        TextLines("Madame, Monsieur,", body, space_before=5 * mm),
        TextLines(
            "Nous vous prions d'informer votre salarié(e) de la visite ci-dessous et de lui "
            "remettre cette convocation.",
            body,
            space_before=2 * mm,
        ),
        DetailsGrid(details(letter), (45 * mm, 129 * mm), space_before=4 * mm),
        TextLines("À apporter", style["heading"]),
        TextLines(letter.what_to_bring, body),
        TextLines("En cas d'empêchement", style["heading"]),
        TextLines(letter.how_to_cancel, body),
        TextLines(LEGAL_NOTE, style["small"], space_before=3 * mm),
        TextLines(
            "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
            body,
            space_before=5 * mm,
        ),
        TextLines("Le secrétariat médical", style["bold"], space_before=4 * mm),
    ]


def render_convocations(
    identity: ServiceIdentity,
    letters: Sequence[ConvocationLetter],
    on_page: Callable[[int], None] | None = None,
) -> bytes:
    """All the letters in one PDF, a page each; ``on_page(n)`` after each page is laid out
    (progress, and the chance to cancel a long batch)."""
    buffer = BytesIO()
    template = document_template(buffer, identity, title="Convocations", footer_note="Convocation")
    if on_page is not None:
        template.afterPage = lambda: on_page(template.page)  # type: ignore[method-assign]
    flowables: list[Flowable] = []
    for letter in letters:
        flowables += [PageBreak()] if flowables else []
        flowables += story(letter)
    template.build(flowables)
    return buffer.getvalue()
