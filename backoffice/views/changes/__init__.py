"""The review of the changes members submit on the portal (« Modifications à valider »)."""
