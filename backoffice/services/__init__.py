"""Domain operations. Plain Python: each takes a session and the acting staff member,
checks the permission, does the work, and leaves the commit to the caller's unit of work.
No Qt here."""

# Every flush refuses, with a sentence naming the field, what its column cannot hold.
from backoffice.services import limits as _limits  # noqa: F401
