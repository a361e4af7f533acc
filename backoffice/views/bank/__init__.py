"""The bank desk in Facturation: cheque remittance slips, reconciliation of statements,
bank files imported (``import_files``: dropped on the section or chosen in a dialog)."""
