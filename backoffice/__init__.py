"""Back-office of an occupational health service (SPSTI).

The package is layered, imports going one way only:
``models`` (SQLAlchemy) → ``services`` (domain operations) and ``reports`` (PDF, Excel, XML)
→ ``ops`` (background execution, Qt) → ``views`` (Qt widgets). Nothing below ``ops`` imports Qt.
"""

__version__ = "0.1.0"
