"""The portal's account rules, shared with the portal through the ``settings`` table:
how many failed logins within how many minutes lock an account (``portal.lock_rule``),
and how many days a temporary password sent by letter stays valid
(``portal.temporary_password_days``). Read by every staff member; changed by an
administrator (it changes the portal's behaviour)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from backoffice.i18n import tr
from backoffice.services import settings as settings_service
from backoffice.services.errors import FieldError, ValidationFailed
from backoffice.services.permissions import Actor, Permission, require

LOCK_RULE = "portal.lock_rule"
TEMPORARY_DAYS = "portal.temporary_password_days"
LIMITS = {"max_failures": (3, 20), "window_minutes": (1, 24 * 60), "temporary_days": (1, 90)}


@dataclass(frozen=True)
class PortalRules:
    max_failures: int
    window_minutes: int
    temporary_days: int


def portal_rules(session: Session, actor: Actor) -> PortalRules:
    require(session, actor, Permission.ACCOUNTS_VIEW)
    rule = settings_service.get(session, LOCK_RULE)
    return PortalRules(
        int(rule["max_failures"]),
        int(rule["window_minutes"]),
        int(settings_service.get(session, TEMPORARY_DAYS)),
    )


def set_portal_rules(session: Session, actor: Actor, rules: PortalRules) -> PortalRules:
    """Store the rules (audited by the settings service); all or nothing."""
    require(session, actor, Permission.SETTINGS_MANAGE)
    errors = [
        FieldError(
            name,
            tr(
                "{field}: {value} is outside the accepted range ({low} to {high}).",
                field=rule_label(name),
                value=getattr(rules, name),
                low=low,
                high=high,
            ),
        )
        for name, (low, high) in LIMITS.items()
        if not low <= getattr(rules, name) <= high
    ]
    if errors:
        raise ValidationFailed(errors)
    settings_service.put_many(
        session,
        actor,
        {
            LOCK_RULE: {"max_failures": rules.max_failures, "window_minutes": rules.window_minutes},
            TEMPORARY_DAYS: rules.temporary_days,
        },
    )
    return rules


def rule_label(name: str) -> str:
    return {
        "max_failures": tr("Failed logins before the lock"),
        "window_minutes": tr("Within (minutes)"),
        "temporary_days": tr("Temporary password valid for (days)"),
    }[name]


def describe(rules: PortalRules) -> str:
    return tr(
        "The portal locks an account after {failures} failed logins within {minutes} "
        "minutes; a temporary password is valid {days} days.",
        failures=rules.max_failures,
        minutes=rules.window_minutes,
        days=rules.temporary_days,
    )
