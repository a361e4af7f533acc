"""Outgoing mail: the outbox of every e-mail the service sends to its members.

``settings`` is the SMTP server (password in the keyring); ``templates`` the editable
French texts and the fields each may use.
"""
