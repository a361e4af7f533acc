"""The bank desk in Facturation: cheque remittance slips, reconciliation of statements."""
