"""Bank files as a bank writes them: camt.053 / camt.054 (001.02, 001.08), CFONB 120 and
pain.002, from plain data (no session). The demo leaves a month of them, the tests and
the benchmark import them; the camt files validate against ISO 20022's schemas.

A :class:`Movement` is one booked entry of the service's account, seen from the
service: ``amount_cents`` positive when money comes in. A collection credit carries its
batch (``batch_message_id`` and ``batch_payment_info_id`` of our pain.008,
``batch_count``); a return its ``return_code`` and the debit's ``end_to_end_id``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Movement:
    amount_cents: int  # + credit, - debit
    booked_on: date
    reference: str | None  # the bank's (AcctSvcrRef, CFONB reference)
    kind: str = "transfer"  # transfer, collection, return, cheque, fee
    value_on: date | None = None
    name: str | None = None  # the counterparty
    iban: str | None = None
    bic: str | None = None
    remittance: str | None = None  # unstructured
    creditor_reference: str | None = None  # structured (RF…)
    end_to_end_id: str | None = None
    mandate_reference: str | None = None
    batch_message_id: str | None = None
    batch_payment_info_id: str | None = None
    batch_count: int | None = None
    return_code: str | None = None


@dataclass(frozen=True)
class Statement:
    identifier: str
    iban: str
    bic: str
    owner: str
    from_on: date
    to_on: date
    opening_cents: int
    movements: tuple[Movement, ...]

    @property
    def closing_cents(self) -> int:
        return self.opening_cents + sum(item.amount_cents for item in self.movements)


@dataclass(frozen=True)
class Rejected:
    """A debit of one of our pain.008 files the bank rejected (pain.002)."""

    end_to_end_id: str
    amount_cents: int
    reason: str
    collection_date: date
    debtor_name: str
    debtor_iban: str
