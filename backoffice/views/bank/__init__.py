"""Facturation's bank side: importing the bank's files (``import_files``)."""
