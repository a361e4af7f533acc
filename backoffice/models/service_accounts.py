"""The service's own bank accounts: printed on invoices for transfers, credited by SEPA
direct debits, and those whose statements are imported.

The rest of the service's identity (names, SIRET, VAT number, address, contacts, SEPA
creditor identifier) is the ``service.identity`` setting; ``services.identity`` reads both
as one ``backoffice.identity.ServiceIdentity``. A closed account is retired, not deleted:
what was paid into it keeps pointing at it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backoffice.models.base import BACKOFFICE, Base, Timestamped, Versioned, writers


class ServiceBankAccount(Versioned, Timestamped, Base):
    __tablename__ = "service_bank_accounts"
    __table_args__ = (
        # One open account per IBAN (a retired one may be opened again as a new row).
        Index(
            "uq_service_bank_accounts_open_iban",
            "iban",
            unique=True,
            sqlite_where=text("retired_at IS NULL"),
            postgresql_where=text("retired_at IS NULL"),
        ),
        writers(BACKOFFICE, "The service's own bank accounts (IBAN/BIC), and their uses."),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(80))  # « Compte courant Crédit Mutuel »
    iban: Mapped[str] = mapped_column(String(34))  # compact, upper case
    bic: Mapped[str] = mapped_column(String(11))
    bank_name: Mapped[str | None] = mapped_column(String(120))
    for_invoices: Mapped[bool] = mapped_column(default=False)  # printed for transfers
    for_direct_debits: Mapped[bool] = mapped_column(default=False)  # SEPA creditor account
    position: Mapped[int] = mapped_column(default=0)
    retired_at: Mapped[datetime | None]
