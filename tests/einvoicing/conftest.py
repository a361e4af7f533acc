"""The e-invoicing tests live on the billing tests' day (10 February 2027), with the same
billing clerk."""

from __future__ import annotations

from tests.billing.conftest import _on_billing_day, billing

__all__ = ["_on_billing_day", "billing"]
