"""Billing documents: invoice and credit-note PDFs, reminder letters, schedules in Excel."""
