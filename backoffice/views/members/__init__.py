"""Adhérents: the list of members, a member's record in a tab, the record's form, and the
records staff keep themselves (new member, employees by hand or by spreadsheet,
cessation and return)."""
