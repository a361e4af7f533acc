"""Service-wide settings, stored in the ``settings`` table and shared with the portal.

Each key has a default here; a row exists only once someone changed it. Keys read by the
portal are marked ``shared_with_portal`` and listed in ``docs/schema.md``.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.models.settings import Setting
from backoffice.services import audit
from backoffice.services.accounting.chart_defaults import default_chart
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require


@dataclass(frozen=True)
class SettingKey:
    key: str
    default: Any
    description: str
    shared_with_portal: bool = False


KEYS: dict[str, SettingKey] = {
    key.key: key
    for key in (
        SettingKey(
            "service.identity",
            {},
            "The service's names, SIRET, VAT number, head office, contacts and SEPA creditor "
            "identifier, printed on every document (read and written by services.identity).",
        ),
        SettingKey(
            "service.logo",
            None,
            "The logo printed on letterheads: media type and base64 content (services.identity).",
        ),
        SettingKey(
            "members.code_rule",
            {"prefix": "", "digits": 6, "first": 100001},
            "Codes of new members (their portal login): the prefix, then a number of that "
            "many digits, counted from first.",
        ),
        SettingKey(
            "portal.lock_rule",
            {"max_failures": 5, "window_minutes": 30},
            "The portal locks an account after max_failures failed logins within window_minutes.",
            shared_with_portal=True,
        ),
        SettingKey(
            "portal.temporary_password_days",
            30,
            "Days a temporary password sent by letter stays valid.",
            shared_with_portal=True,
        ),
        SettingKey(
            "portal.employees_lock_period",
            {"start": "01-01", "end": "01-31"},
            "Period (MM-DD) when 'Mes salariés' is closed for the annual declaration.",
            shared_with_portal=True,
        ),
        SettingKey(
            "changes.effective_delay_days",
            1,
            "Days between the approval of a portal change and its effect (1: the next day).",
        ),
        SettingKey(
            "billing.default_instalment_plan",
            ["03-15", "05-15", "07-15"],
            "Due dates (MM-DD) proposed for a new year's tariff.",
        ),
        SettingKey(
            "billing.payment_terms",
            "Paiement à réception ou selon l'échéancier ci-dessus. Pas d'escompte pour "
            "paiement anticipé.",
            "Payment terms printed on invoices.",
        ),
        SettingKey(
            "billing.late_interest_rate",
            "taux d'intérêt appliqué par la BCE à son opération de refinancement la plus "
            "récente majoré de 10 points",
            "Late payment interest mention printed on invoices.",
        ),
        SettingKey(
            "einvoicing.vat_exemption_reason",
            "",
            "Why invoices at a VAT rate of 0 % bear no VAT (printed in the Factur-X).",
        ),
        SettingKey(
            "einvoicing.start_on",
            "2026-09-01",
            "Invoices issued from this day on go to the e-invoicing platform.",
        ),
        SettingKey(
            "einvoicing.outbox",
            "",
            "Folder the Factur-X files are written to for the approved platform.",
        ),
        SettingKey("sepa.prenotification_days", 14, "Minimum notice before a direct debit."),
        SettingKey("sepa.schema", "pain.008.001.08", "pain.008 version sent to the bank."),
        SettingKey(
            "bank.return_fee_cents",
            0,
            "Fee (HT, cents) invoiced to a member whose direct debit the bank returned; 0: none.",
        ),
        SettingKey(
            "appointments.cancellation_notice_hours",
            48,
            "A cancellation asked less than this many hours before the visit is too late.",
            shared_with_portal=True,
        ),
        SettingKey(
            "appointments.periodic_interval_months",
            {"si": 60, "sia": 36, "sir": 24},
            "Months between periodic visits, per follow-up category.",
        ),
        SettingKey(
            "convocation.texts",
            {
                "what_to_bring": "Merci de vous munir de cette convocation, d'une pièce "
                "d'identité, de votre carnet de vaccination, de vos lunettes ou lentilles "
                "et de la liste de vos traitements en cours.",
                "how_to_cancel": "En cas d'empêchement, votre employeur doit demander "
                "l'annulation depuis l'espace adhérent au moins 48 heures à l'avance. Toute "
                "absence non excusée pourra être facturée.",
            },
            "Texts printed on convocation letters.",
        ),
        SettingKey(
            "mail.smtp",
            {},
            "The SMTP server the outbox sends through: host, port, security, login, sender, "
            "reply-to, messages per minute (services.mail.settings; the password is in the "
            "system keyring).",
        ),
        SettingKey(
            "accounting.chart",
            default_chart(),
            "The chart of accounts and journals the entries are posted to.",
        ),
    )
}


def get(session: Session, key: str) -> Any:
    """The value of ``key`` (its default when never set: a copy, so that a caller changing
    what it got never changes the default)."""
    stored = session.get(Setting, key)
    return stored.value if stored is not None else copy.deepcopy(KEYS[key].default)


def get_all(session: Session) -> dict[str, Any]:
    values = {key: spec.default for key, spec in KEYS.items()}
    for row in session.scalars(select(Setting)):
        if row.key in values:
            values[row.key] = row.value
    return values


def problems(key: str, value: Any) -> list[FieldError]:
    """What is wrong with a value before it is stored (French sentences)."""
    errors: list[FieldError] = []
    if key == "accounting.chart":
        from backoffice.services.accounting import chart

        return chart.problems(value)
    if key == "members.code_rule":
        from backoffice.services.membership.numbering import rule_problems

        return rule_problems(value)
    if key == "billing.default_instalment_plan":
        try:
            days = [date.fromisoformat(f"2000-{item}") for item in value]
        except (TypeError, ValueError):
            return [FieldError(key, tr("The instalment plan needs dates as day/month."))]
        if not days or any(b <= a for a, b in itertools.pairwise(days)):
            errors.append(FieldError(key, tr("The instalment dates must be increasing.")))
    elif isinstance(KEYS[key].default, int) and (not isinstance(value, int) or value < 0):
        errors.append(
            FieldError(key, tr("The value of {key} must be a positive whole number.", key=key))
        )
    return errors


def put_many(session: Session, actor: Actor, values: dict[str, Any]) -> list[str]:
    """Store several settings at once, all or nothing; returns the keys that changed."""
    require(session, actor, Permission.SETTINGS_MANAGE)
    errors = [error for key, value in values.items() for error in problems(key, value)]
    if errors:
        raise ValidationFailed(errors)
    changed = [key for key, value in values.items() if get(session, key) != value]
    for key in changed:
        put(session, actor, key, values[key])
    return changed


def put(session: Session, actor: Actor, key: str, value: Any) -> None:
    require(session, actor, Permission.SETTINGS_MANAGE)
    store(session, actor, key, value)


def store(session: Session, actor: Actor | None, key: str, value: Any) -> None:
    """Write one setting and its audit event; the caller has checked the permission and
    the value (``actor`` None: the system)."""
    if key not in KEYS:
        raise ValidationFailed.single(key, f"unknown setting {key}")
    stored = session.get(Setting, key)
    before = stored.value if stored is not None else KEYS[key].default
    if stored is None:
        session.add(Setting(key=key, value=value, updated_by_id=actor.staff_id if actor else None))
    else:
        stored.value = value
        stored.updated_by_id = actor.staff_id if actor else None
    audit.record(
        session,
        actor,
        "settings.change",
        "setting",
        None,
        summary=key,
        before={"value": _audited(before)},
        after={"value": _audited(value)},
    )


def _audited(value: Any) -> Any:
    """The value as the audit trail keeps it: long texts (a logo) by their size only."""
    if isinstance(value, dict):
        return {key: _audited(item) for key, item in value.items()}
    if isinstance(value, str) and len(value) > 500:
        return f"<{len(value)} characters>"
    return value
