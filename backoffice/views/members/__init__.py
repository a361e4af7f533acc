"""The members section: the list, a member's tabs, and the records staff keep themselves
(new member, employees by hand or by spreadsheet, cessation and return)."""
