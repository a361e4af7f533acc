"""E-invoicing (issue 16): the CII XML of the norm EN 16931, its XSD check and the
Factur-X PDF (PDF/A-3 with the XML embedded). Data in, bytes out."""
