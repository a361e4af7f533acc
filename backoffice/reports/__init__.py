"""Documents out of data: PDF (reportlab), Excel (openpyxl), SEPA XML. No Qt, no session:
each function takes plain data and returns bytes (or writes a file)."""
