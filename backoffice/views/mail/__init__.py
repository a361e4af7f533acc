"""The outbox screen (issue 17)."""
