"""Comptes portail: the console of the members' portal accounts and accounting firms."""
