"""The service's own identity, as every document, e-mail and file prints it: plain data.

Read with ``services.identity.load(session)`` and changed by the administrator in
Paramètres › Identité du service (``services.identity.save``). The types live here, below
``services`` and ``reports``, so that reports (PDF, Factur-X, pain.008) take them as they
are: data in, bytes out.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Address:
    """A structured postal address (EN 16931 and pain.008 want its parts apart)."""

    line1: str = ""
    line2: str = ""
    postcode: str = ""
    city: str = ""
    country_code: str = "FR"  # ISO 3166-1 alpha-2

    @property
    def lines(self) -> tuple[str, ...]:
        """As printed: the street lines, then « postcode city »."""
        town = f"{self.postcode} {self.city}".strip()
        return tuple(line for line in (self.line1, self.line2, town) if line.strip())


@dataclass(frozen=True)
class BankAccount:
    """One of the service's bank accounts. ``for_invoices``: the account printed on the
    invoices for transfers; ``for_direct_debits``: the account SEPA debits are paid into
    (one each, possibly the same)."""

    id: int | None  # None until saved
    label: str
    iban: str  # compact, upper case
    bic: str
    bank_name: str = ""
    for_invoices: bool = False
    for_direct_debits: bool = False

    @property
    def iban_display(self) -> str:
        """In groups of four, as printed and shown."""
        return " ".join(self.iban[start : start + 4] for start in range(0, len(self.iban), 4))


@dataclass(frozen=True)
class Logo:
    media_type: str  # "image/png" or "image/jpeg"
    content: bytes


@dataclass(frozen=True)
class ServiceIdentity:
    legal_name: str = ""  # raison sociale
    trade_name: str = ""  # nom d'usage, printed on letterheads when set
    legal_form: str = ""  # e.g. « Association loi 1901 »
    siret: str = ""  # of the head office; the SIREN is its first nine digits
    vat_number: str = ""  # numéro de TVA intracommunautaire, FR + key + SIREN
    address: Address = field(default_factory=Address)  # head office
    phone: str = ""  # administrative switchboard
    email: str = ""
    billing_phone: str = ""  # the accounts department members call about invoices
    billing_email: str = ""
    assistance_phone: str = ""  # the portal's help line
    assistance_email: str = ""
    website: str = ""
    portal_url: str = ""
    creditor_id: str = ""  # SEPA creditor identifier (ICS)
    bank_accounts: tuple[BankAccount, ...] = ()
    logo: Logo | None = None

    @property
    def name(self) -> str:
        """The name members know the service by."""
        return self.trade_name or self.legal_name

    @property
    def siren(self) -> str:
        return self.siret[:9]

    @property
    def invoice_account(self) -> BankAccount | None:
        return next((account for account in self.bank_accounts if account.for_invoices), None)

    @property
    def direct_debit_account(self) -> BankAccount | None:
        return next((account for account in self.bank_accounts if account.for_direct_debits), None)

    @property
    def billing_contact(self) -> tuple[str, str]:
        """(phone, e-mail) members reach about invoices: the billing ones, else the main."""
        return self.billing_phone or self.phone, self.billing_email or self.email
