"""The service's identity: read by every document, e-mail and file; changed by the
administrator (Paramètres › Identité du service).

Stored as the ``service.identity`` setting (names, identifiers, address, contacts, SEPA
creditor identifier), the ``service.logo`` setting, and the ``service_bank_accounts``
table; :func:`load` returns them as one :class:`~backoffice.identity.ServiceIdentity`.
Checked with python-stdnum (SIRET, VAT number and its key, ICS) and schwifty (IBAN and
its RIB key, BIC of the IBAN's bank). A document that needs a part still missing refuses
with a French sentence naming it (:func:`load_for`).
"""

from __future__ import annotations

import base64
import binascii
import enum
from dataclasses import asdict, replace
from io import BytesIO
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice import clock
from backoffice.i18n import tr, trc
from backoffice.identity import Address, BankAccount, Logo, ServiceIdentity
from backoffice.models import ServiceBankAccount, Setting
from backoffice.services import audit, settings, validation
from backoffice.services.errors import Conflict, FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

__all__ = [
    "Address",
    "BankAccount",
    "Logo",
    "Purpose",
    "ServiceIdentity",
    "load",
    "load_for",
    "problems",
    "save",
    "write",
]

IDENTITY_KEY = "service.identity"
LOGO_KEY = "service.logo"
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
LOGO_MAX_BYTES = 512 * 1024
TEXT_FIELDS = (
    "legal_name",
    "trade_name",
    "legal_form",
    "siret",
    "vat_number",
    "phone",
    "email",
    "billing_phone",
    "billing_email",
    "assistance_phone",
    "assistance_email",
    "website",
    "portal_url",
    "creditor_id",
)


# -- reading -------------------------------------------------------------------------------


def load(session: Session) -> ServiceIdentity:
    """The identity as stored (parts never filled are empty). Any staff member's documents
    read it: no permission is needed."""
    value = settings.get(session, IDENTITY_KEY) or {}
    accounts = session.scalars(
        select(ServiceBankAccount)
        .where(ServiceBankAccount.retired_at.is_(None))
        .order_by(ServiceBankAccount.position, ServiceBankAccount.id)
    )
    return ServiceIdentity(
        **{name: str(value.get(name) or "") for name in TEXT_FIELDS},
        address=Address(**{k: str(v or "") for k, v in (value.get("address") or {}).items()}),
        bank_accounts=tuple(
            BankAccount(
                id=account.id,
                label=account.label,
                iban=account.iban,
                bic=account.bic,
                bank_name=account.bank_name or "",
                for_invoices=account.for_invoices,
                for_direct_debits=account.for_direct_debits,
            )
            for account in accounts
        ),
        logo=_logo_from_setting(settings.get(session, LOGO_KEY)),
    )


def _logo_from_setting(value: Any) -> Logo | None:
    if not value:
        return None
    try:
        return Logo(str(value["media_type"]), base64.b64decode(value["content"]))
    except (KeyError, TypeError, binascii.Error):
        return None  # a damaged value prints no logo rather than no document


# -- what a document needs -----------------------------------------------------------------


class Purpose(enum.StrEnum):
    LETTERS = "letters"  # every letter: who writes, from where
    INVOICES = "invoices"  # the seller's mentions (L441-9 Code de commerce, CGI 242 nonies A)
    DIRECT_DEBITS = "direct_debits"  # the SEPA creditor


def _purpose_label(purpose: Purpose) -> str:
    return {
        Purpose.LETTERS: tr("letters"),
        Purpose.INVOICES: tr("invoices"),
        Purpose.DIRECT_DEBITS: tr("direct debits"),
    }[purpose]


def missing(identity: ServiceIdentity, purpose: Purpose) -> list[str]:
    """The parts ``purpose`` needs that are still empty, named as in the settings."""
    address = identity.address
    needed = [
        (identity.legal_name, tr("legal name")),
        (address.line1 and address.postcode and address.city, tr("head-office address")),
    ]
    if purpose == Purpose.INVOICES:
        needed += [
            (identity.siret, tr("SIRET")),
            (identity.vat_number, trc("missing part", "VAT number")),
            (identity.invoice_account, tr("bank account printed on invoices")),
        ]
    elif purpose == Purpose.DIRECT_DEBITS:
        needed += [
            (identity.creditor_id, tr("SEPA creditor identifier (ICS)")),
            (identity.direct_debit_account, tr("bank account credited by direct debits")),
        ]
    return [label for present, label in needed if not present]


def load_for(session: Session, purpose: Purpose) -> ServiceIdentity:
    """The identity, refused (in French) when ``purpose`` needs a part still missing."""
    identity = load(session)
    absent = missing(identity, purpose)
    if absent:
        raise ValidationFailed.single(
            "service_identity",
            tr(
                "The service's identity (Settings › Service identity) lacks what {purpose} "
                "need: {parts}.",
                purpose=_purpose_label(purpose),
                parts=", ".join(absent),
            ),
        )
    return identity


