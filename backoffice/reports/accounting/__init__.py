"""Accounting files: the FEC, journal exports, the aged balance, the VAT on receipts, charts."""
