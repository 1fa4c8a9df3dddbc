"""Password hashing (argon2id) and the password policy (等保 level 3: length and character classes)."""

from __future__ import annotations

import asyncio
import os
import string
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from minsheng.errors import InvalidInput

_hasher = PasswordHasher()

MIN_LENGTH = 10

#: The stored hash of an account that has no password yet (no password matches it): its owner chooses
#: one through a one-time link (``minsheng.accounts.links``).
NO_PASSWORD = "!"  # noqa: S105

# A constant hash to verify against when the user does not exist, so timing does not reveal it.
_DUMMY_HASH = _hasher.hash("minsheng-no-such-user")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


async def hash_passwords(
    passwords: Sequence[str], *, batch: int = 8, on_batch: Callable[[int], Awaitable[None]] | None = None
) -> list[str]:
    """The hashes of ``passwords``, in order, computed off the event loop in a pool of threads.

    Argon2 releases the interpreter lock, so the threads hash in parallel on as many cores as there are
    (up to four). ``on_batch(done)`` is awaited after every ``batch`` hashes, to report progress.
    """
    loop = asyncio.get_running_loop()
    hashes: list[str] = []
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1), thread_name_prefix="argon2") as pool:
        for start in range(0, len(passwords), batch):
            chunk = passwords[start : start + batch]
            hashes += await asyncio.gather(*(loop.run_in_executor(pool, hash_password, p) for p in chunk))
            if on_batch is not None:
                await on_batch(len(hashes))
    return hashes


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
