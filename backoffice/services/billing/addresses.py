"""The address an invoice is sent to: the member's billing address, or its main one.

An invoice keeps a copy of it as it was on the day of issue (an invoice never changes).
"""

from __future__ import annotations

from dataclasses import dataclass

from backoffice.models import Member
from backoffice.text import attention_line


@dataclass(frozen=True)
class BillingAddress:
    name: str
    line1: str
    line2: str | None
    postcode: str
    city: str

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(
            line
            for line in (self.name, self.line1, self.line2, f"{self.postcode} {self.city}")
            if line
        )

    def invoice_columns(self) -> dict[str, str | None]:
        """The ``invoices.billing_*`` values."""
        return {
            "billing_name": self.name,
            "billing_address_line1": self.line1,
            "billing_address_line2": self.line2,
            "billing_postcode": self.postcode,
            "billing_city": self.city,
        }


def choose(
    legal_name: str,
    main: tuple[str, str | None, str, str],
    billing_name: str | None,
    billing: tuple[str | None, str | None, str | None, str | None],
) -> BillingAddress:
    """The billing address when its street and city are filled in, else the main address;
    the billing name when given, else the legal name."""
    line1, line2, postcode, city = billing
    if line1 and postcode and city:
        return BillingAddress(billing_name or legal_name, line1, line2, postcode, city)
    return BillingAddress(billing_name or legal_name, *main)


def of_member(member: Member) -> BillingAddress:
    return choose(
        member.legal_name,
        (member.address_line1, member.address_line2, member.postcode, member.city),
        member.billing_name,
        (
            member.billing_address_line1,
            member.billing_address_line2,
            member.billing_postcode,
            member.billing_city,
        ),
    )


def letter_address(member: Member) -> tuple[str, ...]:
    """The member's main address for administrative letters, to its contact's attention."""
    attention = attention_line(member.contact_name) if member.contact_name else None
    lines = (
        member.legal_name,
        attention,
        member.address_line1,
        member.address_line2,
        f"{member.postcode} {member.city}",
    )
    return tuple(line for line in lines if line)
