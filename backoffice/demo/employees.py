"""The demo's employees: a million of them for 50,000 members, so each is a tuple drawn
with as few Python steps as possible.

Days are drawn as ordinals; the job, the surname and the risks' follow-up category come
from lists and a table prepared once; the headcounts the billing needs (per category, on
the days the workforce is counted) are added up in the same pass; only active employees
are remembered, as small tuples, for the agenda.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from backoffice.demo.bulk import Rows
from backoffice.demo.data import JOBS, SIA_RISKS
from backoffice.demo.people import NamePools
from backoffice.models.employees import FollowUpCategory, highest_category

COLUMNS = (
    "id",
    "member_id",
    "civility",
    "last_name",
    "first_name",
    "birth_date",
    "pcs_code",
    "job_title",
    "follow_up_category",
    "hired_on",
    "exited_on",
    "exit_reason",
    "origin",
    "last_visit_on",
    "version",
    "created_at",
    "updated_at",
)
RISK_COLUMNS = ("employee_id", "risk_code")
CATEGORIES = tuple(FollowUpCategory)
_RANK = {category: rank for rank, category in enumerate(CATEGORIES)}
_JOB_CUMULATIVE = list(itertools.accumulate(job[2] for job in JOBS))
_BIRTH_FIRST = date(1960, 1, 1).toordinal()
_BIRTH_SPAN = date(2006, 12, 31).toordinal() - _BIRTH_FIRST
_VISITS_WITHIN = 1900  # days: the last visit, when there was one


class EmployeeFacts(NamedTuple):
    """What the agenda and the portal's activity need to know of an active employee."""

    id: int
    category: FollowUpCategory
    from_portal: bool


class Workforce(NamedTuple):
    """A member's employees as the rest of the demo needs them."""

    count: int
    active: list[EmployeeFacts]
    headcounts: dict[date, dict[FollowUpCategory, int]]


class EmployeeGenerator:
    def __init__(
        self,
        rng: random.Random,
        pools: NamePools,
        today: date,
        risk_category: dict[str, FollowUpCategory],
        now: object,
    ) -> None:
        self.rng = rng
        self.pools = pools
        self.today = today.toordinal()
        self.risk_category = risk_category
        self.now = now
        self._categories: dict[tuple[str, ...], FollowUpCategory] = {}

    def category_of(self, risks: tuple[str, ...]) -> FollowUpCategory:
        """The strictest follow-up the risks call for, worked out once per combination."""
        found = self._categories.get(risks)
        if found is None:
            found = highest_category([self.risk_category[risk] for risk in risks])
            self._categories[risks] = found
        return found

    def generate(
        self,
        rows: Rows,
        risk_rows: Rows,
        member_id: int,
        joined_on: date,
        ceased_on: date | None,
        first_id: int,
        count: int,
        count_days: Sequence[date],
    ) -> Workforce:
        """``count`` employees of the member, ids from ``first_id``, appended to ``rows``
        (``COLUMNS``) and ``risk_rows`` (``RISK_COLUMNS``)."""
        rng, today, now = self.rng, self.today, self.now
        rand = rng.random
        pools = self.pools
        jobs = rng.choices(JOBS, cum_weights=_JOB_CUMULATIVE, k=count)
        last_names = rng.choices(pools.last, k=count)
        joined = joined_on.toordinal()
        ceased = ceased_on.toordinal() if ceased_on else None
        hire_span = (ceased or today) - joined + 1
        recent_start = max(joined, today - 45)
        recent_span = today - recent_start + 1
        days = [day.toordinal() for day in count_days]
        counts = [[0, 0, 0] for _day in days]
        active: list[EmployeeFacts] = []
        exit_reason = "Cessation d'activité" if ceased_on else "Fin de contrat"
        fromordinal = date.fromordinal
        for employee_id, (pcs, title, _weight, likely), last_name in zip(
            range(first_id, first_id + count), jobs, last_names, strict=True
        ):
            female = rand() < 0.45
            risks = [risk for risk in likely if rand() < 0.7]
            if rand() < 0.05:
                extra = SIA_RISKS[int(rand() * len(SIA_RISKS))]
                if extra not in risks:
                    risks.append(extra)
            category = self.category_of(tuple(risks))
            from_portal = ceased is None and rand() < 0.03
            if from_portal:
                hired = recent_start + int(rand() * recent_span)
            else:
                hired = joined + int(rand() * hire_span)
            exited = ceased
            if exited is None and not from_portal and rand() < 0.08:
                exited = hired + int(rand() * (today - hired + 1))
            last_visit = None
            if rand() < 0.7:
                start = max(hired, today - _VISITS_WITHIN)
                last_visit = fromordinal(start + int(rand() * (today - start + 1)))
            firsts = pools.female_first if female else pools.male_first
            rows.append(
                (
                    employee_id,
                    member_id,
                    "Mme" if female else "M.",
                    last_name,
                    firsts[int(rand() * len(firsts))],
                    fromordinal(_BIRTH_FIRST + int(rand() * _BIRTH_SPAN)),
                    pcs,
                    title,
                    category,  # a StrEnum: its value
                    fromordinal(hired),
                    None if exited is None else fromordinal(exited),
                    None if exited is None else exit_reason,
                    "portal" if from_portal else "backoffice",
                    last_visit,
                    1,
                    now,
                    now,
                )
            )
            for risk in risks:
                risk_rows.append((employee_id, risk))
            rank = _RANK[category]
            for index, day in enumerate(days):
                if hired <= day and (exited is None or exited >= day):
                    counts[index][rank] += 1
            if exited is None:
                active.append(EmployeeFacts(employee_id, category, from_portal))
        headcounts = {
            day: dict(zip(CATEGORIES, day_counts, strict=True))
            for day, day_counts in zip(count_days, counts, strict=True)
        }
        return Workforce(count, active, headcounts)
