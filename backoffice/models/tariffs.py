"""Yearly tariffs and their instalment plan.

Prices are per employee followed, per category, excluding VAT (HT), in cents. Rates are in
basis points (2000 = 20 %). Since 2025 the per-employee price must lie between 80 % and
120 % of the year's national average cost (115,50 € for 2025).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backoffice.models.base import BACKOFFICE, Base, Timestamped, Versioned, writers


class Tariff(Versioned, Timestamped, Base):
    __tablename__ = "tariffs"
    __table_args__ = (
        CheckConstraint(
            "price_si_cents >= 0 AND price_sia_cents >= 0 AND price_sir_cents >= 0"
            " AND joining_fee_cents >= 0 AND minimum_per_member_cents >= 0"
            " AND no_show_fee_cents >= 0 AND minimum_instalment_cents >= 0"
            " AND national_average_cost_cents >= 0",
            name="amounts_positive",
        ),
        CheckConstraint("vat_rate_bp BETWEEN 0 AND 10000", name="vat_rate_range"),
        CheckConstraint("sepa_discount_bp BETWEEN 0 AND 10000", name="sepa_discount_range"),
        writers(BACKOFFICE, "Yearly prices, rates and instalment plan."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    price_si_cents: Mapped[int]
    price_sia_cents: Mapped[int]
    price_sir_cents: Mapped[int]
    joining_fee_cents: Mapped[int] = mapped_column(default=0)  # per new employee
    minimum_per_member_cents: Mapped[int] = mapped_column(default=0)  # HT
    no_show_fee_cents: Mapped[int] = mapped_column(default=0)  # absent without excuse
    vat_rate_bp: Mapped[int] = mapped_column(default=2000)
    sepa_discount_bp: Mapped[int] = mapped_column(default=150)
    national_average_cost_cents: Mapped[int]
    # Below this TTC amount an invoice is not split into instalments.
    minimum_instalment_cents: Mapped[int] = mapped_column(default=10000)

    instalment_dates: Mapped[list[TariffInstalmentDate]] = relationship(
        back_populates="tariff",
        cascade="all, delete-orphan",
        order_by="TariffInstalmentDate.position",
    )


class TariffInstalmentDate(Base):
    """One due date of the year's instalment plan (e.g. 15 March, 15 May, 15 July)."""

    __tablename__ = "tariff_instalment_dates"
    __table_args__ = (
        UniqueConstraint("tariff_id", "position"),
        writers(BACKOFFICE, "Due dates of each year's instalment plan."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tariff_id: Mapped[int] = mapped_column(ForeignKey("tariffs.id", ondelete="CASCADE"))
    position: Mapped[int]
    due_on: Mapped[date]

    tariff: Mapped[Tariff] = relationship(back_populates="instalment_dates")