# -- checking ------------------------------------------------------------------------------


def labels() -> dict[str, str]:
    """The French name of each part, as the settings show it and refusals name it."""
    return {
        "legal_name": tr("Legal name"),
        "trade_name": tr("Trade name"),
        "legal_form": tr("Legal form"),
        "siret": tr("SIRET"),
        "vat_number": tr("VAT number"),
        "address.line1": tr("Address"),
        "address.line2": tr("Address (continued)"),
        "address.postcode": tr("Postcode"),
        "address.city": tr("City"),
        "address.country_code": tr("Country"),
        "phone": tr("Phone"),
        "email": tr("Email"),
        "billing_phone": tr("Billing phone"),
        "billing_email": tr("Billing email"),
        "assistance_phone": tr("Portal help line"),
        "assistance_email": tr("Portal help email"),
        "website": tr("Website"),
        "portal_url": tr("Portal address"),
        "creditor_id": tr("Creditor identifier (ICS)"),
        "logo": tr("Logo"),
    }


def normalised(identity: ServiceIdentity) -> ServiceIdentity:
    """Spaces trimmed; identifiers compact and upper case, as they are stored."""

    compact = validation.compact
    texts = {name: getattr(identity, name).strip() for name in TEXT_FIELDS}
    texts["siret"] = validation.compact_number(texts["siret"])
    for name in ("vat_number", "creditor_id"):
        texts[name] = compact(texts[name])
    for name in ("phone", "billing_phone", "assistance_phone"):
        texts[name] = validation.spaced(texts[name])
    address = identity.address
    return replace(
        identity,
        **texts,
        address=Address(
            address.line1.strip(),
            address.line2.strip(),
            compact(address.postcode)
            if address.country_code.strip().upper() == "FR"
            else address.postcode.strip(),
            address.city.strip(),
            address.country_code.strip().upper(),
        ),
        bank_accounts=tuple(
            replace(
                account,
                label=account.label.strip(),
                iban=compact(account.iban),
                bic=compact(account.bic),
                bank_name=account.bank_name.strip(),
            )
            for account in identity.bank_accounts
        ),
    )


def problems(identity: ServiceIdentity) -> list[FieldError]:
    """What is wrong with an identity (normalised), one French sentence per field."""
    names = labels()
    address = identity.address
    checks: list[tuple[str, str | None]] = [
        ("legal_name", validation.check_required(names["legal_name"], identity.legal_name)),
        ("siret", validation.check_siret(names["siret"], identity.siret)),
        (
            "vat_number",
            validation.check_vat_number(
                names["vat_number"], identity.vat_number, identity.siren or None
            ),
        ),
        ("address.line1", validation.check_required(names["address.line1"], address.line1)),
        (
            "address.postcode",
            validation.check_required(names["address.postcode"], address.postcode)
            or (
                validation.check_postcode(names["address.postcode"], address.postcode)
                if address.country_code == "FR"
                else None
            ),
        ),
        ("address.city", validation.check_required(names["address.city"], address.city)),
        (
            "address.country_code",
            validation.check_country(names["address.country_code"], address.country_code),
        ),
    ]
    for name in ("phone", "billing_phone", "assistance_phone"):
        checks.append((name, validation.check_phone(names[name], getattr(identity, name))))
    for name in ("email", "billing_email", "assistance_email"):
        checks.append((name, validation.check_email(names[name], getattr(identity, name))))
    for name in ("website", "portal_url"):
        checks.append((name, validation.check_url(names[name], getattr(identity, name))))
    if identity.creditor_id:
        checks.append(
            (
                "creditor_id",
                validation.check_creditor_id(names["creditor_id"], identity.creditor_id),
            )
        )
    if identity.logo is not None:
        checks.append(("logo", _logo_problem(identity.logo)))
    errors = [FieldError(field, message) for field, message in checks if message]
    return errors + account_problems(identity.bank_accounts)


def account_problems(accounts: tuple[BankAccount, ...]) -> list[FieldError]:
    """What is wrong with the accounts: each checked, an IBAN listed once, one account
    for invoices and one for debits at most."""
    errors = []
    seen: set[str] = set()
    for index, account in enumerate(accounts):
        name = account.label or tr("Account {number}", number=index + 1)
        field = f"bank_accounts.{index}"
        for part, message in (
            ("label", validation.check_required(tr("Bank account label"), account.label)),
            ("iban", validation.check_iban(tr("IBAN of {account}", account=name), account.iban)),
            (
                "bic",
                validation.check_bic(
                    tr("BIC of {account}", account=name), account.bic, account.iban
                ),
            ),
        ):
            if message:
                errors.append(FieldError(f"{field}.{part}", message))
        if account.iban in seen:
            errors.append(
                FieldError(
                    f"{field}.iban", tr("The IBAN {iban} is listed twice.", iban=account.iban)
                )
            )
        seen.add(account.iban)
    for flag, text in (
        ("for_invoices", tr("Only one bank account can be printed on the invoices.")),
        ("for_direct_debits", tr("Only one bank account can receive the direct debits.")),
    ):
        if sum(1 for account in accounts if getattr(account, flag)) > 1:
            errors.append(FieldError("bank_accounts", text))
    return errors


