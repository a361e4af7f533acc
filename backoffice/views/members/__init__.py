"""Adhérents: the list of members, a member's record in a tab, the record's form."""
