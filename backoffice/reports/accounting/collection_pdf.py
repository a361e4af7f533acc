"""« Point sur l'encaissement »: the year's campaign on two pages of A4 — the key figures,
the three charts, and the tables behind them. A French document, like the letters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Image, Paragraph, Spacer

from backoffice.money import format_eur
from backoffice.reports import pdf
from backoffice.reports.accounting import charts


@dataclass(frozen=True)
class CollectionReport:
    year: int
    on: date
    months: Sequence[tuple[date, int, int]]  # (month, falling due, collected), cents
    billed_cents: int
    collected_cents: int
    ages: Sequence[tuple[str, int]]  # (age, overdue cents)
    returns: Sequence[tuple[str, int, int]]  # (code – reason, count, cents)


def _image(content: bytes, width: float, height: float) -> Image:
    return Image(BytesIO(content), width=width, height=height)


def _share(part: int, whole: int) -> str:
    return f"{part * 100 // whole} %" if whole else "–"


def story(report: CollectionReport) -> list[Flowable]:
    style = pdf.styles()
    usable = 174 * mm
    campaign = charts.billed_vs_collected(
        f"Campagne {report.year} : échéances et encaissements par mois",
        [month for month, _due, _got in report.months],
        [due for _month, due, _got in report.months],
        [got for _month, _due, got in report.months],
        width=8.2,
        height=3.3,
    )
    ages = charts.overdue_by_age(
        "Échéances en retard, par ancienneté",
        [label for label, _cents in report.ages],
        [cents for _label, cents in report.ages],
        width=4.1,
        height=2.8,
    )
    returns = charts.returns_by_reason(
        f"Prélèvements rejetés en {report.year}, par motif", report.returns, width=4.1, height=2.8
    )
    overdue = sum(cents for _label, cents in report.ages)
    flowables: list[Flowable] = [
        Paragraph(f"Point sur l'encaissement — campagne {report.year}", style["title"]),
        Paragraph(f"Situation au {pdf.french_date(report.on)}", style["body"]),
        Spacer(1, 3 * mm),
        pdf.table(
            [
                ["Facturé (net des avoirs)", "Encaissé", "Taux d'encaissement", "En retard"],
                [
                    format_eur(report.billed_cents),
                    format_eur(report.collected_cents),
                    _share(report.collected_cents, report.billed_cents),
                    format_eur(overdue),
                ],
            ],
            [usable / 4] * 4,
            right_columns=(0, 1, 2, 3),
        ),
        Spacer(1, 4 * mm),
        _image(charts.png(campaign), usable, usable * 3.3 / 8.2),
        Spacer(1, 3 * mm),
        pdf.table(
            [
                [
                    _image(charts.png(ages), usable / 2 - 2 * mm, (usable / 2) * 2.8 / 4.1),
                    _image(charts.png(returns), usable / 2 - 2 * mm, (usable / 2) * 2.8 / 4.1),
                ]
            ],
            [usable / 2, usable / 2],
            header=False,
        ),
        Spacer(1, 4 * mm),
        Paragraph("Détail par mois", style["heading"]),
    ]
    rows = [["Mois", "Échéances", "Encaissé", "Encaissé cumulé"]]
    running = 0
    for month, due, got in report.months:
        running += got
        rows.append(
            [
                charts.month_label(month),
                format_eur(due),
                format_eur(got),
                _share(running, report.billed_cents),
            ]
        )
    rows.append(["Total", format_eur(report.billed_cents), format_eur(report.collected_cents), ""])
    flowables.append(
        pdf.table(
            rows, [40 * mm, 40 * mm, 40 * mm, 40 * mm], right_columns=(1, 2, 3), total_row=True
        )
    )
    if report.returns:
        flowables += [
            Paragraph("Prélèvements rejetés", style["heading"]),
            pdf.table(
                [["Motif", "Nombre", "Montant"]]
                + [[name, str(count), format_eur(cents)] for name, count, cents in report.returns],
                [110 * mm, 25 * mm, 35 * mm],
                right_columns=(1, 2),
            ),
        ]
    return flowables


def render(identity: pdf.ServiceIdentity, report: CollectionReport) -> bytes:
    return pdf.render(identity, f"Point sur l'encaissement {report.year}", story(report))