def _logo_problem(logo: Logo) -> str | None:
    from PIL import Image, UnidentifiedImageError  # reportlab's own dependency

    if len(logo.content) > LOGO_MAX_BYTES:
        return tr("Logo: the image is larger than 512 KB.")
    try:
        with Image.open(BytesIO(logo.content)) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        return tr("Logo: the file is not a readable image.")
    if LOGO_TYPES.get(kind or "") != logo.media_type:
        return tr("Logo: only PNG and JPEG images can be printed.")
    return None


def logo_from_file(content: bytes) -> Logo:
    """A logo from a file's bytes, its type read from the image itself."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(BytesIO(content)) as image:
            kind = image.format or ""
    except (UnidentifiedImageError, OSError):
        kind = ""
    return Logo(LOGO_TYPES.get(kind, "application/octet-stream"), content)


# -- writing -------------------------------------------------------------------------------


def save(
    session: Session,
    actor: Actor,
    identity: ServiceIdentity,
    *,
    opened: ServiceIdentity | None = None,
) -> ServiceIdentity:
    """Store the identity typed by an administrator, all or nothing. ``opened`` is the
    identity the form showed: if someone changed it since, nothing is written."""
    require(session, actor, Permission.SETTINGS_MANAGE)
    session.get(Setting, IDENTITY_KEY, with_for_update=True)  # saves of it queue up
    if opened is not None and load(session) != opened:
        raise Conflict(
            tr(
                "The service's identity was changed by someone else since you opened the "
                "settings. Close them and open them again to see the new values."
            )
        )
    return write(session, actor, identity)


def write(session: Session, actor: Actor | None, identity: ServiceIdentity) -> ServiceIdentity:
    """Check and store ``identity`` (``actor`` None: the system, e.g. the demo)."""
    identity = normalised(identity)
    errors = problems(identity)
    if errors:
        raise ValidationFailed(errors)
    before = load(session)
    value = {name: getattr(identity, name) for name in TEXT_FIELDS}
    value["address"] = asdict(identity.address)
    if settings.get(session, IDENTITY_KEY) != value:
        settings.store(session, actor, IDENTITY_KEY, value)
    if before.logo != identity.logo:
        logo = identity.logo
        settings.store(
            session,
            actor,
            LOGO_KEY,
            {"media_type": logo.media_type, "content": base64.b64encode(logo.content).decode()}
            if logo
            else None,
        )
    _write_accounts(session, actor, before.bank_accounts, identity.bank_accounts)
    session.flush()
    return load(session)


ACCOUNT_FIELDS = ("label", "iban", "bic", "bank_name", "for_invoices", "for_direct_debits")


def _write_accounts(
    session: Session,
    actor: Actor | None,
    stored: tuple[BankAccount, ...],
    wanted: tuple[BankAccount, ...],
) -> None:
    """Accounts with an id are updated, without one added; open accounts no longer listed
    are retired (what was paid into them keeps pointing at them)."""
    kept = {account.id for account in wanted if account.id is not None}
    rows = {row.id: row for row in session.scalars(select(ServiceBankAccount))}
    for account in stored:
        if account.id not in kept:
            row = rows[account.id]  # type: ignore[index]
            row.retired_at = clock.now()
            _audit_account(session, actor, "service_account.retire", row, before=account)
    session.flush()  # a retired IBAN may come back as a new account below
    for position, account in enumerate(wanted):
        if account.id is None:
            row = ServiceBankAccount(position=position)
            session.add(row)
        else:
            row = rows.get(account.id)
            if row is None or row.retired_at is not None:
                raise Conflict(
                    tr("The bank account {label} was removed meanwhile.", label=account.label)
                )
        before = {name: getattr(row, name) for name in ACCOUNT_FIELDS} if row.id else {}
        for name in ACCOUNT_FIELDS:
            setattr(row, name, getattr(account, name))
        row.bank_name = account.bank_name or None
        row.position = position
        session.flush()
        after = {name: getattr(row, name) for name in ACCOUNT_FIELDS}
        changed_before, changed_after = audit.changed_fields(before, after)
        if changed_after:
            _audit_account(
                session,
                actor,
                "service_account.edit" if before else "service_account.add",
                row,
                changes=(changed_before, changed_after),
            )


def _audit_account(
    session: Session,
    actor: Actor | None,
    action: str,
    row: ServiceBankAccount,
    *,
    before: BankAccount | None = None,
    changes: tuple[dict, dict] | None = None,
) -> None:
    audit.record(
        session,
        actor,
        action,
        "service_bank_account",
        row.id,
        summary=row.label,
        before=changes[0] if changes else ({"iban": before.iban} if before else None),
        after=changes[1] if changes else None,
    )
