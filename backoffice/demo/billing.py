"""Three years of invoices, schedules and payments, computed with the billing rules.

Hundreds of thousands of rows: the big tables (lines, instalments, payments) are
appended as tuples of their ``*_COLUMNS``, and what repeats is computed once — the
amounts of an invoice for a given workforce, the split of a total into instalments, a
local day and hour as an instant.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from backoffice import clock
from backoffice.demo.bulk import BulkWriter
from backoffice.demo.draw import between
from backoffice.demo.members import MemberFacts
from backoffice.models.employees import FollowUpCategory
from backoffice.references import creditor_reference
from backoffice.services.billing import pricing, schedule
from backoffice.services.billing.campaign_issue import LINE_COLUMNS

# Why the demo's debits came back (ISO codes), insufficient funds most often.
RETURN_CODES = ("AM04", "AM04", "AM04", "AM04", "MS02", "AC04", "MD06", "AM04", "MS03")
INSTALMENT_COLUMNS = (
    "id",
    "invoice_id",
    "position",
    "due_on",
    "amount_cents",
    "paid_cents",
    "credited_cents",
    "superseded_at",
    "sepa_state",
    "prenotification_id",
    "collection_id",
    "end_to_end_id",
    "rejection_code",
    "card_payment_reference",
    "version",
)
PAYMENT_COLUMNS = (
    "id",
    "member_id",
    "invoice_id",
    "method",
    "amount_cents",
    "received_on",
    "reference",
    "recorded_at",
    "recorded_by_id",
    "collection_id",
    "version",
)
ALLOCATION_COLUMNS = ("payment_id", "instalment_id", "amount_cents")
METHODS = ("transfer", "transfer", "cheque", "card")


@dataclass(frozen=True)
class YearPlan:
    """One year's tariff as the generator needs it."""

    year: int
    tariff_id: int
    campaign_id: int
    prices: pricing.Prices
    issue_on: date
    due_dates: list[date]
    minimum_instalment_cents: int


@dataclass
class BillingIds:
    invoice: int
    instalment: int
    payment: int


@dataclass
class BillingTotals:
    invoices_per_year: dict[int, int] = field(default_factory=dict)
    ttc_per_year: dict[int, int] = field(default_factory=dict)
    undeclared_member_ids: list[int] = field(default_factory=list)


