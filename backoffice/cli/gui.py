"""Opening the application from the command line (Qt is imported only here)."""

from __future__ import annotations


def open_application(database_url: str | None) -> int:
    from backoffice.views.app import run

    return run(database_url)


def self_check() -> int:
    from backoffice.reports.sepa import pain008
    from backoffice.reports.sepa.validation import official_schema
    from backoffice.views.app import self_check as check

    for schema in pain008.SCHEMAS:  # the official XSDs are files a frozen build must ship
        official_schema(schema)
    return check()
