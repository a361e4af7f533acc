"""Direct debits (Facturation › Prélèvements SEPA): mandates, pre-notifications,
collections (prepare → review → export), files and returns."""
