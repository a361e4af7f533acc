"""The billing section: campaign, invoices, overdue instalments, declarations, tariffs."""
