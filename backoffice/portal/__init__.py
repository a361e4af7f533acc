"""The members' portal, simulated: exactly the writes the real portal makes.

The portal is another program sharing our database; this package reproduces its writes so
that the demo and the tests always exercise the back-office against a portal writing at
the same time. It never writes what only staff may write.
"""