class BillingHistory:
    def __init__(
        self,
        rng: random.Random,
        today: date,
        plans: list[YearPlan],
        ids: BillingIds,
        billing_staff_id: int,
    ) -> None:
        self.rng = rng
        self.today = today
        self.plans = plans
        self.ids = ids
        self.staff_id = billing_staff_id
        self.totals = BillingTotals()
        self.current_year = max(plan.year for plan in plans)
        self._amounts: dict[tuple[int, tuple[int, ...], bool], pricing.Amounts] = {}
        self._schedules: dict[tuple[int, int], list[tuple[date, int]]] = {}
        self._instants: dict[tuple[date, time], datetime] = {}

    def _amounts_for(
        self, plan: YearPlan, counts: dict[FollowUpCategory, int], direct_debit: bool
    ) -> pricing.Amounts:
        """The invoice's amounts; small firms share a handful of workforces."""
        key = (plan.year, tuple(counts.values()), direct_debit)
        amounts = self._amounts.get(key)
        if amounts is None:
            amounts = pricing.annual_contribution(plan.prices, counts, direct_debit)
            self._amounts[key] = amounts
        return amounts

    def _schedule_for(self, plan: YearPlan, total_cents: int) -> list[tuple[date, int]]:
        key = (plan.year, total_cents)
        parts = self._schedules.get(key)
        if parts is None:
            parts = schedule.plan(total_cents, plan.due_dates, plan.minimum_instalment_cents)
            self._schedules[key] = parts
        return parts

    def _at(self, day: date, hour: time) -> datetime:
        """``clock.at_local`` remembered: a few hundred days, hundreds of thousands of rows."""
        instant = self._instants.get((day, hour))
        if instant is None:
            instant = self._instants[day, hour] = clock.at_local(day, hour)
        return instant

    def bill(self, writer: BulkWriter, member: MemberFacts) -> None:
        profile = self._profile(member)
        for plan in self.plans:
            if not self._billable(member, plan):
                continue
            if plan.year == self.current_year and self.rng.random() < 0.06:
                self.totals.undeclared_member_ids.append(member.id)
                continue
            counted_on = max(date(plan.year, 1, 1), member.joined_on)
            headcounts = member.headcounts_on(counted_on)
            self._declaration(writer, member, plan, headcounts)
            self._invoice(writer, member, plan, headcounts, profile)

    def _billable(self, member: MemberFacts, plan: YearPlan) -> bool:
        if member.joined_on > plan.issue_on:
            return False
        return member.ceased_on is None or member.ceased_on.year > plan.year

    def _profile(self, member: MemberFacts) -> str:
        draw = self.rng.random()
        if member.mandate_signed_on:
            return "rejected" if draw < 0.03 else "good"
        if draw < 0.08:
            return "late"
        if draw < 0.11:
            return "bad"
        if draw < 0.13:
            return "partial"
        return "overpaid" if draw < 0.14 else "good"

    def _declaration(
        self,
        writer: BulkWriter,
        member: MemberFacts,
        plan: YearPlan,
        counts: dict[FollowUpCategory, int],
    ) -> None:
        declared_on = date(plan.year, 1, between(self.rng, 5, 31))
        writer.add(
            "workforce_declarations",
            {
                "member_id": member.id,
                "year": plan.year,
                "headcount_si": counts[FollowUpCategory.SI],
                "headcount_sia": counts[FollowUpCategory.SIA],
                "headcount_sir": counts[FollowUpCategory.SIR],
                "declared_at": self._at(declared_on, time(10, 30)),
                "source": "portal",
                "declared_by_account_id": member.account_id,
                "declared_by_staff_id": None,
                "version": 1,
            },
        )

    def _invoice(
        self,
        writer: BulkWriter,
        member: MemberFacts,
        plan: YearPlan,
        counts: dict[FollowUpCategory, int],
        profile: str,
    ) -> None:
        direct_debit = bool(member.mandate_signed_on and member.mandate_signed_on < plan.issue_on)
        amounts = self._amounts_for(plan, counts, direct_debit)
        invoice_id = self.ids.invoice
        self.ids.invoice += 1
        sequence = self.totals.invoices_per_year.get(plan.year, 0) + 1
        self.totals.invoices_per_year[plan.year] = sequence
        self.totals.ttc_per_year[plan.year] = (
            self.totals.ttc_per_year.get(plan.year, 0) + amounts.total_ttc_cents
        )
        number = f"FA-{plan.year}-{sequence:06d}"
        writer.add(
            "invoices",
            {
                "id": invoice_id,
                "number": number,
                "creditor_reference": creditor_reference(number),
                "kind": "annual",
                "member_id": member.id,
                "year": plan.year,
                "period_label": f"Année {plan.year}",
                "period_start": date(plan.year, 1, 1),
                "period_end": date(plan.year, 12, 31),
                "issued_on": plan.issue_on,
                "issued_at": self._at(plan.issue_on, time(9)),
                "issued_by_id": self.staff_id,
                "campaign_id": plan.campaign_id,
                "tariff_id": plan.tariff_id,
                "appointment_id": None,
                "total_ht_cents": amounts.total_ht_cents,
                "discount_cents": amounts.discount_cents,
                "discount_rate_bp": amounts.discount_rate_bp,
                "vat_rate_bp": amounts.vat_rate_bp,
                "vat_cents": amounts.vat_cents,
                "total_ttc_cents": amounts.total_ttc_cents,
                "pays_by_direct_debit": direct_debit,
                "billing_name": member.name,
                "billing_address_line1": member.address.line1,
                "billing_address_line2": member.address.line2,
                "billing_postcode": member.address.postcode,
                "billing_city": member.address.city,
            },
        )
        lines = writer.table("invoice_lines", LINE_COLUMNS)
        for position, line in enumerate(amounts.lines, start=1):
            lines.append(
                (
                    invoice_id,
                    position,
                    line.label,
                    line.category,  # a StrEnum (its value), or None
                    line.quantity,
                    line.unit_price_cents,
                    line.amount_cents,
                )
            )
        parts = self._schedule_for(plan, amounts.total_ttc_cents)
        for position, (due_on, amount) in enumerate(parts, start=1):
            is_last = position == len(parts)
            self._instalment(
                writer,
                member,
                plan,
                invoice_id,
                position,
                due_on,
                amount,
                profile,
                direct_debit,
                is_last,
            )

    def _instalment(
        self,
        writer: BulkWriter,
        member: MemberFacts,
        plan: YearPlan,
        invoice_id: int,
        position: int,
        due_on: date,
        amount: int,
        profile: str,
        direct_debit: bool,
        is_last: bool,
    ) -> None:
        instalment_id = self.ids.instalment
        self.ids.instalment += 1
        paid = self._paid_share(plan, due_on, amount, profile, is_last)
        rejected = (
            direct_debit
            and profile == "rejected"
            and due_on < self.today
            and plan.year == self.current_year
            and paid == 0
        )
        sent = direct_debit and due_on < self.today
        writer.table("instalments", INSTALMENT_COLUMNS).append(
            (
                instalment_id,
                invoice_id,
                position,
                due_on,
                amount,
                paid,
                0,
                None,
                "rejected" if rejected else ("sent" if sent else "none"),
                None,
                None,
                f"HIST{instalment_id}" if sent else None,
                RETURN_CODES[instalment_id % len(RETURN_CODES)] if rejected else None,
                None,
                1,
            )
        )
        if sent and member.mandate_row is not None:
            row = member.mandate_row
            row["first_collected_on"] = row["first_collected_on"] or due_on
            row["last_collected_on"] = due_on
        if paid:
            extra = between(self.rng, 1000, 5000) if profile == "overpaid" and is_last else 0
            self._payment(
                writer, member, invoice_id, instalment_id, due_on, paid, extra, direct_debit
            )
        elif due_on < self.today - timedelta(days=30):
            writer.add(
                "payment_reminders",
                {
                    "instalment_id": instalment_id,
                    "level": 1,
                    "sent_on": due_on + timedelta(days=30),
                    "sent_by_id": self.staff_id,
                    "amount_due_cents": amount,
                },
            )

    def _paid_share(
        self, plan: YearPlan, due_on: date, amount: int, profile: str, is_last: bool
    ) -> int:
        if due_on >= self.today:
            return 0
        if plan.year < self.current_year:
            unpaid = profile == "bad" and plan.year == self.current_year - 1 and is_last
            return 0 if unpaid else amount
        if profile in ("late", "bad", "rejected"):
            return 0
        if profile == "partial":
            return amount // 2
        return amount

    def _payment(
        self,
        writer: BulkWriter,
        member: MemberFacts,
        invoice_id: int,
        instalment_id: int,
        due_on: date,
        paid: int,
        extra: int,
        direct_debit: bool,
    ) -> None:
        payment_id = self.ids.payment
        self.ids.payment += 1
        rand = self.rng.random
        method = "direct_debit" if direct_debit else METHODS[int(rand() * len(METHODS))]
        received_on = due_on if direct_debit else due_on + timedelta(days=int(rand() * 18) - 12)
        if method == "cheque":
            reference: str | None = f"CHQ {1_000_000 + int(rand() * 9_000_000)}"
        else:
            reference = f"VIR {member.code}" if method == "transfer" else None
        writer.table("payments", PAYMENT_COLUMNS).append(
            (
                payment_id,
                member.id,
                invoice_id,
                method,
                paid + extra,
                received_on,
                reference,
                self._at(received_on + timedelta(days=1), time(11)),
                self.staff_id,
                None,
                1,
            )
        )
        writer.table("payment_allocations", ALLOCATION_COLUMNS).append(
            (payment_id, instalment_id, paid)
        )
