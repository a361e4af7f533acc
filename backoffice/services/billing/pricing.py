"""What an invoice amounts to: lines, HT, the SEPA discount, VAT and TTC, in cents.

Pure functions, shared by the campaign, single invoices and the demo generator.
Invoice texts are French: an invoice is a legal document sent to French members, not
interface text.
"""

from __future__ import annotations

from dataclasses import dataclass

from backoffice.models.employees import FollowUpCategory
from backoffice.money import apply_rate

CATEGORY_LABELS = {
    FollowUpCategory.SI: "Cotisation – salariés en suivi individuel (SI)",
    FollowUpCategory.SIA: "Cotisation – salariés en suivi individuel adapté (SIA)",
    FollowUpCategory.SIR: "Cotisation – salariés en suivi individuel renforcé (SIR)",
}
MINIMUM_LABEL = "Complément au minimum de cotisation par adhérent"


@dataclass(frozen=True)
class Prices:
    """The part of a year's tariff that prices an annual contribution."""

    per_category_cents: dict[FollowUpCategory, int]
    minimum_per_member_cents: int
    vat_rate_bp: int
    sepa_discount_bp: int


@dataclass(frozen=True)
class Line:
    label: str
    quantity: int
    unit_price_cents: int
    category: FollowUpCategory | None = None

    @property
    def amount_cents(self) -> int:
        return self.quantity * self.unit_price_cents


@dataclass(frozen=True)
class Amounts:
    lines: tuple[Line, ...]
    total_ht_cents: int
    discount_rate_bp: int
    discount_cents: int
    vat_rate_bp: int
    vat_cents: int
    total_ttc_cents: int


def totals(lines: list[Line], vat_rate_bp: int, discount_rate_bp: int = 0) -> Amounts:
    """HT is the sum of the lines; the discount applies to HT, VAT to HT less discount."""
    total_ht = sum(line.amount_cents for line in lines)
    discount = apply_rate(total_ht, discount_rate_bp)
    vat = apply_rate(total_ht - discount, vat_rate_bp)
    return Amounts(
        lines=tuple(lines),
        total_ht_cents=total_ht,
        discount_rate_bp=discount_rate_bp,
        discount_cents=discount,
        vat_rate_bp=vat_rate_bp,
        vat_cents=vat,
        total_ttc_cents=total_ht - discount + vat,
    )


def annual_contribution(
    prices: Prices, headcounts: dict[FollowUpCategory, int], direct_debit: bool
) -> Amounts:
    """One line per category with employees, topped up to the member minimum; the SEPA
    discount when the member pays by direct debit."""
    lines = [
        Line(CATEGORY_LABELS[category], count, prices.per_category_cents[category], category)
        for category in FollowUpCategory
        if (count := headcounts.get(category, 0)) > 0
    ]
    subtotal = sum(line.amount_cents for line in lines)
    if subtotal < prices.minimum_per_member_cents:
        lines.append(Line(MINIMUM_LABEL, 1, prices.minimum_per_member_cents - subtotal))
    discount = prices.sepa_discount_bp if direct_debit else 0
    return totals(lines, prices.vat_rate_bp, discount)
