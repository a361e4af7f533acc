"""The annual invoicing campaign: every member's contribution for a year, from its workforce
declaration and the year's tariff.

:func:`preview` is a dry run: each member's computed invoice (lines, HT, discount, VAT, TTC,
instalments), the totals, and the anomalies (no declaration, member ceased, a price outside
the legal range, nobody declared). :func:`issue` creates the invoices in one transaction:
all or nothing, cancellable until the commit, and idempotent — a member who already has the
year's annual invoice is skipped (a partial unique index guards it too), so a second run
bills only those who declared since (late declarations).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr
from backoffice.models import (
    BillingCampaign,
    FollowUpCategory,
    Invoice,
    InvoiceKind,
    MandateStatus,
    Member,
    MemberStatus,
    SepaMandate,
    StaffUser,
    Tariff,
    WorkforceDeclaration,
)
from backoffice.services.billing import addresses, pricing, schedule, tariffs
from backoffice.services.billing.addresses import BillingAddress
from backoffice.services.errors import ValidationFailed
from backoffice.services.permissions import Actor, Permission, require
from backoffice.services.progress import Progress, silent

CHUNK = 2000  # members read, priced and written at a time: memory stays flat


class AnomalyKind(enum.StrEnum):
    NO_DECLARATION = "no_declaration"  # not billed until the member declares
    CEASED = "ceased"  # not billed
    NO_EMPLOYEES = "no_employees"  # billed the member minimum
    PRICE_OUT_OF_RANGE = "price_out_of_range"  # the tariff itself
    EINVOICING = "einvoicing"  # billed, but the e-invoicing platform cannot take it


@dataclass(frozen=True)
class Anomaly:
    kind: AnomalyKind
    member_id: int | None
    member_code: str
    member_name: str
    message: str
    billed: bool


@dataclass(frozen=True)
class PlannedInvoice:
    member_id: int
    member_code: str
    member_name: str
    address: BillingAddress
    headcounts: dict[FollowUpCategory, int]
    amounts: pricing.Amounts
    direct_debit: bool
    instalments: tuple[tuple[date, int], ...]


@dataclass
class CampaignTotals:
    invoices: int = 0
    total_ht_cents: int = 0
    discount_cents: int = 0
    vat_cents: int = 0
    total_ttc_cents: int = 0
    instalments: int = 0
    employees: int = 0

    def add(self, planned: PlannedInvoice) -> None:
        amounts = planned.amounts
        self.invoices += 1
        self.total_ht_cents += amounts.total_ht_cents
        self.discount_cents += amounts.discount_cents
        self.vat_cents += amounts.vat_cents
        self.total_ttc_cents += amounts.total_ttc_cents
        self.instalments += len(planned.instalments)
        self.employees += sum(planned.headcounts.values())


@dataclass
class CampaignPreview:
    year: int
    tariff_id: int
    issued_on: date
    due_dates: list[date]
    invoices: list[PlannedInvoice] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    already_billed: int = 0
    totals: CampaignTotals = field(default_factory=CampaignTotals)


@dataclass(frozen=True)
class Setting:
    """What every member's invoice of the campaign shares."""

    year: int
    tariff_id: int
    prices: pricing.Prices
    issued_on: date
    due_dates: list[date]
    minimum_instalment_cents: int
    already_billed: frozenset[int]
    direct_debit: frozenset[int]
    # Members with the same headcounts pay the same: each contribution is priced once.
    priced: dict[tuple[int, int, int, bool], tuple[pricing.Amounts, tuple]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def price(
        self, headcounts: dict[FollowUpCategory, int], direct_debit: bool
    ) -> tuple[pricing.Amounts, tuple[tuple[date, int], ...]]:
        """The contribution and its schedule (pure rules, so remembered by their input)."""
        key = (*headcounts.values(), direct_debit)
        if key not in self.priced:
            amounts = pricing.annual_contribution(self.prices, headcounts, direct_debit)
            parts = schedule.plan(
                amounts.total_ttc_cents, self.due_dates, self.minimum_instalment_cents
            )
            self.priced[key] = (amounts, tuple(parts))
        return self.priced[key]


@dataclass
class Chunk:
    invoices: list[PlannedInvoice] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    already_billed: int = 0
    members_seen: int = 0


# -- the year's setting --------------------------------------------------------------------


def tariff_or_refuse(session: Session, year: int, *, lock: bool = False) -> Tariff:
    tariff = tariffs.tariff_for_year(session, year, lock=lock)
    if tariff is None:
        raise ValidationFailed.single(
            "year",
            tr(
                "Year: there is no tariff for {year}; create it (Tariffs tab) before the campaign.",
                year=year,
            ),
        )
    return tariff


def setting_for(session: Session, tariff: Tariff, issued_on: date | None = None) -> Setting:
    """Read after the numbering lock: who is already billed, who pays by direct debit."""
    issued_on = issued_on or clock.today()
    billed = session.scalars(
        select(Invoice.member_id).where(
            Invoice.year == tariff.year, Invoice.kind == InvoiceKind.ANNUAL
        )
    )
    mandates = session.scalars(
        select(SepaMandate.member_id).where(
            SepaMandate.status == MandateStatus.ACTIVE, SepaMandate.signed_on <= issued_on
        )
    )
    plan = [item.due_on for item in tariff.instalment_dates]
    return Setting(
        year=tariff.year,
        tariff_id=tariff.id,
        prices=tariffs.prices_of(tariff),
        issued_on=issued_on,
        due_dates=schedule.due_dates_from(plan, issued_on),
        minimum_instalment_cents=tariff.minimum_instalment_cents,
        already_billed=frozenset(billed),
        direct_debit=frozenset(mandates),
    )


def tariff_anomalies(tariff: Tariff) -> list[Anomaly]:
    return [
        Anomaly(AnomalyKind.PRICE_OUT_OF_RANGE, None, "", tr("Tariff"), message, billed=True)
        for message in tariffs.price_warnings(tariffs.values_of(tariff))
    ]


# -- members, a chunk at a time ------------------------------------------------------------


def _concerned(year: int) -> object:
    """Members of the service during ``year``: joined by its end, not ceased before it."""
    return and_(
        Member.joined_on <= date(year, 12, 31),
        or_(Member.status == MemberStatus.ACTIVE, Member.ceased_on >= date(year, 1, 1)),
    )


def members_concerned(session: Session, year: int) -> int:
    return session.scalar(select(func.count()).select_from(Member).where(_concerned(year))) or 0


def _member_rows(session: Session, year: int) -> Iterator[list[tuple]]:
    """Members with their declaration, by member code, in keyset pages (no open cursor
    while the campaign writes).

    The declarations are read per page by member id rather than joined: declarations
    entered just before the campaign have no statistics yet, and PostgreSQL then joins
    them by a nested loop over all of them for every member (2 s a page at 50,000)."""
    members = (
        select(
            Member.id,
            Member.member_code,
            Member.legal_name,
            Member.status,
            Member.address_line1,
            Member.address_line2,
            Member.postcode,
            Member.city,
            Member.billing_name,
            Member.billing_address_line1,
            Member.billing_address_line2,
            Member.billing_postcode,
            Member.billing_city,
        )
        .where(_concerned(year))
        .order_by(Member.member_code)
        .limit(CHUNK)
    )
    last_code = ""
    while True:
        page = [
            tuple(row) for row in session.execute(members.where(Member.member_code > last_code))
        ]
        if not page:
            return
        declared = _declarations(session, year, [row[0] for row in page])
        yield [(*row, *declared.get(row[0], NOT_DECLARED)) for row in page]
        last_code = page[-1][1]


NOT_DECLARED = (None, None, None, None)


def _declarations(session: Session, year: int, member_ids: list[int]) -> dict[int, tuple]:
    """Declaration id and headcounts (SI, SIA, SIR) of these members for ``year``."""
    statement = select(
        WorkforceDeclaration.member_id,
        WorkforceDeclaration.id,
        WorkforceDeclaration.headcount_si,
        WorkforceDeclaration.headcount_sia,
        WorkforceDeclaration.headcount_sir,
    ).where(WorkforceDeclaration.year == year, WorkforceDeclaration.member_id.in_(member_ids))
    return {row[0]: tuple(row[1:]) for row in session.execute(statement)}


def plan_chunk(setting: Setting, rows: list[tuple]) -> Chunk:
    chunk = Chunk(members_seen=len(rows))
    for row in rows:
        (member_id, code, name, status, *address, declaration_id, si, sia, sir) = row
        if member_id in setting.already_billed:
            chunk.already_billed += 1
            continue
        if status == MemberStatus.CEASED:
            chunk.anomalies.append(_anomaly(AnomalyKind.CEASED, member_id, code, name))
            continue
        if declaration_id is None:
            chunk.anomalies.append(_anomaly(AnomalyKind.NO_DECLARATION, member_id, code, name))
            continue
        headcounts = {
            FollowUpCategory.SI: si,
            FollowUpCategory.SIA: sia,
            FollowUpCategory.SIR: sir,
        }
        if si + sia + sir == 0:
            chunk.anomalies.append(_anomaly(AnomalyKind.NO_EMPLOYEES, member_id, code, name))
        chunk.invoices.append(_planned(setting, member_id, code, name, address, headcounts))
    return chunk


def _planned(
    setting: Setting,
    member_id: int,
    code: str,
    name: str,
    address: list,
    headcounts: dict[FollowUpCategory, int],
) -> PlannedInvoice:
    direct_debit = member_id in setting.direct_debit
    amounts, parts = setting.price(headcounts, direct_debit)
    return PlannedInvoice(
        member_id,
        code,
        name,
        addresses.choose(name, tuple(address[:4]), address[4], tuple(address[5:])),
        headcounts,
        amounts,
        direct_debit,
        parts,
    )


def _anomaly(kind: AnomalyKind, member_id: int, code: str, name: str) -> Anomaly:
    message, billed = {
        AnomalyKind.NO_DECLARATION: (
            tr("No workforce declaration: not billed until the member declares."),
            False,
        ),
        AnomalyKind.CEASED: (tr("The member has ceased its activity: not billed."), False),
        AnomalyKind.NO_EMPLOYEES: (
            tr("No employee declared: billed the minimum per member."),
            True,
        ),
    }[kind]
    return Anomaly(kind, member_id, code, name, message, billed)


def chunks(session: Session, setting: Setting, progress: Progress, verb: str) -> Iterator[Chunk]:
    """The campaign's members priced a chunk at a time, reporting progress."""
    total = members_concerned(session, setting.year)
    done = 0
    progress.step(0, total, verb)
    for rows in _member_rows(session, setting.year):
        chunk = plan_chunk(setting, rows)
        yield chunk
        done += chunk.members_seen
        progress.step(
            done, total, tr("{verb}: {done} / {total} members", verb=verb, done=done, total=total)
        )


# -- preview -------------------------------------------------------------------------------


def preview(
    session: Session, actor: Actor, year: int, progress: Progress | None = None
) -> CampaignPreview:
    """The dry run: what :func:`issue` would create now, and what it would leave out."""
    require(session, actor, Permission.BILLING_VIEW)
    tariff = tariff_or_refuse(session, year)
    setting = setting_for(session, tariff)
    result = CampaignPreview(year, tariff.id, setting.issued_on, setting.due_dates)
    result.anomalies.extend(tariff_anomalies(tariff))
    for chunk in chunks(session, setting, progress or silent(), tr("Computing")):
        result.invoices.extend(chunk.invoices)
        result.anomalies.extend(chunk.anomalies)
        result.anomalies.extend(einvoicing_anomalies(session, chunk.invoices))
        result.already_billed += chunk.already_billed
        for planned in chunk.invoices:
            result.totals.add(planned)
    return result


@dataclass(frozen=True)
class CampaignRun:
    id: int
    year: int
    issued_at: datetime
    issued_by: str
    invoice_count: int
    total_ttc_cents: int


def campaign_runs(session: Session, actor: Actor, year: int) -> list[CampaignRun]:
    """The runs of a year's campaign (the first one, then the late declarations)."""
    require(session, actor, Permission.BILLING_VIEW)
    rows = session.execute(
        select(BillingCampaign, StaffUser.full_name)
        .outerjoin(StaffUser, StaffUser.id == BillingCampaign.issued_by_id)
        .where(BillingCampaign.year == year)
        .order_by(BillingCampaign.issued_at)
    )
    return [
        CampaignRun(
            run.id, run.year, run.issued_at, name or "", run.invoice_count, run.total_ttc_cents
        )
        for run, name in rows
    ]


def einvoicing_anomalies(session: Session, planned: list[PlannedInvoice]) -> list[Anomaly]:
    """Members whose invoice the e-invoicing platform could not take (no valid SIREN, no
    complete address, a public body billed through Chorus Pro, an individual employer):
    listed before issuing rather than discovered after."""
    from backoffice.identity import Address
    from backoffice.services.einvoicing.facts import Buyer, buyer_anomalies

    if not planned:
        return []
    facts = {
        row[0]: row[1:]
        for row in session.execute(
            select(Member.id, Member.siret, Member.naf_code, Member.country_code).where(
                Member.id.in_([invoice.member_id for invoice in planned])
            )
        )
    }
    found = []
    for invoice in planned:
        siret, naf, country = facts[invoice.member_id]
        address = invoice.address
        buyer = Buyer(
            invoice.member_id,
            invoice.member_code,
            invoice.member_name,
            "",
            siret,
            naf or "",
            country or "FR",
        )
        problems = buyer_anomalies(
            buyer,
            Address(address.line1, address.line2 or "", address.postcode, address.city, country),
        )
        if problems:
            message = tr(
                "Not for the e-invoicing platform: {problems}.",
                problems="; ".join(problem.text for problem in problems),
            )
            found.append(
                Anomaly(
                    AnomalyKind.EINVOICING,
                    invoice.member_id,
                    invoice.member_code,
                    invoice.member_name,
                    message,
                    billed=True,
                )
            )
    return found
