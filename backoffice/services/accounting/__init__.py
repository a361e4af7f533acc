"""Accounting: the entries of what the back-office bills, credits, collects and loses.

How the journal is generated
----------------------------
An entry is written **at the event, in the event's own transaction**, by the service that
records the event (``posting.post_*`` called from ``issue_credit_note``, ``record_payment``,
``reverse_payment``, the campaign...), from the facts it knows at that moment — the
instalments a payment settled, the VAT still pending on each invoice. Nothing is posted
for an event that rolls back; nothing is posted twice (``journal_entries`` has one row per
``(source, source_id)``). Rows that predate the books (an upgraded database, the demo) are
journalised by :mod:`history`, which reads the events without an entry in date order and
uses the same builders; it runs under a lock, so two runs never post the same event.

Numbers and dates
-----------------
Entries are dated by their event. They are drafts, without a number, until their month is
closed (:mod:`closing`): the closing numbers them per journal and fiscal year in date order,
continuing the journal's gap-free counter, and gives them their validation date. An event
recorded after its month was closed is dated on the first open day. An entry is never
changed afterwards; a correction is a new entry.

VAT on receipts
---------------
The contributions are services: their VAT is due when paid. An invoice's VAT is credited to
the pending VAT account (44574); each payment moves the VAT of what it settled from there
to the VAT collected (44571), in proportion to each invoice, and the payment that settles
an invoice moves all that is left of it, so that every settled invoice leaves no cent
pending. Credit notes and write-offs take their VAT off the pending account.
"""
