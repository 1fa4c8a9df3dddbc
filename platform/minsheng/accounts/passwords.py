"""Password hashing (argon2id) and the password policy (等保 level 3: length and character classes)."""

from __future__ import annotations

import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from minsheng.errors import InvalidInput

_hasher = PasswordHasher()

MIN_LENGTH = 10

# A constant hash to verify against when the user does not exist, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("minsheng-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends the same work, user or no user."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def character_classes(password: str) -> int:
    classes = [
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c in string.digits for c in password),
        any(not c.isalnum() for c in password),
    ]
    return sum(classes)


def check_password_policy(password: str, username: str) -> None:
    """Refuse a weak password with a translated reason."""
    if len(password) < MIN_LENGTH:
        raise InvalidInput("The password must be at least {length} characters long", length=MIN_LENGTH)
    if character_classes(password) < 3:
        raise InvalidInput(
            "The password must mix at least three of: lower-case letters, upper-case letters, digits, symbols"
        )
    if username and username.lower() in password.lower():
        raise InvalidInput("The password must not contain the user name")
