"""Documents: the library members read on the portal."""
