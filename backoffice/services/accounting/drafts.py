"""An entry before it is written: its lines, and the rule that they balance."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from backoffice.i18n import tr
from backoffice.models import EntrySource, LineKind
from backoffice.services.accounting.chart import Account
from backoffice.services.errors import ServiceError

LABEL_LENGTH = 200
PIECE_LENGTH = 40


@dataclass(frozen=True)
class LineDraft:
    kind: LineKind
    account: Account
    debit_cents: int = 0
    credit_cents: int = 0
    member_id: int | None = None
    invoice_id: int | None = None
    vat_rate_bp: int | None = None
    label: str | None = None
    vat_base_cents: int | None = None

    def mirrored(self, account: Account | None = None, kind: LineKind | None = None) -> LineDraft:
        """The same line on the other side (a reversal), optionally on another account."""
        return LineDraft(
            kind or self.kind,
            account or self.account,
            self.credit_cents,
            self.debit_cents,
            self.member_id,
            self.invoice_id,
            self.vat_rate_bp,
            self.label,
            self.vat_base_cents,
        )


@dataclass
class EntryDraft:
    source: EntrySource
    source_id: int
    journal_key: str  # "sales", "bank" or "misc" in the chart
    event_date: date
    piece_ref: str
    label: str
    member_id: int | None = None
    lines: list[LineDraft] = field(default_factory=list)

    def debit(self, kind: LineKind, account: Account, cents: int, **details: object) -> None:
        if cents:
            self.lines.append(LineDraft(kind, account, debit_cents=cents, **details))  # type: ignore[arg-type]

    def credit(self, kind: LineKind, account: Account, cents: int, **details: object) -> None:
        if cents:
            self.lines.append(LineDraft(kind, account, credit_cents=cents, **details))  # type: ignore[arg-type]

    @property
    def debit_cents(self) -> int:
        return sum(line.debit_cents for line in self.lines)

    @property
    def credit_cents(self) -> int:
        return sum(line.credit_cents for line in self.lines)

    def describe(self) -> str:
        return f"{self.piece_ref} ({self.label})"


class Unbalanced(ServiceError):
    """An entry whose debits and credits differ: a bug, refused whole."""


def check_balanced(draft: EntryDraft) -> None:
    """Refuse an entry that does not balance, or that has a negative or empty line."""
    if not draft.lines or draft.debit_cents != draft.credit_cents:
        raise Unbalanced(
            tr(
                "The entry of {piece} does not balance (debit {debit}, credit {credit} "
                "cents): nothing was saved. Report this to the support.",
                piece=draft.describe(),
                debit=draft.debit_cents,
                credit=draft.credit_cents,
            )
        )
    for line in draft.lines:
        if line.debit_cents < 0 or line.credit_cents < 0:
            raise Unbalanced(
                tr(
                    "The entry of {piece} has a negative amount on account {account}: "
                    "nothing was saved. Report this to the support.",
                    piece=draft.describe(),
                    account=line.account.number,
                )
            )


def clip(text: str, length: int) -> str:
    """One line of text that fits its column (no tab or line break: the FEC splits on them)."""
    single = " ".join(text.split())
    return single[:length]
