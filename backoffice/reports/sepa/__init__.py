"""SEPA documents: the pain.008 collection file and the pre-notification notices."""
