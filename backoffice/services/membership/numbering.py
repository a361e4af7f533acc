"""Member codes (*numéros d'adhérent*, the portal login) of new members.

The ``members.code_rule`` setting gives a prefix and a number of digits (``100001``,
``A00042``...). Numbers come from a counter row (``number_counters``, series
``member-code:<prefix>``) taken in the creating transaction, as invoice numbers are: two
workstations creating members at once queue on the row and never get the same code. The
counter starts after the highest code of the rule already in use, and a code someone typed
by hand is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models import Member, NumberCounter
from backoffice.services import settings
from backoffice.services.billing.numbering import create_counter
from backoffice.services.errors import FieldError

RULE_KEY = "members.code_rule"
MAX_LENGTH = Member.__table__.c.member_code.type.length


@dataclass(frozen=True)
class CodeRule:
    prefix: str
    digits: int
    first: int

    @classmethod
    def of(cls, value: dict[str, Any]) -> CodeRule:
        return cls(str(value.get("prefix", "")), int(value["digits"]), int(value["first"]))

    def code(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.digits}d}"

    def number_of(self, code: str) -> int | None:
        """The number of a code made by this rule, or None."""
        rest = code[len(self.prefix) :] if code.startswith(self.prefix) else ""
        return int(rest) if len(rest) == self.digits and rest.isdigit() else None


def rule_problems(value: Any) -> list[FieldError]:
    """What is wrong with a rule before it is stored (French sentences)."""
    try:
        rule = CodeRule.of(value)
    except (KeyError, TypeError, ValueError):
        return [FieldError(RULE_KEY, tr("Member codes: the rule needs digits and a first number."))]
    errors = []
    if rule.prefix and not rule.prefix.isalnum():
        errors.append(
            FieldError(
                f"{RULE_KEY}.prefix",
                tr(
                    "Member codes: the prefix {prefix} may hold letters and digits only.",
                    prefix=rule.prefix,
                ),
            )
        )
    if not 3 <= rule.digits <= 12 or len(rule.prefix) + rule.digits > MAX_LENGTH:
        errors.append(
            FieldError(
                f"{RULE_KEY}.digits",
                tr(
                    "Member codes: from 3 to 12 digits, {length} characters at most with the "
                    "prefix.",
                    length=MAX_LENGTH,
                ),
            )
        )
    elif not 1 <= rule.first < 10**rule.digits:
        errors.append(
            FieldError(
                f"{RULE_KEY}.first",
                tr(
                    "Member codes: the first number must have {digits} digits at most.",
                    digits=rule.digits,
                ),
            )
        )
    return errors


def current_rule(session: Session) -> CodeRule:
    return CodeRule.of(settings.get(session, RULE_KEY))


def next_code(session: Session) -> str:
    """Take the next free code of the rule, in this transaction (the counter row stays
    locked until it ends)."""
    rule = current_rule(session)
    key = f"member-code:{rule.prefix}"
    last = _locked_counter(session, key, rule)
    number = max(last, rule.first - 1) + 1
    while session.scalar(select(Member.id).where(Member.member_code == rule.code(number))):
        number += 1  # a code typed by hand, or given before the rule changed
    session.execute(
        update(NumberCounter)
        .where(NumberCounter.series == key)
        .values(last_number=number)
        .execution_options(synchronize_session=False)
    )
    return rule.code(number)


def _locked_counter(session: Session, key: str, rule: CodeRule) -> int:
    statement = (
        select(NumberCounter.last_number).where(NumberCounter.series == key).with_for_update()
    )
    last = session.execute(statement).scalar_one_or_none()
    if last is None:
        create_counter(session, key, _highest_in_use(session, rule))
        last = session.execute(statement).scalar_one()
    return last


def _highest_in_use(session: Session, rule: CodeRule) -> int:
    """The highest number of the rule among the members' codes (0 when none)."""
    length = len(rule.prefix) + rule.digits
    codes = session.scalars(
        select(Member.member_code).where(
            Member.member_code.startswith(rule.prefix, autoescape=True),
            func.length(Member.member_code) == length,
        )
    )
    return max((n for code in codes if (n := rule.number_of(code)) is not None), default=0)
