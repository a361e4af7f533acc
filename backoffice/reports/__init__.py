"""Documents out of data: PDF (reportlab), Excel (XlsxWriter), SEPA XML (lxml). No Qt, no
session: each function takes plain data and returns bytes (or writes a file)."""
