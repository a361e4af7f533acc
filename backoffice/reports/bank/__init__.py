"""Documents of the bank desk (cheque remittance slips)."""
