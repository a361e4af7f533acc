"""Documents: the library members see on the portal (*Mes documents*), by theme."""
