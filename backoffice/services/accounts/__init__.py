"""Portal accounts: unblock, reset access with a letter, accounting firms."""
