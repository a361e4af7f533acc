"""Employees recorded by staff: what a member sends by post or telephone rather than
through the portal's *Mes salariés*.

``checks`` names and checks an employee's values as the portal's requests are checked
(the same field specs, the same follow-up category rule); ``staff_records`` adds, edits,
exits and reinstates one employee; ``spreadsheet`` reads the rows of a member's file (xlsx
or CSV) and ``importing`` previews them (the lines refused and why) and imports the
accepted ones in one transaction.
"""
