"""Password hashing (Argon2id, PHC string format) and temporary passwords.

The PHC string (``$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>``) carries its own
parameters, so the portal verifies it with any Argon2 library (argon2-cffi, libsodium,
PHP's ``password_verify``). Nothing here logs or stores a password in clear.
"""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# RFC 9106 "second recommended option": Argon2id, 64 MiB, 3 passes, 4 lanes.
_hasher = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4)
# For generated demo data and tests only: the same format at a cost a demo of thousands
# of accounts can afford. Such hashes are upgraded at the next successful staff login.
_light_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

# No look-alikes: no 0/O/o, 1/l/I, 5/S, 2/Z, 8/B.
TEMPORARY_PASSWORD_ALPHABET = "ACDEFGHJKLMNPQRTUVWXYabcdefghijkmnpqrstuvwxyz34679"
TEMPORARY_PASSWORD_LENGTH = 12  # ≈ 67 bits of entropy


def hash_password(password: str, *, light: bool = False) -> str:
    """Argon2id PHC string of ``password``; ``light`` only for demo data and tests."""
    return (_light_hasher if light else _hasher).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def temporary_password(length: int = TEMPORARY_PASSWORD_LENGTH) -> str:
    return "".join(secrets.choice(TEMPORARY_PASSWORD_ALPHABET) for _ in range(length))
