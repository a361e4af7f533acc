"""Money comes back: the bank's files imported, matched and reconciled (issue 15).

The tables are in ``models/bank.py`` (``BankFile``, ``BankStatement``, ``BankEntry`` — one
row per movement, signed ``amount_cents``, ``match_state`` — ``BankEntryPayment``, the
payments a match recorded, and ``BankReturn``, the returns applied; an open return flags
its member).

The map (each module small; services take ``(session, actor, ...)``, check permissions,
never commit, return plain dataclasses):

- ``formats``: reading the files, no database — ``read(name, data) -> ParsedFile``
  (camt.053 001.02/001.08, camt.054, CFONB 120, pain.002), or ``BankFileError`` with one
  French sentence naming the file and the line or entry.
- ``importing``: ``import_files(session, actor, [(name, bytes)], progress=) ->
  ImportOutcome`` (read, new, matched, returned, left): the account checked against the
  service's, each entry stored once (``dedup_key``), then matched, in the caller's
  transaction: a refused file is refused before anything is written; callers import
  several files one call per file (a transaction each, or the command line's files of a
  second in one: ``import_run``), each file's line from ``file_result``.
- ``import_run``: many files as the command line imports them — ``read_ahead`` (the next
  files read by a process of their own while this one is imported)
  and ``import_each(database, actor, files)`` (the files of each second committed
  together, a refused one left out; results handed over once committed).
- ``matching``: the automatic rules in order of confidence (``match_entries``).
- ``returns``: direct debits returned or rejected: instalment reopened with the French
  reason, fee invoice by the ``bank.return_fee_cents`` setting, member flagged, mandate
  ended or kept by the code (``sepa/returns.py`` stays the hand-entry fallback).
- ``reconcile``: what the reconciliation screen calls — ``entries(session, actor, state,
  month=)`` and ``month_progress``, ``suggestions(session, actor, entry_id)`` (ranked
  candidates: member, invoice or cheque slip, score, why), ``match_entry(session, actor,
  entry_id, [Allocation(member_id, cents, invoice_id, credit=)], expected_version=)``
  (split across invoices, the rest kept as a credit), ``match_slip`` (a cheque slip's
  line), ``ignore_entry(session, actor, entry_id, reason)``, ``undo_entry(session, actor,
  entry_id, reason)`` (reverses the payments it recorded: an audited reversal).
- ``queries``: ``unmatched(session, actor)``, the rows ``backoffice bank unmatched`` prints.
- ``cheques``: cheque remittance slips — ``create_remittance`` (the cheques recorded as
  payments, the slip numbered), ``slip_pdf``, ``remittances``, ``pending_cheques``, and
  ``match_slips(session, actor, entries)``, the import's rule for a slip's line.
"""
