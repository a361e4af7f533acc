"""Membership records the staff keep themselves, for what arrives by telephone, post or at
the front desk rather than through the portal.

``numbering`` gives new members their code (a setting's rule); ``creation`` records a new
member (joining-fee invoice and first portal access in the same step); ``situation``
records a cessation or a return, with the consequences a portal request would have.
"""
