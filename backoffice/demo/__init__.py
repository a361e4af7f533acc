"""A realistic French demo database, at any scale (``backoffice demo --members N``)."""
