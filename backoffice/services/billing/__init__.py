"""Billing: tariffs, invoices, instalment schedules, payments, credit notes."""
