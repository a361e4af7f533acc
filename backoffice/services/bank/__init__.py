"""The bank: statements, matching, returns, reconciliation and cheque remittances."""
