"""SEPA direct debit: mandates, pre-notifications and pain.008 collection files."""
