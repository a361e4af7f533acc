"""Comptabilité: the books (journal, closing, exports, FEC), the aged balance, the VAT on
receipts, and the charts of the collection shown in Facturation and on the dashboard."""
